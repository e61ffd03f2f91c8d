// The engine differential suite over real SSH: every case of the local suite (test/differential/) run by
// ansible-playbook and by tsplay against lab hosts standing in for the fixture hosts h1, h2, h3 (same groups and
// variables, see differential-ssh-hosts.ts), each engine writing into a fresh output directory on the hosts. Per
// case: same exit code, same verdict lines and recap, same files (content, mode, owner) on each host and on the
// controller. Every fixture case runs; left out: the variants that only select on the controller (SELECTION_ONLY),
// the --list-tasks/--list-tags comparisons (they never reach a host) and check-then-run (tsplay alone; check mode
// against real runs on lab hosts is what the module lab tests do).
import { afterAll, describe, expect, it } from 'vitest'
import { MODULE_CASES, PLAYBOOK_CASES, type Case } from '../differential/cases.js'
import { expectSameOutcome, runAnsible, runTsplay, type Outcome } from '../differential/harness.js'
import { labFixtureHosts } from './differential-ssh-hosts.js'

const hosts = labFixtureHosts()

/**
 * Variants that differ from a case's plain run only in what the controller selects before any host is contacted
 * (tags, --start-at-task, --limit, extra vars): the local suite compares them; over SSH they would add run time
 * and no host behaviour.
 */
const SELECTION_ONLY = ['tags ["--tags","a,blk"]', 'tags ["--tags","debug"]', 'tags ["--skip-tags","b,always"]', 'tags ["--tags","untagged"]', 'tags ["--tags","tagged"]', 'meta ["--tags","applied"]', 'meta ["--start-at-task","omit drops an argument"]', 'precedence ["-e","x=extra a=extra"]', 'vars ["--limit","web","-e","{\\"extra_level\\": 5}"]']
const label = (c: Case): string => `${c[0]} ${JSON.stringify(c[1])}`
const ALL: readonly Case[] = [...PLAYBOOK_CASES, ...MODULE_CASES]
const CASES = ALL.filter((c) => !SELECTION_ONLY.includes(label(c)))

// ansible-playbook takes most of the time, waiting on SSH round trips: while tsplay (in this process, which
// changes directory per run) takes the cases one after the other, ansible-playbook already runs the next ones,
// three at once, up to eight cases ahead of the current test (so that a run filtered by -t does not start them
// all); the longest (files, last in test order) starts with the first test. Runs of different cases only share
// the hosts, never an output directory.
const AT_ONCE = 3
const AHEAD = 8
const FIRST = CASES.findIndex((c) => c[0] === 'files')
const ansibleRuns = new Map<number, Promise<Outcome>>()
let running = 0
let current = 0
function start(i: number): void {
  running++
  const run = runAnsible(CASES[i]![0], CASES[i]![1], 'site.yml', hosts)
  ansibleRuns.set(i, run)
  // Awaited by its own test; a run started ahead for a filtered-out test must not be an unhandled rejection.
  void run.catch(() => undefined).finally(() => { running--; feed() })
}
function feed(): void {
  const next = [FIRST, ...CASES.keys()].filter((i) => i >= current && i < current + AHEAD || i === FIRST)
  for (const i of next) if (running < AT_ONCE && !ansibleRuns.has(i)) start(i)
}
function ansibleRun(index: number): Promise<Outcome> {
  current = Math.max(current, index)
  if (!ansibleRuns.has(index)) start(index)
  feed()
  return ansibleRuns.get(index)!
}
afterAll(async () => {
  await Promise.allSettled(ansibleRuns.values())
  await hosts.cleanup()
})

/**
 * Deliberate difference: ansible runs raw and script over SSH in a pty (`ssh -tt`), so their stderr arrives in
 * stdout and stderr holds OpenSSH's "Shared connection to … closed."; tsplay keeps the two streams apart, as it
 * does on the local connection (and as ansible does locally). Checked here, then cut from both engines' files.
 */
function splitStreams(ansible: Outcome, tsplay: Outcome): [Outcome, Outcome] {
  const cut = (o: Outcome): Outcome => ({ ...o, files: Object.fromEntries(Object.entries(o.files).map(([k, v]) => [k, k.endsWith('/registered') ? v.replace(/\nraw: rc=[\s\S]*$/, '\n') : v])) })
  for (const name of hosts.placement.keys()) {
    const mixed = ansible.files[`${name}:${name}/registered`]
    expect(mixed).toMatch(/\nraw: rc=0 stdout=raw out\r\nraw err\r\n stderr=Shared connection to [\d.]+ closed\.\r\n\nscript: rc=0 stdout=args: one two three\r\nto stderr\r\n stderr=Shared connection to [\d.]+ closed\.\n$/)
    expect(tsplay.files[`${name}:${name}/registered`]).toMatch(/\nraw: rc=0 stdout=raw out\n stderr=raw err\n\nscript: rc=0 stdout=args: one two three\n stderr=to stderr\n$/)
  }
  return [cut(ansible), cut(tsplay)]
}

const DIFFERENCES: Record<string, (ansible: Outcome, tsplay: Outcome) => [Outcome, Outcome]> = { commands: splitStreams }

/** Files read back per fixture host over the whole suite (a host that never yields a file means the reading is broken). */
const readBack = new Map<string, number>()

describe('fixture hosts on the lab', () => {
  it('are three distinct lab hosts', () => {
    expect([...hosts.placement.keys()]).toEqual(['h1', 'h2', 'h3'])
    expect(new Set([...hosts.placement.values()].map((h) => h.address)).size).toBe(3)
  })

  it('leave out only variants that exist in the local suite', () => {
    expect(SELECTION_ONLY.filter((l) => !ALL.map(label).includes(l))).toEqual([])
    expect(CASES.length).toBe(ALL.length - SELECTION_ONLY.length)
  })
})

describe.each(CASES.map((c, i) => [...c, i] as const))('%s %j over SSH', (name, args, index) => {
  it('behaves as ansible-playbook', async () => {
    const ahead = ansibleRun(index)
    let tsplay = await runTsplay(name, args, 'site.yml', hosts)
    let ansible = await ahead
    for (const path of Object.keys(ansible.files)) readBack.set(path.split(':')[0]!, (readBack.get(path.split(':')[0]!) ?? 0) + 1)
    const difference = DIFFERENCES[name]
    if (difference && !args.includes('--check')) [ansible, tsplay] = difference(ansible, tsplay)
    expectSameOutcome(tsplay, ansible)
  })
})

describe('reading back', () => {
  it('found files on every fixture host and on the controller', () => {
    for (const name of [...hosts.placement.keys(), 'localhost']) expect(readBack.get(name) ?? 0, name).toBeGreaterThan(0)
  })
})
