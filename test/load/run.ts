/**
 * `npm run test:load`: one playbook of generated tasks on many lab hosts, some hosts failing at seeded points.
 * Checks the exact recap of every host against the plan, the files of every converged host, the controller's
 * peak memory, and that `--limit @RETRY` and `--retry` re-run only the failed hosts. Prints counts and timings.
 *
 *     npm run test:load -- [--first 61] [--hosts 50] [--tasks 100] [--fail-rate 0.1] [--seed 16] [--max-rss-mb 400]
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import minimist from 'minimist'
import { hostAddress, inventoryText, sshOptions } from '../../engine/lab/index.js'
import { measure, type Measurement } from '../bench/measure.js'
import { planLoad, ROOT_DIR, STATE_COMMAND, type Recap } from './plan.js'

const ROOT = resolve(import.meta.dirname, '../../..')
const CLI = join(ROOT, 'dist/engine/cli/main.js')

const argv = minimist(process.argv.slice(2), { default: { first: 61, hosts: 50, tasks: 100, 'fail-rate': 0.1, seed: 16, 'max-rss-mb': 400 } })
const first = Number(argv['first'])
const hosts = Array.from({ length: Number(argv['hosts']) }, (_, i) => `lab${first + i}`)
const maxRssMb = Number(argv['max-rss-mb'])
const problems: string[] = []

function check(ok: boolean, what: string): void {
  if (!ok) problems.push(what)
}

/** Recap lines of a run's output, by host. */
function recapOf(output: string): Map<string, Recap> {
  const lines = output.slice(output.lastIndexOf('PLAY RECAP'))
  return new Map([...lines.matchAll(/^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/gm)].map((m) => {
    const [ok, changed, unreachable, failed, skipped, rescued, ignored] = m.slice(2).map(Number) as [number, number, number, number, number, number, number]
    return [m[1]!, { ok, changed, unreachable, failed, skipped, rescued, ignored }]
  }))
}

function compareRecaps(label: string, got: Map<string, Recap>, expected: ReadonlyMap<string, Recap>): number {
  check(JSON.stringify([...got.keys()].sort()) === JSON.stringify([...expected.keys()].sort()), `${label}: recap hosts ${[...got.keys()].join(',')} (expected ${[...expected.keys()].join(',')})`)
  let same = 0
  for (const [host, want] of expected) {
    const have = got.get(host)
    if (JSON.stringify(have) === JSON.stringify(want)) same++
    else check(false, `${label}: ${host} recap ${JSON.stringify(have)} (expected ${JSON.stringify(want)})`)
  }
  return same
}

/** The state lines of each host, read over plain OpenSSH (not through tsplay), ten hosts at a time. */
async function readStates(names: readonly string[]): Promise<Map<string, string[]>> {
  const states = new Map<string, string[]>()
  const queue = [...names]
  const worker = async (): Promise<void> => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const host = name
      const text = await new Promise<string>((done) => {
        const child = spawn('ssh', [...sshOptions(), `root@${hostAddress(Number(host.slice(3)))}`, STATE_COMMAND], { stdio: ['ignore', 'pipe', 'inherit'] })
        let out = ''
        child.stdout.on('data', (d: Buffer) => (out += d.toString()))
        child.on('close', () => done(out))
      })
      states.set(host, text.split('\n').filter(Boolean).sort())
    }
  }
  await Promise.all(Array.from({ length: 10 }, worker))
  return states
}

async function checkConverged(label: string, names: readonly string[], plan: ReturnType<typeof planLoad>): Promise<number> {
  const states = await readStates(names)
  let converged = 0
  for (const host of names) {
    const want = plan.state(host)
    const have = states.get(host) ?? []
    if (JSON.stringify(have) === JSON.stringify(want)) converged++
    else check(false, `${label}: ${host} state differs: ${have.length} entries, expected ${want.length}; first difference ${have.find((l) => !want.includes(l)) ?? want.find((l) => !have.includes(l))}`)
  }
  return converged
}

function tsplay(dir: string, args: readonly string[]): Promise<Measurement> {
  // no keeper: every connection lives in the measured process, so its peak memory is the controller's
  return measure(process.execPath, [CLI, 'run', 'site.yml', '-i', 'hosts', ...args], { ...process.env, TSPLAY_NO_KEEPER: '1', ANSIBLE_RETRY_FILES_ENABLED: '1', CI: 'true', NO_COLOR: '1' })
}

