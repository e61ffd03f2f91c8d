// The hostile-input suite (issue 16): HOSTILE_CASES generated malformed projects and command lines (seed
// HOSTILE_SEED), each run through tsplay's main() in this process. For every case: no stack trace or internal
// error, no hang, a file:line location when a file is at fault, and nothing written when the input is rejected
// before the run. A stratified sample is also run with ansible-playbook and the exit codes compared.
// The cases are split over SHARDS test files (hostile-N.test.ts) so that vitest runs them side by side.
// Reproduce one case: HOSTILE_SEED=16 HOSTILE_ONLY=123 npx vitest run --project hostile hostile-0
import { describe, expect, it } from 'vitest'
import { type Case, generate, kindOf } from './mutate.js'
import { HANG_SECONDS, type Outcome, runAnsible, runTsplay } from './run-case.js'

const SEED = Number(process.env['HOSTILE_SEED'] ?? 16)
const CASES = Number(process.env['HOSTILE_CASES'] ?? 1000)
const SAMPLE = Number(process.env['HOSTILE_SAMPLE'] ?? 60)
const ONLY = process.env['HOSTILE_ONLY'] === undefined ? undefined : Number(process.env['HOSTILE_ONLY'])

interface Finding {
  readonly c: Case
  readonly problem: string
  readonly output: string
}

const STACK = /internal error|^\s+at .+:\d+:\d+\)?$/m
// `file:line` or `file:line:col` followed by the message, as every located error starts
const LOCATION = /(?:^|\s)[^\s:]+:\d+(?::\d+)?: /m

/** The problems with one tsplay run, by the suite's rules. */
export function judge(c: Case, o: Outcome): string[] {
  const problems: string[] = []
  if (o.code === 124) problems.push(`hang: no exit after ${HANG_SECONDS} s`)
  if (o.code === 250 || STACK.test(o.output)) problems.push('stack trace')
  // rejected before any play started: nothing may have run, and a file at fault (exit 4) must be located
  const rejected = o.code !== 0 && o.code !== 124 && !o.stdout.includes('PLAY [')
  if (rejected && o.written.length > 0) problems.push(`wrote ${o.written.join(', ')} although the input was rejected`)
  if (rejected && o.code === 4 && !LOCATION.test(o.output)) problems.push('no file:line location')
  return problems
}

/** About SAMPLE cases, spread over the mutation kinds in turn, so each kind is compared with ansible. */
function stratified(cases: readonly Case[], size: number): Case[] {
  const byKind = new Map<string, Case[]>()
  for (const c of cases) byKind.set(kindOf(c), [...(byKind.get(kindOf(c)) ?? []), c])
  const sample: Case[] = []
  for (let round = 0; sample.length < size && round < cases.length; round++) {
    for (const group of byKind.values()) if (group[round] && sample.length < size) sample.push(group[round]!)
  }
  return sample
}

const firstError = (output: string): string => (output.split('\n').find((l) => /error|ERROR|tsplay:|:\d+:\d+:|fatal/.test(l)) ?? output.trim().split('\n')[0] ?? '').slice(0, 160)

/** How many test files share the cases. */
export const SHARDS = 2

/** Register the suite for the cases `n` with `n % SHARDS === shard`. */
export function hostileSuite(shard: number): void {
 describe(`hostile input, shard ${shard + 1} of ${SHARDS}`, () => {
  it(`${CASES / SHARDS} of ${CASES} generated cases (seed ${SEED}): no stack trace, no hang, located errors, nothing run when rejected`, async () => {
    const ids = ONLY !== undefined ? (ONLY % SHARDS === shard ? [ONLY] : []) : Array.from({ length: CASES }, (_, n) => n).filter((n) => n % SHARDS === shard)
    const cases = ids.map((n) => generate(SEED, n))
    const sample = new Set(stratified(cases, ONLY !== undefined ? 1 : Math.ceil(SAMPLE / SHARDS)))
    const findings: Finding[] = []
    const codes = new Map<Case, number>()
    const outputs = new Map<Case, string>()
    const counts = { cases: 0, stackTraces: 0, hangs: 0, missingLocations: 0, writesAfterRejection: 0 }
    // ansible-playbook runs beside the in-process cases, two at a time per shard: it is the slow half of the suite
    const ansibleRuns: Array<Promise<readonly [Case, Outcome]>> = []
    let running = 0
    const queue = [...sample]
    const startAnsible = (): void => {
      while (running < 2 && queue.length > 0) {
        const c = queue.shift()!
        running++
        ansibleRuns.push(runAnsible(c).then((o) => { running--; startAnsible(); return [c, o] as const }))
      }
    }
    startAnsible()
    const slow: string[] = []
    for (const c of cases) {
      const o = await runTsplay(c)
      if (o.seconds > Number(process.env["HOSTILE_SLOW"] ?? 2)) slow.push(`${c.id} ${c.kind} ${o.seconds.toFixed(1)}s`)
      counts.cases++
      codes.set(c, o.code)
      outputs.set(c, o.output)
      for (const problem of judge(c, o)) {
        findings.push({ c, problem, output: o.output })
        if (problem.startsWith('hang')) counts.hangs++
        else if (problem === 'stack trace') counts.stackTraces++
        else if (problem.startsWith('wrote')) counts.writesAfterRejection++
        else counts.missingLocations++
      }
    }
    for (let done = 0; done < ansibleRuns.length; done++) await ansibleRuns[done]
    const compared = await Promise.all(ansibleRuns)
    const mismatches = compared.filter(([c, a]) => a.code !== codes.get(c))
    for (const f of findings) console.log(`case ${f.c.id} [${f.c.project} ${f.c.kind} ${f.c.args.slice(3).join(' ')}]: ${f.problem}\n  ${f.output.split('\n').slice(-12).map((l) => l.slice(0, 200)).join('\n  ')}`)
    if (process.env['HOSTILE_VERBOSE']) for (const [c, a] of mismatches) console.log(`ansible, case ${c.id} (${a.seconds.toFixed(1)} s):\n${a.output}`)
    for (const [c, a] of mismatches) console.log(`exit code differs, case ${c.id} [${c.project} ${c.kind} ${c.args.slice(3).join(' ')}]: tsplay ${codes.get(c)}, ansible ${a.code}\n  tsplay:  ${firstError(outputs.get(c)!)}\n  ansible: ${firstError(a.output)}`)
    if (slow.length > 0) console.log(`slow cases: ${slow.join(', ')}`)
    console.log(`hostile input, seed ${SEED}, shard ${shard + 1} of ${SHARDS}: ${counts.cases} cases, ${counts.stackTraces} stack traces, ${counts.hangs} hangs, ${counts.missingLocations} missing locations, ${counts.writesAfterRejection} writes after rejection; exit codes vs ansible-playbook: ${compared.length - mismatches.length} match, ${mismatches.length} differ (of ${compared.length})`)
    expect(findings.map((f) => `case ${f.c.id} ${f.c.kind}: ${f.problem}`)).toEqual([])
  })
 })
}
