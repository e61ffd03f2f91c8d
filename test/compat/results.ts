/** The compatibility harness's results: one row per target, printed as it finishes and written as markdown. */
import type { Engine } from './workspace.js'

/** How one target went under one engine. */
export interface EngineOutcome {
  readonly passed: boolean
  readonly seconds: number
  /** Why it failed, one short line; empty when it passed. */
  readonly cause: string
}

/** One target's outcomes under the engines that ran. */
export interface TargetRow {
  readonly target: string
  readonly kind: 'role' | 'script' | 'missing'
  readonly outcomes: Partial<Record<Engine, EngineOutcome>>
}

const cell = (o: EngineOutcome | undefined): string => (o === undefined ? '-' : o.passed ? 'pass' : 'FAIL')
const secs = (o: EngineOutcome | undefined): string => (o === undefined ? '-' : o.seconds.toFixed(0))
const escape = (text: string): string => text.replace(/\|/g, '\\|').replace(/`/g, "'")

/** One line for the terminal: target, ansible result and time, tsplay result and time, tsplay's failure. */
export function formatRowLine(row: TargetRow): string {
  if (row.kind === 'missing') return `${row.target.padEnd(28)} not in this checkout`
  const { ansible, tsplay } = row.outcomes
  const why = tsplay && !tsplay.passed ? `  ${tsplay.cause}` : ''
  return `${row.target.padEnd(28)} ansible ${cell(ansible).padEnd(4)} ${secs(ansible).padStart(4)}s   tsplay ${cell(tsplay).padEnd(4)} ${secs(tsplay).padStart(4)}s${why}`
}

/** "N of M targets that pass under ansible-playbook pass under tsplay", or undefined when one engine did not run. */
export function summaryLine(rows: readonly TargetRow[]): string | undefined {
  const both = rows.filter((r) => r.outcomes.ansible !== undefined && r.outcomes.tsplay !== undefined)
  if (both.length === 0) return undefined
  const reference = both.filter((r) => r.outcomes.ansible?.passed)
  const matched = reference.filter((r) => r.outcomes.tsplay?.passed)
  return `${matched.length} of ${reference.length} targets that pass under ansible-playbook pass under tsplay`
}

/** What a results file records besides its rows: every command that produced them, the date, the versions. */
export interface ResultsMeta {
  readonly commands: readonly string[]
  readonly date: string
  readonly versions: readonly string[]
}

const DATA = /^<!-- compat-data (.*) -->$/m

/** The rows and commands an earlier results file recorded (in a comment after the table), for `--merge`. */
export function readResultsData(markdown: string): { rows: TargetRow[]; commands: string[] } {
  const match = DATA.exec(markdown)
  if (match?.[1]) return JSON.parse(match[1]) as { rows: TargetRow[]; commands: string[] }
  return { rows: readTable(markdown), commands: [...markdown.matchAll(/^Command: `(.*)`$/gm)].map((m) => m[1] ?? '') }
}

/** Rows from the table alone, for a results file written before the data comment existed. */
function readTable(markdown: string): TargetRow[] {
  const ansibleCauses = new Map([...markdown.matchAll(/^- ([^\s:]+): (.*)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']))
  const outcome = (result: string, seconds: string, cause: string): EngineOutcome | undefined =>
    result === '-' ? undefined : { passed: result === 'pass', seconds: Number(seconds), cause }
  const rows: TargetRow[] = []
  for (const line of markdown.split('\n')) {
    const cells = line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim().replace(/\\\|/g, '|'))
    const [target, kind, ansible, aSecs, tsplay, tSecs, cause] = cells
    if (cells.length !== 7 || !target || (kind !== 'role' && kind !== 'script' && kind !== 'missing')) continue
    const outcomes: TargetRow['outcomes'] = {}
    const a = outcome(ansible ?? '-', aSecs ?? '0', ansibleCauses.get(target) ?? '')
    const t = outcome(tsplay ?? '-', tSecs ?? '0', cause ?? '')
    if (a) outcomes.ansible = a
    if (t) outcomes.tsplay = t
    rows.push({ target, kind, outcomes })
  }
  return rows
}

/**
 * `earlier` with the outcomes of each target that `later` ran replaced engine by engine (a tsplay-only run keeps the
 * recorded ansible-playbook outcome), new targets appended.
 */
export function mergeRows(earlier: readonly TargetRow[], later: readonly TargetRow[]): TargetRow[] {
  const byName = new Map(later.map((r) => [r.target, r]))
  const merged = earlier.map((r) => {
    const again = byName.get(r.target)
    return again === undefined ? r : { ...again, outcomes: { ...r.outcomes, ...again.outcomes } }
  })
  return [...merged, ...later.filter((r) => !earlier.some((e) => e.target === r.target))]
}

/** The markdown results file: how it was run, when, against what, the table and the summary. */
export function resultsMarkdown(rows: readonly TargetRow[], meta: ResultsMeta): string {
  const summary = summaryLine(rows)
  const lines = [
    '# ansible-core integration targets under ansible-playbook and tsplay',
    '',
    'Written by `npm run compat` (test/compat/run.ts); each target runs as ansible-test runs it, in a fresh',
    'temporary work dir and OUTPUT_DIR, inside a mount namespace whose writes outside them are discarded.',
    '',
    meta.commands.length === 1 ? 'Command:' : 'Commands (each later one re-ran the targets it names):',
    '',
    ...meta.commands.map((c) => `    ${c}`),
    '',
    `Date: ${meta.date}`,
    '',
    ...meta.versions.map((v) => `- ${v}`),
    '',
  ]
  if (summary) lines.push(`**${summary}.**`, '')
  lines.push('| target | kind | ansible | s | tsplay | s | tsplay\'s last failure |', '|---|---|---|---:|---|---:|---|')
  for (const row of rows) {
    const { ansible, tsplay } = row.outcomes
    const why = tsplay && !tsplay.passed ? escape(tsplay.cause) : ''
    lines.push(`| ${row.target} | ${row.kind} | ${cell(ansible)} | ${secs(ansible)} | ${cell(tsplay)} | ${secs(tsplay)} | ${why} |`)
  }
  const ansibleOnlyFailures = rows.filter((r) => r.outcomes.ansible && !r.outcomes.ansible.passed)
  if (ansibleOnlyFailures.length) {
    lines.push('', 'Failing under ansible-playbook here (not counted):', '')
    for (const r of ansibleOnlyFailures) lines.push(`- ${r.target}: ${escape(r.outcomes.ansible?.cause ?? '')}`)
  }
  lines.push('', `<!-- compat-data ${JSON.stringify({ commands: meta.commands, rows })} -->`)
  return `${lines.join('\n')}\n`
}
