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

/** What one run reported: per host, the changed tasks ("PLAY name / TASK name") and the recap counts. */
export interface RunReport {
  readonly changed: ReadonlyMap<string, ReadonlySet<string>>
  readonly recap: ReadonlyMap<string, Recap>
}

const HEADER = /^(PLAY|TASK|RUNNING HANDLER) \[(.*)\] \**\s*$/
const CHANGED = /^changed: \[([^\]\s]+)(?: -> [^\]]+)?\]/
const RECAP = /^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/

/** Parse the plain-text output of `tsplay run` or `ansible-playbook`. */
export function parseRunOutput(output: string): RunReport {
  const changed = new Map<string, Set<string>>()
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
    const change = CHANGED.exec(line)
    if (change && !inRecap) {
      const host = change[1]!
      if (!changed.has(host)) changed.set(host, new Set())
      changed.get(host)!.add(task)
      continue
    }
    const counts = inRecap ? RECAP.exec(line) : null
    if (counts) {
      const [ok, ch, unreachable, failed, skipped, rescued, ignored] = counts.slice(2).map(Number) as number[]
      recap.set(counts[1]!, { ok: ok!, changed: ch!, unreachable: unreachable!, failed: failed!, skipped: skipped!, rescued: rescued!, ignored: ignored! })
    }
  }
  return { changed, recap }
}

/** The changed tasks of one host, sorted (empty when it changed nothing). */
export const changedTasks = (report: RunReport, host: string): string[] => [...(report.changed.get(host) ?? [])].sort()
