import type { Block, Item, Task } from '../load/index.js'
import { flushHandlers } from './handlers.js'
import type { PlayState } from './state.js'
import { runOnHost, whenHolds } from './task.js'
import { shown, type TaskResult } from './result.js'
import { hostVars, keyword, scopeChain, templateVars, truthy } from './vars.js'
import { renderValue } from '../template/index.js'
import { selectedByTags } from './tags.js'
import { runInclude } from './include.js'
import { record, withIgnore } from './record.js'

const BYPASS_HOST_LOOP: ReadonlySet<string> = new Set(['add_host', 'pause'])

/** Hosts of `hosts` that may still run tasks in this play. */
export const activeHosts = (ps: PlayState, hosts: readonly string[]): string[] =>
  hosts.filter((h) => { const s = ps.run.hosts.get(h); return s !== undefined && !s.failed && !s.unreachable && !s.ended })

/** Run tasks and blocks in order on `hosts`, in lockstep (Ansible's linear strategy). */
export async function runItems(ps: PlayState, items: readonly Item[], hosts: readonly string[]): Promise<void> {
  for (const item of items) {
    if (ps.stopped) return
    if (activeHosts(ps, ps.batch).length === 0) {
      // a failed host inside a block with rescue or always has those still to run: only the block ends here
      if (!ps.batch.some((h) => (ps.guarded.get(h) ?? 0) > 0 && ps.run.hosts.get(h)?.failed === true)) noMoreHosts(ps)
      return
    }
    const active = activeHosts(ps, hosts)
    if (active.length === 0) return
    if (item.kind === 'block') await runBlock(ps, item, active)
    else await runTask(ps, item, active)
  }
}

async function runBlock(ps: PlayState, block: Block, hosts: string[]): Promise<void> {
  if (block.repeat) return
  const rescuable = block.rescue.length > 0
  const guarded = rescuable || block.always.length > 0
  if (rescuable) for (const h of hosts) ps.rescuable.set(h, (ps.rescuable.get(h) ?? 0) + 1)
  if (guarded) for (const h of hosts) ps.guarded.set(h, (ps.guarded.get(h) ?? 0) + 1)
  try {
    await runItems(ps, block.block, hosts)
  } finally {
    if (rescuable) for (const h of hosts) ps.rescuable.set(h, (ps.rescuable.get(h) ?? 1) - 1)
  }
  // the rescue section is still guarded by the always section
  if (guarded && block.always.length === 0) for (const h of hosts) ps.guarded.set(h, (ps.guarded.get(h) ?? 1) - 1)
  const failedHere = hosts.filter((h) => { const s = ps.run.hosts.get(h)!; return s.failed && !s.unreachable })
  if (rescuable && failedHere.length > 0 && !ps.stopped) {
    for (const h of failedHere) {
      ps.run.hosts.get(h)!.failed = false
      ps.failedInBatch.delete(h)
    }
    await runItems(ps, block.rescue, failedHere)
  }
  if (block.always.length > 0) for (const h of hosts) ps.guarded.set(h, (ps.guarded.get(h) ?? 1) - 1)
  if (block.always.length === 0 || ps.stopped) return
  const parked = hosts.filter((h) => { const s = ps.run.hosts.get(h)!; return s.failed && !s.unreachable && !s.ended })
  for (const h of parked) ps.run.hosts.get(h)!.failed = false
  await runItems(ps, block.always, hosts)
  for (const h of parked) ps.run.hosts.get(h)!.failed = true
  // ansible ends the play here without "NO MORE HOSTS LEFT" when no host is left and no outer block can rescue
  if (parked.length > 0 && parked.every((h) => (ps.guarded.get(h) ?? 0) === 0) && activeHosts(ps, ps.batch).length === 0) ps.stopped = true
}

/**
 * Tasks remain but every host of the batch failed: the play ends. ansible-core 2.14 says "NO MORE HOSTS LEFT" only
 * when any_errors_fatal or max_fail_percentage ended it (checkFatal), not here.
 */
export function noMoreHosts(ps: PlayState): void {
  ps.stopped = true
}

/** Run one task on the active hosts: engine actions here, modules through runOnHost; records every result. */
export async function runTask(ps: PlayState, task: Task, hosts: readonly string[], handler = false): Promise<void> {
  if (ps.run.options.stop?.aborted) {
    ps.stopped = true
    ps.run.aborted = true
    return
  }
  if (!handler && !startReached(ps, task)) return
  if (!handler && !selectedByTags(ps.run.options, task)) return
  if (task.action === 'meta') return runMeta(ps, task, hosts)
  const runOnce = truthy(keyword(task, 'run_once'))
  // add_host and pause bypass the host loop in Ansible: they run for the first host only, and only it registers
  const bypass = BYPASS_HOST_LOOP.has(task.action)
  const targets = runOnce || bypass ? hosts.slice(0, 1) : [...hosts]
  ps.run.emit({ type: 'task', name: bannerName(ps, task, targets[0]), handler, hosts: targets, location: task.location })
  if (task.action === 'include_tasks' || task.action === 'include_role' || task.action === 'include') return runInclude(ps, task, targets, runItems)
  const throttle = Number(keyword(task, 'throttle') ?? 0)
  const forks = throttle > 0 ? Math.min(throttle, ps.run.options.forks) : ps.run.options.forks
  const results = await pool(targets, forks, async (host) => {
    const result = await runOnHost(ps, task, host, (item) => ps.run.emit({ type: 'item', result: item, taskName: task.name }))
    record(ps, task, result, runOnce && !bypass ? hosts : [host])
    ps.run.emit({ type: 'result', result: shown(withIgnore(ps, task, result)), taskName: task.name })
    return result
  })
  checkFatal(ps, task, results)
}

