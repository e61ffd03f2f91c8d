import type { Diff } from '../module.js'

/** How one task ended on one host, as the recap counts it. */
export type TaskStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'unreachable'

/** The outcome of one task (or one loop item) on one host; `data` is the Ansible result dict `register` stores. */
export interface TaskResult {
  readonly host: string
  readonly status: TaskStatus
  /** Host the task actually ran on with `delegate_to`, shown as `[h1 -> h2]`. */
  readonly delegatedTo?: string
  /** The delegate's `ansible_host` when it is not its name, shown as `[h1 -> h2(10.0.0.2)]`. */
  readonly delegatedHost?: string
  /** A failure that `ignore_errors` turned into `...ignoring`. */
  readonly ignored?: boolean
  /** Loop item label, for item results. */
  readonly label?: string
  readonly data: Record<string, unknown>
  readonly diff: readonly Diff[]
  /** Summaries of the planned changes; the reporter adds "would" in check mode. */
  readonly changes: readonly string[]
  /** Results of each loop item, in order; absent for a task without a loop. */
  readonly items?: readonly TaskResult[]
  /** Show the data even without -v (debug does, as Ansible's `_ansible_verbose_always`). */
  readonly verboseAlways?: boolean
  /** Show the data, indented, even without -v, but not cleaned as debug's (assert without `quiet`, whose action sets `_ansible_verbose_always`). */
  readonly showAlways?: boolean
  /** The task ran with `no_log`: `data` is what `register` stores, and only `shown(result)` may leave the runner. */
  readonly noLog?: boolean
}

/** The recap counters of one host, named as in Ansible's PLAY RECAP. */
export interface HostStats {
  ok: number
  changed: number
  unreachable: number
  failed: number
  skipped: number
  rescued: number
  ignored: number
}

/** Fresh zeroed counters. */
export const emptyStats = (): HostStats => ({ ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 })

/** The text Ansible puts in place of a result of a task with `no_log: true`. */
export const NO_LOG_MESSAGE = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"

// what ansible-core's TaskResult.clean_copy keeps of a no_log result
const PRESERVED = ['attempts', 'changed', 'retries']

/**
 * The result as events carry it: a `no_log` result reduced to what ansible shows of it (the censored message and
 * attempts, changed, retries), without its diff, change summaries, items or label. debug's result also loses
 * `changed` and is no longer shown without -v, as in ansible, whose callback then cleans it as any debug result.
 */
export function shown(result: TaskResult): TaskResult {
  if (result.noLog !== true) return result
  const data: Record<string, unknown> = { censored: NO_LOG_MESSAGE }
  for (const key of PRESERVED) if (result.data[key] !== undefined && !(key === 'changed' && result.verboseAlways)) data[key] = result.data[key]
  // the fields no display or --json may use: what remains says how the task ended and where it ran
  const { host, status, delegatedTo, delegatedHost, ignored } = result
  return { host, status, ...(delegatedTo !== undefined ? { delegatedTo } : {}), ...(delegatedHost !== undefined ? { delegatedHost } : {}), ...(ignored !== undefined ? { ignored } : {}), ...(result.label !== undefined ? { label: 'None' } : {}), data, diff: [], changes: [], noLog: true }
}
