// `npm run bench:ha`: the last speed target, `tsplay run playbooks/ha-cluster.yaml --check` on six
// converged lab hosts. Converges six hosts (by default lab51..lab56, away from the hosts tests use), then times
// the no-change run and repeated check runs, and appends the medians to RESULTS.md. The six hosts are the
// bench's own (`freshHosts` owner 'bench'): kept between runs while they run, made afresh otherwise, and no
// other lab host is started (`lab up 56` started lab1..lab56, which lab tests and the main job then met).
import { execFileSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import minimist from 'minimist'
import { ensureRepo, existingHosts, freshHosts, hostStatus, ownerOf, projectRoot } from '../../engine/lab/index.js'
import { labInventoryFor } from '../e2e/tsplay-run.js'
import { changedInRecap, measure, summarize, type Measurement } from './measure.js'

const ROOT = projectRoot()
const TSPLAY = join(ROOT, 'bin/tsplay.js')
const PLAYBOOK = join(ROOT, 'playbooks/ha-cluster.yaml')

const argv = minimist(process.argv.slice(2), { string: ['first'], default: { first: '51', reps: 5 } })
const first = Number(argv['first'])
const reps = Number(argv['reps'])
const hosts = Array.from({ length: 6 }, (_, i) => `lab${first + i}`)
const OWNER = 'bench'
/** lab1..lab10 belong to the lab tests and the main job. */
const FIRST_FREE = 11

function checked(m: Measurement, what: string): Measurement {
  if (m.exitCode !== 0) throw new Error(`${what} failed with exit code ${m.exitCode}:\n${m.output.slice(-3000)}`)
  return m
}

/**
 * The bench's six hosts, serving the test doubles as the lab's repository: hosts the bench made and that still
 * run are kept (converged from its last run), the others are made afresh; a host someone else owns is refused.
 */
async function benchHosts(): Promise<string> {
  if (!Number.isInteger(first) || first < FIRST_FREE) throw new Error(`--first ${argv['first']}: lab1..lab${FIRST_FREE - 1} are the lab tests' hosts`)
  const foreign = hosts.filter((name) => ![undefined, OWNER].includes(ownerOf(name)))
  if (foreign.length > 0) throw new Error(`${foreign.join(', ')}: owned by ${foreign.map(ownerOf).join(', ')}, not the bench (choose others with --first)`)
  execFileSync('bash', [join(ROOT, 'test/doubles/build-debs.sh')], { stdio: 'inherit', cwd: ROOT })
  const repoUrl = await ensureRepo(join(ROOT, 'test/doubles/debs'))
  const existing = new Set(existingHosts())
  const stale = hosts.filter((name) => !existing.has(name) || ownerOf(name) !== OWNER || hostStatus(name).state !== 'running')
  if (stale.length > 0) {
    process.stdout.write(`making ${stale.join(', ')} afresh\n`)
    await freshHosts(stale, OWNER, (line) => process.stdout.write(`${line}\n`))
  }
  return repoUrl
}

async function main(): Promise<void> {
  const inventory = labInventoryFor(hosts, await benchHosts())
  const env: NodeJS.ProcessEnv = { ...process.env, CI: 'true' }
  // the default is measured, whatever the caller's environment says
  delete env['TSPLAY_NO_KEEPER']
  const run = (...extra: string[]): Promise<Measurement> => measure('node', [TSPLAY, 'run', PLAYBOOK, '-i', inventory, ...extra], env)
  const converge = checked(await run(), 'converging run')
  const again = checked(await run(), 'no-change run')
  if (changedInRecap(again.output) !== 0) throw new Error(`the no-change run changed something:\n${again.output.slice(-3000)}`)
  const checkRuns = async (...extra: string[]): Promise<Measurement[]> => {
    const runs: Measurement[] = []
    for (let i = 0; i < reps; i++) {
      const check = checked(await run('--check', ...extra), 'check run')
      if (changedInRecap(check.output) !== 0) throw new Error(`the check run predicted changes on converged hosts:\n${check.output.slice(-3000)}`)
      runs.push(check)
    }
    return runs
  }
  // tsplay keeps connections between runs by default (ansible-core's default ssh_args, through its keeper): the
  // runs above left them open. Then the same with fresh connections for every run (ssh_args without ControlPersist).
  const checks = await checkRuns()
  const fresh = ['-e', 'ansible_ssh_args=']
  const freshChecks = await checkRuns(...fresh)
  const med = (ms: readonly Measurement[], pick: (m: Measurement) => number): string => summarize(ms.map(pick)).median.toFixed(2)
  const text = [
    `\n### ${new Date().toISOString().slice(0, 10)}: playbooks/ha-cluster.yaml on 6 lab hosts (${hosts[0]}..${hosts[5]}), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    '',
    '| run | wall s | tsplay CPU s | machine CPU s |',
    '|---|---|---|---|',
    `| converge (after the hosts' previous state) | ${converge.wallSeconds.toFixed(2)} | ${converge.cpuSeconds.toFixed(2)} | ${converge.machineCpuSeconds.toFixed(1)} |`,
    `| no-change | ${again.wallSeconds.toFixed(2)} | ${again.cpuSeconds.toFixed(2)} | ${again.machineCpuSeconds.toFixed(1)} |`,
    `| --check (default: connections kept from the run before, as ansible's ControlPersist=60s), median of ${reps} (spread ${summarize(checks.map((m) => m.wallSeconds)).spread.toFixed(2)}) | ${med(checks, (m) => m.wallSeconds)} | ${med(checks, (m) => m.cpuSeconds)} | ${med(checks, (m) => m.machineCpuSeconds)} |`,
    `| --check connecting afresh (\`-e ansible_ssh_args=\`), median of ${reps} (spread ${summarize(freshChecks.map((m) => m.wallSeconds)).spread.toFixed(2)}) | ${med(freshChecks, (m) => m.wallSeconds)} | ${med(freshChecks, (m) => m.cpuSeconds)} | ${med(freshChecks, (m) => m.machineCpuSeconds)} |`,
  ].join('\n')
  process.stdout.write(`${text}\n`)
  appendFileSync(join(ROOT, 'test/bench/RESULTS.md'), `${text}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ha: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