function checkFatal(ps: PlayState, task: Task, results: readonly TaskResult[]): void {
  const bad = results.some((r) => (r.status === 'failed' && ps.failedInBatch.has(r.host) && (ps.rescuable.get(r.host) ?? 0) === 0) || r.status === 'unreachable')
  const maxFail = ps.play.keywords['max_fail_percentage']
  const overMax = maxFail !== undefined && maxFail !== null && (ps.failedInBatch.size / ps.batch.length) * 100 > Number(maxFail)
  const fatal = bad && truthy(keyword(task, 'any_errors_fatal') ?? ps.run.options.anyErrorsFatal)
  if (fatal || overMax) {
    for (const h of ps.batch) { const s = ps.run.hosts.get(h); if (s && !s.failed && !s.unreachable) s.failed = true }
    // ansible-core stops the whole playbook here; it says NO MORE HOSTS LEFT once, twice for max_fail_percentage
    ps.run.emit({ type: 'no-more-hosts' })
    if (overMax) ps.run.emit({ type: 'no-more-hosts' })
    ps.stopped = true
    ps.run.aborted = true
  }
}

async function runMeta(ps: PlayState, task: Task, hosts: readonly string[]): Promise<void> {
  const action = String(task.args['_raw_params'])
  // ansible-core 2.14 prints a meta task's banner once per host, then `skipping:` (not counted) when `when` is false
  const applies: string[] = []
  for (const host of hosts) {
    ps.run.emit({ type: 'task', name: displayName(task), handler: false, hosts: [host] })
    if (whenHolds(task, templateVars(hostVars(ps, host, task)))) {
      applies.push(host)
      if (action === 'end_play') break
    } else ps.run.emit({ type: 'result', taskName: task.name, result: { host, status: 'skipped', data: { changed: false, skipped: true }, diff: [], changes: [] } })
  }
  switch (action) {
    case 'flush_handlers':
      return flush(ps)
    case 'end_play':
      if (applies.length > 0) {
        for (const h of ps.batch) { const s = ps.run.hosts.get(h); if (s) s.ended = true }
        ps.stopped = true
        ps.playEnded = true
      }
      return
    case 'end_batch':
      if (applies.length > 0) ps.stopped = true
      return
    case 'end_host':
      for (const h of applies) ps.run.hosts.get(h)!.ended = true
      return
    case 'clear_facts':
      for (const h of applies) ps.run.hosts.get(h)!.facts = {}
      return
    case 'clear_host_errors':
      for (const h of ps.batch) { const s = ps.run.hosts.get(h); if (s) s.failed = false }
      return
    case 'reset_connection':
      for (const h of applies) { const s = ps.run.hosts.get(h)!; const c = s.conn; delete s.conn; if (c) await (await c).close() }
      return
    default:
      return
  }
}

/** Run the handlers notified so far (end of a section, or `meta: flush_handlers`). */
export async function flush(ps: PlayState): Promise<void> {
  const force = truthy(ps.play.keywords['force_handlers'] ?? ps.run.options.forceHandlers)
  await flushHandlers(ps, force, async (handler, hosts) => {
    const parked = force ? hosts.filter((h) => ps.run.hosts.get(h)!.failed) : []
    for (const h of parked) ps.run.hosts.get(h)!.failed = false
    await runTask(ps, handler, hosts, true)
    for (const h of parked) ps.run.hosts.get(h)!.failed = true
  })
}

function startReached(ps: PlayState, task: Task): boolean {
  if (!ps.run.waitingForStart) return true
  const start = ps.run.options.startAtTask
  if (start === displayName(task) || start === task.name) ps.run.waitingForStart = false
  return !ps.run.waitingForStart
}

/** The banner name with `{{ }}` in it rendered for the first host, as Ansible templates task names; raw when that fails. */
function bannerName(ps: PlayState, task: Task, host: string | undefined): string {
  const name = displayName(task)
  if (host === undefined || !name.includes('{')) return name
  try {
    return String(renderValue(name, templateVars(hostVars(ps, host, task))))
  } catch {
    return name
  }
}

/** `TASK [role : name]` text for a task. */
export function displayName(task: Task): string {
  const role = scopeChain(task.scope).reverse().find((s) => s.role)?.role
  return role ? `${role.name} : ${task.name}` : task.name
}

/** Run `fn` over `items` with at most `limit` at a time; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      results[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return results
}
