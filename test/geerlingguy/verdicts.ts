/** Per-task verdicts read from a run's log (ansible-playbook's default callback and tsplay's report print alike). */

/** What one task did on one host: the line ansible prints, with loops folded into one verdict. */
export type Verdict = 'changed' | 'ok' | 'skipped' | 'failed' | 'failed (ignored)' | 'included'

/** One task of a run: its banner (`TASK [role : name]`, numbered when a name repeats) and its verdict. */
export interface TaskVerdict {
  readonly task: string
  readonly verdict: Verdict
}

const BANNER = /^(TASK|RUNNING HANDLER) \[(.*)\] \**$/
const RESULT = /^(ok|changed|skipping|fatal|failed|included): \[([^\]]+)\]/

/** The verdict of every task that printed a result for `host`, in run order. */
export function taskVerdicts(log: string, host: string): TaskVerdict[] {
  const out: TaskVerdict[] = []
  const seen = new Map<string, number>()
  let current: { task: string; results: string[]; ignored: boolean } | undefined
  const close = (): void => {
    if (current && current.results.length > 0) out.push({ task: current.task, verdict: fold(current.results, current.ignored) })
    current = undefined
  }
  for (const line of log.split('\n')) {
    const banner = BANNER.exec(line)
    if (banner) {
      close()
      const name = `${banner[1] === 'TASK' ? '' : 'handler: '}${banner[2]}`
      const n = (seen.get(name) ?? 0) + 1
      seen.set(name, n)
      current = { task: n === 1 ? name : `${name} #${n}`, results: [], ignored: false }
      continue
    }
    if (line.startsWith('PLAY ')) close()
    if (!current) continue
    const result = RESULT.exec(line)
    // `included: FILE for HOST` names the host after the file, not in brackets
    if (line.startsWith('included: ') && new RegExp(`\\bfor .*\\b${host}\\b`).test(line)) current.results.push('included')
    else if (result && result[2]!.split(' ')[0] === host) current.results.push(result[1]!)
    else if (line.trim() === '...ignoring') current.ignored = true
  }
  close()
  return out
}

function fold(results: readonly string[], ignored: boolean): Verdict {
  if (results.some((r) => r === 'fatal' || r === 'failed')) return ignored ? 'failed (ignored)' : 'failed'
  if (results.includes('changed')) return 'changed'
  if (results.includes('ok')) return 'ok'
  if (results.includes('included')) return 'included'
  return 'skipped'
}

/** One row of the comparison: a task and what each engine said (undefined: the engine ran no such task). */
export interface VerdictRow {
  readonly task: string
  readonly tsplay: Verdict | undefined
  readonly ansible: Verdict | undefined
}

/** Both runs' tasks matched by name, in tsplay's order with ansible-only tasks after the task they follow. */
export function compareVerdicts(tsplay: readonly TaskVerdict[], ansible: readonly TaskVerdict[]): VerdictRow[] {
  const theirs = new Map(ansible.map((t) => [t.task, t.verdict]))
  const rows: VerdictRow[] = tsplay.map((t) => ({ task: t.task, tsplay: t.verdict, ansible: theirs.get(t.task) }))
  const ours = new Set(tsplay.map((t) => t.task))
  let at = 0
  for (const t of ansible) {
    const found = rows.findIndex((r) => r.task === t.task)
    if (found >= 0) at = found + 1
    else if (!ours.has(t.task)) rows.splice(at++, 0, { task: t.task, tsplay: undefined, ansible: t.verdict })
  }
  return rows
}

/** The play recap numbers of `host`, or undefined when the log has none. */
export function recapOf(log: string, host: string): Record<string, number> | undefined {
  const line = new RegExp(`^${host}\\s+:(.*)$`, 'm').exec(log.slice(log.lastIndexOf('PLAY RECAP')))
  if (!line) return undefined
  return Object.fromEntries([...line[1]!.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]))
}
