// Recording one host's task result: the recap counters, `register`, facts, ignore_errors, rescue bookkeeping and
// notifications. Shared by the task walk and includes.
import type { Task } from '../load/index.js'
import { renderValue } from '../template/index.js'
import { applyFacts } from './facts.js'
import { notify } from './handlers.js'
import { emptyStats, type HostStats, type TaskResult } from './result.js'
import type { PlayState } from './state.js'
import { registered } from './task.js'
import { hostVars, keyword, templateVars, truthy } from './vars.js'

/** The result marked `...ignoring` when ignore_errors applies. */
export function withIgnore(ps: PlayState, task: Task, result: TaskResult): TaskResult {
  if (result.status === 'unreachable') return truthy(keyword(task, 'ignore_unreachable')) ? { ...result, ignored: true } : result
  return result.status === 'failed' && ignored(ps, task, result.host) ? { ...result, ignored: true } : result
}

function ignored(ps: PlayState, task: Task, host: string): boolean {
  const value = keyword(task, 'ignore_errors')
  if (value === undefined || value === null) return false
  return truthy(typeof value === 'string' ? renderValue(value, templateVars(hostVars(ps, host, task))) : value)
}

/** Count, register, apply facts, notify and mark failure for one host's result (`alsoFor`: run_once's batch). */
export function record(ps: PlayState, task: Task, result: TaskResult, alsoFor: readonly string[]): void {
  const host = result.host
  const state = ps.run.hosts.get(host)!
  const stats = statsOf(ps, host)
  const register = task.keywords['register']
  for (const h of alsoFor) {
    const s = ps.run.hosts.get(h)
    if (s === undefined) continue
    if (typeof register === 'string') s.setFacts[register] = registered(task, result)
    applyFacts(ps, task, result.delegatedTo !== undefined && truthy(keyword(task, 'delegate_facts')) ? result.delegatedTo : h, result)
  }
  const changed = result.data['changed'] === true
  switch (result.status) {
    case 'ok':
    case 'changed':
      stats.ok++
      if (changed) stats.changed++
      break
    case 'skipped':
      stats.skipped++
      break
    case 'unreachable':
      if (truthy(keyword(task, 'ignore_unreachable'))) {
        stats.ok++
        stats.ignored++
      } else {
        stats.unreachable++
        state.unreachable = true
      }
      break
    case 'failed':
      if (ignored(ps, task, host)) {
        stats.ok++
        stats.ignored++
        if (changed) stats.changed++
      } else {
        if ((ps.rescuable.get(host) ?? 0) > 0) {
          stats.rescued++
          state.setFacts['ansible_failed_task'] = { name: task.keywords['name'] ?? '', action: task.action, args: task.args }
          state.setFacts['ansible_failed_result'] = registered(task, result)
        } else stats.failed++
        state.failed = true
        ps.failedInBatch.add(host)
      }
      break
  }
  if (changed && result.status !== 'unreachable' && keyword(task, 'notify') !== undefined) notify(ps, task, host, templateVars(hostVars(ps, host, task)))
}

/** The host's recap counters, created on first use. */
export function statsOf(ps: PlayState, host: string): HostStats {
  let stats = ps.run.stats.get(host)
  if (stats === undefined) ps.run.stats.set(host, (stats = emptyStats()))
  return stats
}
