import { setTimeout as sleep } from 'node:timers/promises'
import { TsplayError } from '../errors.js'
import type { Task } from '../load/index.js'
import { shown, type TaskResult, type TaskStatus } from './result.js'
import { AheadWindow, gatherAhead, mayGatherAhead, stillCurrent, type Ahead } from './ahead.js'
import { execute, failed } from './exec.js'
import { executeTask } from './async.js'
import { taskTimeout, withTimeout } from './timeout.js'
import { itemLabel, loopControl, loopItems, loopKey, loopVars } from './loop.js'
import type { PlayState } from './state.js'
import { hostVars, keyword, noLogOf, scopeChain, templateVars } from './vars.js'
import { evalCondition, markUnsafe, renderValue, storedUnsafe, type Vars } from '../template/index.js'

/** The `when` conditions that apply to a task: inherited ones first, then its own. */
export function conditionsOf(task: Task): unknown[] {
  const own = task.keywords['when']
  return [...scopeChain(task.scope).map((s) => s.keywords['when']), own].filter((c) => c !== undefined && c !== null)
}

/** Evaluate `when`; a template error is thrown as TsplayError for the caller to report as a failure. */
export function whenHolds(task: Task, vars: Vars): boolean {
  return conditionsOf(task).every((c) => evalCondition(c, vars, task.location))
}

/** A loop item's variables and whether its `when` holds (or why it could not be evaluated). */
interface ItemSetup {
  readonly extra: Vars
  readonly vars: Vars
  readonly holds: boolean | TsplayError
  /** The item's no_log (an error hides it: what the item would show is unknown). */
  readonly hidden: boolean
}

const skippedResult = (host: string): TaskResult => ({ host, status: 'skipped', data: { changed: false, skip_reason: 'Conditional result was False', skipped: true }, diff: [], changes: [] })

/** Run one task on one host: `when`, the loop, retries, changed_when/failed_when. Never throws a TsplayError. */
export async function runOnHost(ps: PlayState, task: Task, host: string, itemSink: (r: TaskResult) => void): Promise<TaskResult> {
  let hidden = false
  try {
    if (ps.run.options.verbosity >= 2) explainVars(ps, task, host)
    const vars = templateVars(hostVars(ps, host, task))
    // templated before anything runs, as the other keywords are: a task whose no_log cannot be decided fails
    hidden = noLogOf(task, vars)
    if (loopKey(task) === undefined) {
      if (!whenHolds(task, vars)) return hide(task, skippedResult(host), hidden)
      return hide(task, await attempt(ps, task, host, {}, vars, hidden), hidden)
    }
    return await runLoop(ps, task, host, hidden, itemSink)
  } catch (error) {
    if (error instanceof TsplayError) return hide(task, failed(host, error.message), hidden)
    throw error
  }
}

/**
 * The result marked `noLog` when the task hides it; a debug task's result is also marked verbose, which `shown`
 * reads as ansible's callback reads the action: to drop `changed` from any debug result, skipped and looped ones too.
 */
const hide = (task: Task, result: TaskResult, noLog: boolean): TaskResult => (noLog ? { ...result, noLog, ...(task.action === 'debug' ? { verboseAlways: true } : {}) } : result)