function report(label: string, m: Measurement, extra: string): void {
  console.log(`${label.padEnd(22)} exit ${m.exitCode}  wall ${m.wallSeconds.toFixed(1)} s  cpu ${m.cpuSeconds.toFixed(1)} s  peak RSS ${m.peakMb.toFixed(0)} MB  ${extra}`)
  check(m.peakMb < maxRssMb, `${label}: peak RSS ${m.peakMb.toFixed(0)} MB over ${maxRssMb} MB`)
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'bin/tsplay.js'), 'lab', 'up', String(first + hosts.length - 1)], { stdio: 'inherit', cwd: ROOT })
  const plan = planLoad(hosts, Number(argv['tasks']), Number(argv['fail-rate']), Number(argv['seed']))
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-load-'))
  writeFileSync(join(dir, 'hosts'), inventoryText(hosts))
  writeFileSync(join(dir, 'site.yml'), plan.playbook)
  writeFileSync(join(dir, 'load.j2'), plan.template)
  writeFileSync(join(dir, 'reset.yml'), `- hosts: all\n  gather_facts: false\n  tasks:\n    - file: { path: ${ROOT_DIR}, state: absent }\n`)
  const retryFile = join(dir, 'site.retry')
  const failed = [...plan.failAt.keys()].sort()
  const converged = hosts.filter((h) => !plan.failAt.has(h))
  console.log(`load: ${hosts.length} hosts (${hosts[0]}…${hosts.at(-1)}) × ${Number(argv['tasks'])} tasks, seed ${Number(argv['seed'])}; failing: ${failed.map((h) => `${h}@t${plan.failAt.get(h)}`).join(' ')}`)
  const runIn = (args: readonly string[]): Promise<Measurement> => { process.chdir(dir); return tsplay(dir, args) }

  const reset = await measure(process.execPath, [CLI, 'run', join(dir, 'reset.yml'), '-i', join(dir, 'hosts')], { ...process.env, TSPLAY_NO_KEEPER: '1' })
  check(reset.exitCode === 0, `reset: exit ${reset.exitCode}\n${reset.output.slice(-2000)}`)

  const run1 = await runIn([])
  const same1 = compareRecaps('first run', recapOf(run1.output), new Map(hosts.map((h) => [h, plan.firstRecap(h)])))
  check(run1.exitCode === 2, `first run: exit ${run1.exitCode} (expected 2)`)
  check(existsSync(retryFile) && readFileSync(retryFile, 'utf8') === failed.map((h) => `${h}\n`).join(''), `first run: retry file ${existsSync(retryFile) ? JSON.stringify(readFileSync(retryFile, 'utf8')) : 'missing'}`)
  const ok1 = await checkConverged('first run', converged, plan)
  report('first run', run1, `recap exact ${same1}/${hosts.length}, converged ${ok1}/${converged.length}, retry file ${failed.length} hosts`)

  const run2 = await runIn(['--limit', `@${retryFile}`, '-e', 'load_fail=false'])
  const same2 = compareRecaps('--limit @retry', recapOf(run2.output), new Map(failed.map((h) => [h, plan.retryRecap(h)])))
  check(run2.exitCode === 0, `--limit @retry: exit ${run2.exitCode}`)
  const ok2 = await checkConverged('--limit @retry', hosts, plan)
  report('--limit @site.retry', run2, `recap exact ${same2}/${failed.length} (only the failed hosts), all converged ${ok2}/${hosts.length}`)

  // ansible keeps the retry file when no host fails: --retry reads the same hosts again; each task now re-runs
  const run3 = await runIn(['--retry', '-e', 'load_fail=false'])
  const again = new Map(failed.map((h) => [h, plan.retryRecap('a host that never failed')]))
  const same3 = compareRecaps('--retry', recapOf(run3.output), again)
  check(run3.exitCode === 0 && !existsSync(retryFile), `--retry: exit ${run3.exitCode}, retry file ${existsSync(retryFile) ? 'still there' : 'removed'}`)
  report('--retry', run3, `recap exact ${same3}/${failed.length}, retry file removed: ${!existsSync(retryFile)}`)

  rmSync(dir, { recursive: true, force: true })
  if (problems.length > 0) {
    console.log(`\nload test FAILED (${problems.length}):\n${problems.slice(0, 30).join('\n')}`)
    process.exitCode = 1
  } else console.log('\nload test passed')
}

await main()
