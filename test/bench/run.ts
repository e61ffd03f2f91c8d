/**
 * `npm run bench`: tsplay against ansible-playbook (pipelining, forks ≥ hosts, ControlPersist) on the same lab
 * hosts in one invocation, first run and no-change run, alternating which tool goes first, several repetitions;
 * plus the floor (tsplay's own commands replayed through multiplexed OpenSSH). Prints ratios and appends them
 * to test/bench/RESULTS.md with the date and the machine.
 *
 *     npm run bench -- --hosts 1,10,50 --reps 3 [--offset K]   # hosts lab[K] … lab[K+n-1]
 */
import { execFileSync } from 'node:child_process'
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import minimist from 'minimist'
import { loadInventory } from '../../engine/inventory/index.js'
import { readTrace, runFloor, type FloorHost } from './floor.js'
import { changedInRecap, commonSshArgs, measure, PERSIST_ARGS, summarize, type Measurement } from './measure.js'

const ROOT = resolve(import.meta.dirname, '../../..')
const TSPLAY = join(ROOT, 'bin/tsplay.js')
const BENCH = join(ROOT, 'test/bench')
const LAB_INVENTORY = join(ROOT, 'inventories/lab.ini')

type Tool = 'tsplay' | 'ansible'

interface Row {
  hosts: number
  tool: Tool | 'floor'
  phase: 'first' | 'no-change'
  wall: number[]
  cpu: number[]
  machineCpu: number[]
  peakMb: number[]
}

const argv = minimist(process.argv.slice(2), { string: ['hosts'], default: { hosts: '1,10,50', reps: 3, offset: 0 } })
const sizes = String(argv['hosts']).split(',').map(Number)
const reps = Number(argv['reps'])
/** Index of the first lab host to use, so a benchmark can run beside tests that use the first hosts. */
const offset = Number(argv['offset'])

async function main(): Promise<void> {
  const largest = Math.max(...sizes)
  execFileSync('node', [TSPLAY, 'lab', 'up', String(offset + largest)], { stdio: 'inherit', cwd: ROOT })
  const ansibleCfgDir = mkdtempSync(join(tmpdir(), 'tsplay-bench-ansible-'))
  const rows: Row[] = []
  for (const n of sizes) {
    const limit = `lab[${offset}:${offset + n - 1}]`
    const cfg = join(ansibleCfgDir, `ansible-${n}.cfg`)
    // Tuned the way ansible's users tune it: pipelining, forks ≥ hosts, persistent master connections.
    writeFileSync(cfg, `[defaults]\nforks = ${Math.max(n, 5)}\nhost_key_checking = True\nretry_files_enabled = False\ninterpreter_python = /usr/bin/python3\n[ssh_connection]\npipelining = True\nssh_args = ${PERSIST_ARGS}\n`)
    const env = { ...process.env, ANSIBLE_CONFIG: cfg, ANSIBLE_NOCOLOR: '1', CI: 'true' }
    // tsplay gets the same persistent connections, through the same ssh options ansible users set
    const persistent = `ansible_ssh_common_args=${JSON.stringify(`${commonSshArgs(LAB_INVENTORY)} ${PERSIST_ARGS}`)}`
    const commands: Record<Tool, (playbook: string) => [string, string[]]> = {
      tsplay: (pb) => ['node', [TSPLAY, 'run', pb, '-i', LAB_INVENTORY, '--limit', limit, '--forks', String(n), '-e', persistent]],
      ansible: (pb) => ['ansible-playbook', [pb, '-i', LAB_INVENTORY, '--limit', limit]],
    }
    const record = (tool: Row['tool'], phase: Row['phase'], m: Pick<Measurement, 'wallSeconds' | 'cpuSeconds' | 'machineCpuSeconds' | 'peakMb'>): void => {
      let row = rows.find((r) => r.hosts === n && r.tool === tool && r.phase === phase)
      if (!row) rows.push((row = { hosts: n, tool, phase, wall: [], cpu: [], machineCpu: [], peakMb: [] }))
      row.wall.push(m.wallSeconds)
      row.cpu.push(m.cpuSeconds)
      row.machineCpu.push(m.machineCpuSeconds)
      row.peakMb.push(m.peakMb)
    }
    for (let rep = 0; rep < reps; rep++) {
      const order: Tool[] = rep % 2 === 0 ? ['tsplay', 'ansible'] : ['ansible', 'tsplay']
      for (const tool of order) {
        checked(await measure(...commands.tsplay(join(BENCH, 'reset.yaml')), env), 'reset')
        const [cmd, args] = commands[tool](join(BENCH, 'converge.yaml'))
        record(tool, 'first', checked(await measure(cmd, args, env), `${tool} first run`))
        const again = checked(await measure(cmd, args, env), `${tool} no-change run`)
        if (changedInRecap(again.output) !== 0) throw new Error(`${tool}: the no-change run changed something:\n${again.output.slice(-2000)}`)
        record(tool, 'no-change', again)
      }
      record('floor', 'no-change', { wallSeconds: await floorRun(n, limit, env), cpuSeconds: NaN, machineCpuSeconds: NaN, peakMb: NaN })
      process.stdout.write(`  ${n} hosts: repetition ${rep + 1}/${reps} done\n`)
    }
  }
  rmSync(ansibleCfgDir, { recursive: true, force: true })
  report(rows)
}