async function runLoop(ps: PlayState, task: Task, host: string, hostHidden: boolean, itemSink: (r: TaskResult) => void): Promise<TaskResult> {
  const items = loopItems(task, templateVars(hostVars(ps, host, task)))
  if (items.length === 0) return hide(task, { host, status: 'skipped', data: { changed: false, skipped: true, skipped_reason: 'No items in the list', results: [] }, diff: [], changes: [] }, hostHidden)
  const lc = loopControl(task)
  // as in ansible-core, one item with no_log hides the whole task's result
  let hidden = hostHidden
  const setup = (i: number): ItemSetup => {
    const extra = loopVars(lc, items, i)
    const vars = templateVars(hostVars(ps, host, task, extra))
    try {
      return { extra, vars, holds: whenHolds(task, vars), hidden: hostHidden || noLogOf(task, vars) }
    } catch (error) {
      if (!(error instanceof TsplayError)) throw error
      return { extra, vars, holds: error, hidden: true }
    }
  }
  // modules that opt in read several items' state in one round trip before the first of them runs
  const early = mayGatherAhead(task, items.length, lc.pauseSeconds) ? items.map((_, i) => setup(i)) : undefined
  const window = new AheadWindow(items.length, ps.run.options.check)
  const ahead: Array<Ahead | undefined> = []
  const results: TaskResult[] = []
  for (let i = 0; i < items.length; i++) {
    if (ps.run.options.stop?.aborted) break
    if (i > 0 && lc.pauseSeconds > 0) await sleep(lc.pauseSeconds * 1000)
    if (early && i === window.next) {
      const end = window.take(ahead.slice(window.start, i))
      ahead.push(...(await gatherAhead(ps, task, host, early.slice(i, end).map((s) => (s.holds === true ? s.vars : undefined)))))
    }
    const { extra, vars, holds, hidden: itemHidden } = early?.[i] ?? setup(i)
    hidden ||= itemHidden
    // as in ansible-core, a condition that cannot be evaluated fails the whole task, not just the item
    if (holds instanceof TsplayError) return hide(task, failed(host, holds.message), hidden)
    let result: TaskResult
    try {
      result = holds ? await attempt(ps, task, host, extra, vars, itemHidden, ahead[i]) : skippedResult(host)
    } catch (error) {
      if (!(error instanceof TsplayError)) throw error
      result = failed(host, error.message)
    }
    const data: Record<string, unknown> = { ...result.data, [lc.loopVar]: items[i], ansible_loop_var: lc.loopVar }
    if (lc.indexVar !== undefined) Object.assign(data, { [lc.indexVar]: i, ansible_index_var: lc.indexVar })
    if (result.status !== 'skipped' && data['failed'] === undefined) data['failed'] = false
    // a hidden item's label is never rendered: nothing of it may be shown
    const itemResult = hide(task, { ...result, data, label: itemHidden ? 'None' : itemLabel(lc, items[i], vars) }, itemHidden)
    itemSink(shown(itemResult))
    results.push(itemResult)
  }
  const anyFailed = results.some((r) => r.status === 'failed')
  const allSkipped = results.every((r) => r.status === 'skipped')
  const changed = results.some((r) => r.data['changed'] === true)
  const status = results.some((r) => r.status === 'unreachable') ? 'unreachable' : anyFailed ? 'failed' : allSkipped ? 'skipped' : changed ? 'changed' : 'ok'
  const data: Record<string, unknown> = { changed, msg: anyFailed ? 'One or more items failed' : 'All items completed', results: results.map((r) => r.data), skipped: allSkipped }
  if (anyFailed) data['failed'] = true
  return hide(task, { host, status, data, diff: results.flatMap((r) => r.diff), changes: results.flatMap((r) => r.changes), items: results, ...delegationOf(results[0]) }, hidden)
}

