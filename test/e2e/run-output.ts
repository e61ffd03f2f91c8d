// Reads what a playbook run reported, from Ansible's default output format (which tsplay's reporter and
// ansible-playbook both print): the tasks each host reported changed, and the PLAY RECAP counts.

/** PLAY RECAP counts of one host. */
export interface Recap {
  readonly ok: number
  readonly changed: number
  readonly unreachable: number
  readonly failed: number
  readonly skipped: number
  readonly rescued: number
  readonly ignored: number
}

/** What one run reported: per host, the changed and the skipped tasks ("play / task") and the recap counts. */
export interface RunReport {
  readonly changed: ReadonlyMap<string, ReadonlySet<string>>
  readonly skipped: ReadonlyMap<string, ReadonlySet<string>>
  readonly recap: ReadonlyMap<string, Recap>
}

const HEADER = /^(PLAY|TASK|RUNNING HANDLER) \[(.*)\] \**\s*$/
const STATUS = /^(changed|skipping): \[([^\]\s]+)(?: -> [^\]]+)?\]/
const RECAP = /^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/

/** Parse the plain-text output of `tsplay run` or `ansible-playbook`. */
export function parseRunOutput(output: string): RunReport {
  const changed = new Map<string, Set<string>>()
  const skipped = new Map<string, Set<string>>()
  const recap = new Map<string, Recap>()
  let play = ''
  let task = ''
  let inRecap = false
  for (const line of output.split('\n')) {
    const header = HEADER.exec(line)
    if (header) {
      if (header[1] === 'PLAY') play = header[2]!
      else task = `${play} / ${header[1] === 'TASK' ? '' : 'handler '}${header[2]}`
      continue
    }
    if (/^PLAY RECAP \**/.test(line)) inRecap = true
    const status = STATUS.exec(line)
    if (status && !inRecap) {
      const into = status[1] === 'changed' ? changed : skipped
      const host = status[2]!
      if (!into.has(host)) into.set(host, new Set())
      into.get(host)!.add(task)
      continue
    }
    const counts = inRecap ? RECAP.exec(line) : null
    if (counts) {
      const [ok, ch, unreachable, failed, skipped, rescued, ignored] = counts.slice(2).map(Number) as number[]
      recap.set(counts[1]!, { ok: ok!, changed: ch!, unreachable: unreachable!, failed: failed!, skipped: skipped!, rescued: rescued!, ignored: ignored! })
    }
  }
  return { changed, skipped, recap }
}

/** The changed tasks of one host, sorted (empty when it changed nothing). */
export const changedTasks = (report: RunReport, host: string): string[] => [...(report.changed.get(host) ?? [])].sort()

/**
 * Where a real run's changes were not predicted by the check run before it, per host: tasks check mode
 * reported changed that the real run did not change, and tasks the real run changed that check mode neither
 * predicted nor marked as unpredictable by skipping them (the roles skip, in check mode, what needs a
 * package or directory that only the real run creates). Handlers notified by such skipped tasks are not
 * predicted either and are left out. Empty when the check run was right.
 */
export function mispredictions(check: RunReport, real: RunReport, host: string): string[] {
  const predicted = new Set(changedTasks(check, host))
  const made = new Set(changedTasks(real, host))
  const marked = check.skipped.get(host) ?? new Set<string>()
  return [
    ...[...predicted].filter((t) => !made.has(t)).map((t) => `predicted but not changed: ${t}`),
    ...[...made].filter((t) => !predicted.has(t) && !marked.has(t) && !/ \/ handler /.test(t)).map((t) => `changed but not predicted: ${t}`),
  ]
}