/** Record tsplay's commands in a no-change run, then replay them through OpenSSH. */
async function floorRun(n: number, limit: string, env: NodeJS.ProcessEnv): Promise<number> {
  const traceDir = mkdtempSync(join(tmpdir(), 'tsplay-trace-'))
  const traceFile = join(traceDir, 'trace.jsonl')
  checked(await measure('node', [TSPLAY, 'run', join(BENCH, 'converge.yaml'), '-i', LAB_INVENTORY, '--limit', limit, '--forks', String(n)], { ...env, TSPLAY_TRACE_FILE: traceFile }), 'traced run')
  const inventory = loadInventory([LAB_INVENTORY])
  const all = inventory.groups.get('all')!.vars.vars
  const common = String(all['ansible_ssh_common_args'] ?? '')
  const hosts: FloorHost[] = inventory.select(limit).map((name) => ({
    name,
    address: String(inventory.hosts.get(name)!.vars.vars['ansible_host'] ?? name),
    user: String(all['ansible_user'] ?? 'root'),
    keyFile: String(all['ansible_ssh_private_key_file']),
    knownHostsFile: /UserKnownHostsFile=(\S+)/.exec(common)?.[1] ?? join(process.env['HOME'] ?? '/root', '.ssh/known_hosts'),
  }))
  const seconds = await runFloor(hosts, readTrace(traceFile))
  rmSync(traceDir, { recursive: true, force: true })
  return seconds
}

function checked(m: Measurement, what: string): Measurement {
  if (m.exitCode !== 0) throw new Error(`${what} failed with exit code ${m.exitCode}:\n${m.output.slice(-3000)}`)
  return m
}

function report(rows: readonly Row[]): void {
  const med = (r: Row | undefined, k: 'wall' | 'cpu' | 'machineCpu' | 'peakMb'): number => (r ? summarize(r[k]).median : NaN)
  const find = (n: number, tool: Row['tool'], phase: Row['phase']): Row | undefined => rows.find((r) => r.hosts === n && r.tool === tool && r.phase === phase)
  const lines = [
    `\n## ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${reps} repetitions`,
    '',
    '| hosts | phase | tsplay s (spread) | ansible s (spread) | floor s | ansible / tsplay | tsplay / floor | tsplay CPU s | ansible CPU s | machine CPU s tsplay / ansible | tsplay peak MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ]
  for (const n of sizes) {
    for (const phase of ['first', 'no-change'] as const) {
      const t = find(n, 'tsplay', phase)
      const a = find(n, 'ansible', phase)
      const f = phase === 'no-change' ? find(n, 'floor', phase) : undefined
      const cell = (r: Row | undefined): string => (r ? `${summarize(r.wall).median.toFixed(2)} (±${summarize(r.wall).spread.toFixed(2)})` : '-')
      lines.push(`| ${n} | ${phase} | ${cell(t)} | ${cell(a)} | ${f ? med(f, 'wall').toFixed(2) : '-'} | ${(med(a, 'wall') / med(t, 'wall')).toFixed(1)}× | ${f ? (med(t, 'wall') / med(f, 'wall')).toFixed(2) : '-'} | ${med(t, 'cpu').toFixed(2)} | ${med(a, 'cpu').toFixed(2)} | ${med(t, 'machineCpu').toFixed(1)} / ${med(a, 'machineCpu').toFixed(1)} | ${med(t, 'peakMb').toFixed(0)} |`)
    }
  }
  const text = lines.join('\n')
  process.stdout.write(`${text}\n`)
  appendFileSync(join(BENCH, 'RESULTS.md'), `${text}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exitCode = 1
})