/** With -vv: where each variable the task's templates name comes from (precedence level and file). */
function explainVars(ps: PlayState, task: Task, host: string): void {
  const merged = hostVars(ps, host, task)
  const text = JSON.stringify([task.args, task.keywords['when'] ?? null, task.keywords['loop'] ?? null])
  const names = new Set<string>()
  for (const block of text.match(/{{.*?}}|{%.*?%}/g) ?? []) for (const id of block.match(/(?<![.\w'"])[A-Za-z_]\w*/g) ?? []) names.add(id)
  if (typeof task.keywords['when'] === 'string') for (const id of task.keywords['when'].match(/(?<![.\w'"])[A-Za-z_]\w*/g) ?? []) names.add(id)
  for (const name of names) {
    const source = merged.sourceOf(name)
    if (source !== undefined && !source.startsWith('magic')) ps.run.emit({ type: 'verbose', level: 2, message: `[${host}] ${name} from ${source}` })
  }
}

/** Execute with `until`/`retries`/`delay`, then apply changed_when and failed_when; `vars` are the host's with `loop`'s. */
async function attempt(ps: PlayState, task: Task, host: string, loop: Vars, vars: Vars, noLog: boolean, ahead?: Ahead): Promise<TaskResult> {
  const until = task.keywords['until']
  const register = typeof task.keywords['register'] === 'string' ? task.keywords['register'] : undefined
  const retries = until === undefined ? 0 : Math.max(0, Number(renderValue(keyword(task, 'retries') ?? 3, vars)))
  const delay = Number(renderValue(keyword(task, 'delay') ?? 5, vars))
  const seconds = taskTimeout(ps, task, vars)
  for (let n = 1; ; n++) {
    // the first try of an item prepared ahead reuses its arguments, and its state while that is still current
    // (not under a timeout: its connection was made without the signal that kills its commands)
    let result = await withTimeout(task, host, seconds, (signal) => (n === 1 && ahead && signal === undefined ? execute(ahead.prepared, stillCurrent(ahead)) : executeTask(ps, task, host, vars, signal)))
    if (result.status === 'unreachable') return result
    result = judge(ps, task, host, result, loop, register)
    if (until === undefined) return result
    const withResult = templateVars(hostVars(ps, host, task, { ...loop, ...(register ? { [register]: hostData(task, result.data) } : {}) }))
    // as ansible-core, the condition decides even for a failed try (`until: job.finished` on a job that failed)
    const done = evalCondition(until, withResult, task.location)
    if (done || n > retries) {
      // ansible-core 2.14 reports `retries` attempts after running out of retries+1 tries
      const data = { ...result.data, attempts: done ? n : retries }
      if (!done) Object.assign(data, { failed: true })
      return { ...result, status: done ? result.status : 'failed', data }
    }
    ps.run.emit({ type: 'retry', host, taskName: task.name, retriesLeft: retries - n + 1, result: shown(hide(task, { ...result, data: { ...result.data, attempts: n } }, noLog)) })
    if (ps.run.options.stop?.aborted) return result
    if (delay > 0) await sleep(delay * 1000)
  }
}

/**
 * changed_when and failed_when, evaluated with the result registered, as Ansible does. A condition that cannot be
 * evaluated fails the task but keeps the module's result, with the error as `changed_when_result` or
 * `failed_when_result` (ansible's TaskExecutor does the same).
 */
function judge(ps: PlayState, task: Task, host: string, result: TaskResult, loop: Vars, register: string | undefined): TaskResult {
  const changedWhen = task.keywords['changed_when']
  const failedWhen = task.keywords['failed_when']
  if ((changedWhen === undefined && failedWhen === undefined) || result.status === 'skipped') return result
  const data = { ...result.data }
  const vars = (): Vars => templateVars(hostVars(ps, host, task, { ...loop, ...(register ? { [register]: hostData(task, data) } : {}), ...resultVars(task, data) }))
  let condition = 'changed'
  try {
    if (changedWhen !== undefined) data['changed'] = evalCondition(changedWhen, vars(), task.location)
    let status: TaskStatus = result.status === 'failed' ? result.status : data['changed'] === true ? 'changed' : 'ok'
    condition = 'failed'
    if (failedWhen !== undefined) {
      const isFailed = evalCondition(failedWhen, vars(), task.location)
      data['failed_when_result'] = isFailed
      data['failed'] = isFailed
      status = isFailed ? 'failed' : data['changed'] === true ? 'changed' : 'ok'
    }
    return { ...result, status, data }
  } catch (error) {
    if (!(error instanceof TsplayError)) throw error
    const text = String(condition === 'changed' ? changedWhen : failedWhen)
    data['failed'] = true
    data[`${condition}_when_result`] = `The conditional check '${text}' failed. The error was: ${error.message}`
    return { ...result, status: 'failed', data }
  }
}

/** The dict `register` stores: the result plus `failed`, as Ansible registers it; unsafe (see hostData). */
export function registered(task: Task, result: TaskResult): Record<string, unknown> {
  if (result.items !== undefined || result.status === 'skipped') return hostData(task, result.data)
  // an async job's start keeps async_wrapper's `failed: 0`, as ansible registers it
  return hostData(task, { ...result.data, failed: result.status === 'failed' || (result.data['failed'] === 0 ? 0 : false) })
}

// Actions whose results ansible-core does not mark unsafe: their facts are the playbook's own templated values.
const CLEAN_FACTS = new Set(['set_fact', 'include_vars'])

/**
 * A result as variables see it: marked unsafe (never templated again, see yaml/unsafe.ts) unless the action's
 * values are the playbook's own, as ansible-core wraps every other module's result.
 */
export function hostData(task: Task, data: Record<string, unknown>): Record<string, unknown> {
  return CLEAN_FACTS.has(task.action) ? data : markUnsafe(data)
}

/** The result's keys as variables (changed_when and failed_when read `rc`, `stdout`… directly), unsafe unless set_fact's or include_vars'. */
function resultVars(task: Task, data: Record<string, unknown>): Vars {
  if (CLEAN_FACTS.has(task.action)) return data
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, storedUnsafe(v)]))
}

// A looped task shows the delegation of its first item, as ansible's callback does with the task's delegate_to.
const delegationOf = (r: TaskResult | undefined): Pick<TaskResult, 'delegatedTo' | 'delegatedHost'> =>
  r?.delegatedTo ? { delegatedTo: r.delegatedTo, ...(r.delegatedHost ? { delegatedHost: r.delegatedHost } : {}) } : {}
