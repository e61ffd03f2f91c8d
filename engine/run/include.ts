import { resolve } from 'node:path'
import { PlaybookError, TsplayError } from '../errors.js'
import { checkNotified, findTaskFile, type Item, loadTaskFile, roleFromTask, type Scope, type Task } from '../load/index.js'
import { shown, type TaskResult } from './result.js'
import { failed } from './exec.js'
import { itemLabel, loopControl, loopItems, loopKey, loopVars } from './loop.js'
import type { PlayState } from './state.js'
import { whenHolds } from './task.js'
import { hostVars, noLogOf, templateVars } from './vars.js'
import { record, statsOf, withIgnore } from './record.js'
import { renderValue, type Vars } from '../template/index.js'

/** The task walk's runItems, passed in because the walk in turn runs includes. */
export type RunItems = (ps: PlayState, items: readonly Item[], hosts: readonly string[]) => Promise<void>

interface Inclusion {
  readonly path: string
  readonly params: Vars
  readonly hosts: string[]
  readonly label?: string
}

// Ansible recurses until Python's stack gives out; a bound turns a file that includes itself into one failed task
const MAX_INCLUDE_DEPTH = 100

function depthOf(scope: Scope | undefined): number {
  let depth = 0
  for (let s = scope; s !== undefined; s = s.parent) depth++
  return depth
}

/**
 * include_tasks / include_role: per host, `when` and the loop decide which files (or roles) with which
 * parameters; hosts sharing one are run together, after every `included:` line, as Ansible prints them.
 */
export async function runInclude(ps: PlayState, task: Task, hosts: readonly string[], runItems: RunItems): Promise<void> {
  const inclusions: Inclusion[] = []
  const hidden = new Set<string>()
  for (const host of hosts) {
    try {
      if (depthOf(task.scope) > MAX_INCLUDE_DEPTH) throw new TsplayError(`${task.action}: included more than ${MAX_INCLUDE_DEPTH} levels deep (does a file include itself?)`)
      const base = templateVars(hostVars(ps, host, task))
      if (noLogOf(task, base)) hidden.add(host)
      const items = loopKey(task) === undefined ? [undefined] : loopItems(task, base)
      const lc = loopControl(task)
      let any = false
      for (let i = 0; i < items.length; i++) {
        const extra = loopKey(task) === undefined ? {} : loopVars(lc, items, i)
        const vars = templateVars(hostVars(ps, host, task, extra))
        if (!whenHolds(task, vars)) continue
        any = true
        const target = task.action === 'include_role' ? String(renderValue(task.args['name'], vars, task.location)) : findTaskFile(String(renderValue(task.args['file'] ?? task.args['_raw_params'], vars, task.location)), task.scope, ps.loadContext)
        const params = { ...(renderValue(task.keywords['vars'] ?? {}, vars, task.location) as Vars), ...extra }
        const key = JSON.stringify([target, params])
        const found = inclusions.find((x) => JSON.stringify([x.path, x.params]) === key)
        // ansible names an item of a no_log include this way (not "None" as for a module's items)
        const label = (): string => (hidden.has(host) || noLogOf(task, vars) ? '(censored due to no_log)' : itemLabel(lc, items[i], vars))
        if (found) found.hosts.push(host)
        else inclusions.push({ path: target, params, hosts: [host], ...(loopKey(task) !== undefined ? { label: label() } : {}) })
      }
      if (!any) {
        const r: TaskResult = { host, status: 'skipped', data: { changed: false, skipped: true, skip_reason: 'Conditional result was False' }, diff: [], changes: [] }
        record(ps, task, r, [host])
        ps.run.emit({ type: 'result', result: r, taskName: task.name })
      }
    } catch (error) {
      if (!(error instanceof TsplayError)) throw error
      const r: TaskResult = { ...failed(host, error.message), ...(hidden.has(host) ? { noLog: true } : {}) }
      record(ps, task, r, [host])
      ps.run.emit({ type: 'result', result: shown(withIgnore(ps, task, r)), taskName: task.name })
    }
  }
  // a file that cannot be loaded fails the include for its hosts without an `included:` line, as in ansible
  const loaded: Array<{ inc: Inclusion; items: Item[] }> = []
  for (const inc of inclusions) {
    try {
      loaded.push({ inc, items: loadIncluded(ps, task, inc) })
      checkNotified(ps.loadContext, ps.handlers)
    } catch (error) {
      // A broken included file fails the include for its hosts, as in Ansible; the message keeps file:line:col.
      if (!(error instanceof PlaybookError)) throw error
      ps.loadContext.notified.length = 0
      for (const host of inc.hosts) {
        const r: TaskResult = { ...failed(host, error.explain()), ...(hidden.has(host) ? { noLog: true } : {}) }
        record(ps, task, r, [host])
        ps.run.emit({ type: 'result', result: shown(withIgnore(ps, task, r)), taskName: task.name })
      }
    }
  }
  for (const { inc } of loaded) {
    if (task.action === 'include_role') continue
    ps.run.emit({ type: 'included', file: inc.path, hosts: inc.hosts, ...(inc.label !== undefined ? { label: inc.label } : {}) })
    for (const h of inc.hosts) statsOf(ps, h).ok++
  }
  for (const { inc, items } of loaded) await runItems(ps, items, inc.hosts)
}

function loadIncluded(ps: PlayState, task: Task, inc: Inclusion): Item[] {
  const applyKeywords = (typeof task.args['apply'] === 'object' && task.args['apply'] !== null ? task.args['apply'] : {}) as Record<string, unknown>
  if (task.action === 'include_role') {
    const before = ps.loadContext.handlers.length
    const rolesBefore = ps.loadContext.roles.length
    // `apply:` is a block around the role, as ansible's build_parent_block: its vars rank as block vars
    const applied: Scope = { keywords: applyKeywords, parent: task.scope, dir: task.scope.dir, location: task.location }
    const roleTask: Task = { ...task, args: { ...task.args, name: inc.path }, keywords: { vars: inc.params }, scope: applied }
    const items = roleFromTask(roleTask, ps.loadContext)
    for (const h of ps.loadContext.handlers.slice(before)) if (!ps.handlers.includes(h)) ps.handlers.push(h)
    if (isTrue(renderValue(task.args['public'] ?? false, templateVars(hostVars(ps, inc.hosts[0]!, task)), task.location))) ps.publicRoles.push(...ps.loadContext.roles.slice(rolesBefore))
    return items
  }
  const scope: Scope = { keywords: applyKeywords, parent: task.scope, dir: resolve(inc.path, '..'), location: task.location, params: { level: 'include_params', vars: inc.params } }
  return loadTaskFile(inc.path, scope, ps.loadContext)
}


// a boolean argument as ansible's post-validation reads it (`public: yes`, `public=true`)
const isTrue = (v: unknown): boolean => v === true || v === 1 || (typeof v === 'string' && ['true', 'yes', 'on', 'y', '1', 't'].includes(v.toLowerCase()))
