/**
 * `npm run compat`: ansible-core's own integration targets under ansible-playbook and under tsplay, each run the
 * way ansible-test runs it, in a sandbox that keeps every write inside a temporary directory. Prints one line per
 * target and writes a markdown table (default test/compat/RESULTS.md). Not part of `npm test`.
 *
 *     npm run compat -- --ansible-src /work/ansible-src [--targets a,b] [--engine tsplay|ansible|both]
 *                       [--out FILE] [--timeout 600] [--logs DIR] [--merge]
 *
 * --ansible-src is a checkout (or `git archive`) of ansible/ansible at v2.14.17 holding test/integration and
 * test/lib; full output of every run is kept under --logs (default $TMPDIR/tsplay-compat-logs). --merge keeps
 * the rows of the targets this run does not name from the existing --out file (e.g. to re-run a few targets).
 */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import minimist from 'minimist'
import { TsplayError, UsageError } from '../../engine/errors.js'
import { lastFailure } from './failure.js'
import { readTarget, type IntegrationTarget } from './integration-target.js'
import { formatRowLine, mergeRows, readResultsData, resultsMarkdown, summaryLine, type EngineOutcome, type TargetRow } from './results.js'
import { runSandboxed } from './sandbox.js'
import { ENGINE_TARGETS, LOOKUP_PREFIX, MODULE_TARGETS } from './targets.js'
import { prepareWorkspace, type Engine } from './workspace.js'

const ROOT = resolve(import.meta.dirname, '../../..')
const TSPLAY_CLI = join(ROOT, 'bin/tsplay.js')

interface Options {
  readonly ansibleSrc: string
  readonly targets: readonly string[]
  readonly engines: readonly Engine[]
  readonly out: string
  readonly timeout: number
  readonly logs: string
  /** Keep the rows of targets this run does not name from the existing results file. */
  readonly merge: boolean
}

function parseOptions(args: readonly string[]): Options {
  const argv = minimist([...args], {
    string: ['ansible-src', 'targets', 'engine', 'out', 'logs'],
    boolean: ['merge'],
    default: { engine: 'both', out: join(ROOT, 'test/compat/RESULTS.md'), timeout: 600, logs: join(tmpdir(), 'tsplay-compat-logs') },
  })
  const src = argv['ansible-src'] as string | undefined
  if (!src) throw new UsageError('compat: --ansible-src DIR is required (a checkout of ansible/ansible at v2.14.17)')
  const ansibleSrc = resolve(src)
  const targetsDir = join(ansibleSrc, 'test/integration/targets')
  if (!existsSync(targetsDir)) throw new UsageError(`compat: ${targetsDir}: no such directory`)
  const engineArg = String(argv['engine'])
  if (!['tsplay', 'ansible', 'both'].includes(engineArg)) throw new UsageError(`compat: --engine must be tsplay, ansible or both, got '${engineArg}'`)
  const engines: Engine[] = engineArg === 'both' ? ['ansible', 'tsplay'] : [engineArg as Engine]
  const timeout = Number(argv['timeout'])
  if (!(timeout > 0)) throw new UsageError(`compat: --timeout must be a positive number of seconds`)
  const named = argv['targets'] as string | undefined
  const lookups = readdirSync(targetsDir).filter((n) => n.startsWith(LOOKUP_PREFIX)).sort()
  const targets = named ? named.split(',').map((t) => t.trim()).filter(Boolean) : [...ENGINE_TARGETS, ...lookups, ...MODULE_TARGETS]
  return { ansibleSrc, targets, engines, out: resolve(String(argv['out'])), timeout, logs: resolve(String(argv['logs'])), merge: Boolean(argv['merge']) }
}

const versionLine = (cmd: string, args: string[]): string => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8' }).split('\n')[0] ?? ''
  } catch {
    return `${cmd}: not found`
  }
}

/** Runs `target` once under `engine` in a fresh sandboxed directory; its output goes to the logs folder. */
async function runOne(opts: Options, target: IntegrationTarget, engine: Engine): Promise<EngineOutcome> {
  if (target.setupOnce.length || target.setupAlways.length) {
    return { passed: false, seconds: 0, cause: `setup targets (${[...target.setupOnce, ...target.setupAlways].join(', ')}) are not supported by the harness` }
  }
  const runDir = mkdtempSync(join(tmpdir(), `tsplay-compat-${engine}-`))
  try {
    const ws = prepareWorkspace(target, engine, runDir, { ansibleSrc: opts.ansibleSrc, tsplayCli: TSPLAY_CLI, python: '/usr/bin/python3' })
    const result = await runSandboxed(ws.argv, { runDir, cwd: ws.cwd, env: ws.env, timeoutSeconds: opts.timeout })
    writeFileSync(join(opts.logs, `${target.name}.${engine}.log`), `$ cd ${ws.cwd} && ${ws.argv.join(' ')}\n${result.output}\n[exit ${result.exitCode}${result.timedOut ? ', killed after time limit' : ''}]\n`)
    const passed = !result.timedOut && result.exitCode === 0
    const cause = passed ? '' : result.timedOut ? `timed out after ${opts.timeout} s: ${lastFailure(result.output, 100)}` : lastFailure(result.output)
    return { passed, seconds: result.seconds, cause }
  } finally {
    rmSync(runDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2))
  mkdirSync(opts.logs, { recursive: true })
  const command = `npm run compat -- ${process.argv.slice(2).join(' ')}`
  console.log(`${command}\nlogs: ${opts.logs}`)
  const rows: TargetRow[] = []
  for (const name of opts.targets) {
    const target = readTarget(join(opts.ansibleSrc, 'test/integration/targets'), name)
    const outcomes: TargetRow['outcomes'] = {}
    if (target) for (const engine of opts.engines) outcomes[engine] = await runOne(opts, target, engine)
    const row: TargetRow = { target: name, kind: target ? target.kind : 'missing', outcomes }
    rows.push(row)
    console.log(formatRowLine(row))
  }
  const earlier = opts.merge && existsSync(opts.out) ? readResultsData(readFileSync(opts.out, 'utf8')) : { rows: [], commands: [] }
  const allRows = mergeRows(earlier.rows, rows)
  const summary = summaryLine(allRows)
  if (summary) console.log(summary)
  const versions = [versionLine('ansible-playbook', ['--version']), `tsplay ${versionLine('git', ['-C', ROOT, 'log', '-1', '--format=%h %cs'])}`, `node ${process.version}`]
  writeFileSync(opts.out, resultsMarkdown(allRows, { commands: [...earlier.commands, command], date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), versions }))
  console.log(`results written to ${opts.out}`)
}

main().catch((err: unknown) => {
  if (err instanceof TsplayError) {
    console.error(err.message)
    process.exit(2)
  }
  throw err
})
