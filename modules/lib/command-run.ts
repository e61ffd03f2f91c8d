import { type Command, type Connection, raw, sh } from '../../engine/connection/index.js'
import { type ExecResult, ModuleError } from '../../engine/errors.js'
import type { AsyncCommand, Plan } from '../../engine/module.js'
import { expandingPrologue, expandingWord, splitLines } from './command-words.js'

/** What `creates`, `removes` and `chdir` found on the host before a command would run. */
export interface GuardState {
  /** Set when `chdir` cannot be entered: the task fails before anything runs. */
  readonly chdirError?: string
  /** Whether the `creates` glob matched anything (false when there is no `creates`). */
  readonly createsFound: boolean
  /** Whether the `removes` glob matched anything (true when there is no `removes`). */
  readonly removesFound: boolean
}

/** The arguments that decide whether a command runs at all, and where. */
export interface GuardArgs {
  readonly chdir?: string | undefined
  readonly creates?: string | undefined
  readonly removes?: string | undefined
}

const NO_CHDIR = 'tsplay-no-chdir'

/**
 * Evaluate `chdir`, `creates` and `removes` in one round trip, as ansible-core does: paths get `~`/`$VAR`
 * expansion, globs are expanded (relative to `chdir`), a match is anything that exists, even a dangling link.
 */
export async function gatherGuards(conn: Connection, args: GuardArgs): Promise<GuardState> {
  if (args.chdir === undefined && args.creates === undefined && args.removes === undefined) return { createsFound: false, removesFound: true }
  const script = [expandingPrologue(...[args.chdir, args.creates, args.removes].filter((w) => w !== undefined))]
  if (args.chdir !== undefined) script.push(`cd -- ${expandingWord(args.chdir)} || { echo ${NO_CHDIR}; exit 0; }`)
  for (const [name, pattern] of [['creates', args.creates], ['removes', args.removes]] as const) {
    if (pattern === undefined) continue
    // Unquoted $p with IFS= and globbing back on: the pattern expands as a glob and never as code.
    script.push(`p=${expandingWord(pattern)}; set +f; for f in $p; do if [ -e "$f" ] || [ -L "$f" ]; then echo ${name}; break; fi; done; set -f`)
  }
  const result = await conn.exec(sh`${raw(script.join('\n'))}`, { allowFailure: true })
  const found = new Set(result.stdout.split('\n'))
  if (found.has(NO_CHDIR)) {
    const reason = result.stderr.trim().split('\n').at(-1) ?? ''
    return { chdirError: `Unable to change directory before execution: ${reason}`, createsFound: false, removesFound: true }
  }
  return { createsFound: found.has('creates'), removesFound: args.removes === undefined || found.has('removes') }
}

/** Ansible's "Did not run command since '…' exists" when a guard says no, or undefined when the command should run. */
export function guardMessage(args: GuardArgs, state: GuardState, check: boolean): { msg: string; stdout: string } | undefined {
  const verb = check ? 'Would' : 'Did'
  if (args.creates !== undefined && state.createsFound) {
    return { msg: `${verb} not run command since '${args.creates}' exists`, stdout: `skipped, since ${args.creates} exists` }
  }
  if (args.removes !== undefined && !state.removesFound) {
    return { msg: `${verb} not run command since '${args.removes}' does not exist`, stdout: `skipped, since ${args.removes} does not exist` }
  }
  return undefined
}

/**
 * The plan of command and shell: fail on a bad chdir, do nothing when a guard says so, else run; in check
 * mode ansible-core reports `changed` when a guard was given and `skipped` when none was.
 */
export function planCommand(args: GuardArgs, state: GuardState, check: boolean, cmd: unknown, shown: string): Plan {
  if (state.chdirError !== undefined) throw new ModuleError(state.chdirError, notRunValues(cmd, state.chdirError))
  const skipped = guardMessage(args, state, check)
  if (skipped) return { changes: [], values: notRunValues(cmd, skipped.msg, skipped.stdout) }
  const wouldRun = 'Command would have run if not in check mode'
  return {
    changes: [{ kind: 'run', summary: `run ${shown}` }],
    values: notRunValues(cmd, wouldRun),
    ...(args.creates === undefined && args.removes === undefined ? { checkSkip: wouldRun } : {}),
  }
}

/** rc, stdout, stderr and their lines as raw and script register them (output not stripped); a non-zero rc fails. */
export function outputValues(result: ExecResult): Record<string, unknown> {
  const values = { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr, stdout_lines: splitLines(result.stdout), stderr_lines: splitLines(result.stderr) }
  if (result.exitCode !== 0) throw new ModuleError('non-zero return code', { ...values, msg: 'non-zero return code' })
  return values
}

/** The values command and shell register when they did not run (guards, check mode). */
export function notRunValues(cmd: unknown, msg: string, stdout = ''): Record<string, unknown> {
  return { cmd, rc: 0, stdout, stderr: '', stdout_lines: splitLines(stdout), stderr_lines: [], start: null, end: null, delta: null, msg }
}

/** How runCommand runs: working directory, stdin and its newline, output trimming. */
export interface RunOptions {
  readonly chdir?: string | undefined
  readonly stdin?: string | undefined
  readonly stdinAddNewline?: boolean
  readonly stripEmptyEnds?: boolean
}

/** The command as it runs in `chdir`. */
function commandLine(command: Command, options: RunOptions): Command {
  if (options.chdir === undefined) return command
  return sh`${raw(expandingPrologue(options.chdir))}cd -- ${raw(expandingWord(options.chdir))} || exit 1; set +f; unset IFS; ${raw(command)}`
}

// Python's run_command appends the newline to any non-empty data, even one ending in a newline.
const stdinData = (options: RunOptions): string | undefined =>
  options.stdin === undefined || options.stdin === '' ? undefined : options.stdin + (options.stdinAddNewline === false ? '' : '\n')

/** What runCommand would run, as an async job runs it detached on the host. */
export function asyncCommandOf(command: Command, cmd: unknown, options: RunOptions = {}): AsyncCommand {
  return { line: commandLine(command, options), cmd, stdin: stdinData(options), stripEmptyEnds: options.stripEmptyEnds !== false }
}

/**
 * Run a command and return what Ansible's command/shell register: rc, stdout, stderr, their lines,
 * start/end/delta in Python's formats. A non-zero rc throws ModuleError('non-zero return code') with the values.
 */
export async function runCommand(conn: Connection, command: Command, cmd: unknown, options: RunOptions = {}): Promise<Record<string, unknown>> {
  const line = commandLine(command, options)
  const stdin = stdinData(options)
  const startWall = Date.now()
  const startTick = process.hrtime.bigint()
  const result = await conn.exec(line, { allowFailure: true, ...(stdin === undefined ? {} : { stdin }) })
  const micros = Number((process.hrtime.bigint() - startTick) / 1000n)
  const strip = (s: string): string => (options.stripEmptyEnds === false ? s : s.replace(/[\r\n]+$/, ''))
  const stdout = strip(result.stdout)
  const stderr = strip(result.stderr)
  const values = {
    cmd,
    rc: result.exitCode,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    start: pythonTime(startWall * 1000),
    end: pythonTime(startWall * 1000 + micros),
    delta: pythonDelta(micros),
    msg: '',
  }
  if (result.exitCode !== 0) throw new ModuleError('non-zero return code', { ...values, msg: 'non-zero return code' })
  return values
}

/** Controller local time as Python's `str(datetime)`: `2024-05-01 12:00:00.123456`. */
export function pythonTime(epochMicros: number): string {
  const d = new Date(Math.floor(epochMicros / 1000))
  const p = (n: number, w = 2): string => String(n).padStart(w, '0')
  const fraction = p(Math.floor(epochMicros % 1_000_000), 6)
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${fraction}`
}

/** A duration as Python's `str(timedelta)`: `0:00:00.003411`, no fraction when it is whole seconds. */
export function pythonDelta(micros: number): string {
  const days = Math.floor(micros / 86_400_000_000)
  let rest = micros - days * 86_400_000_000
  const hours = Math.floor(rest / 3_600_000_000)
  rest -= hours * 3_600_000_000
  const minutes = Math.floor(rest / 60_000_000)
  rest -= minutes * 60_000_000
  const seconds = Math.floor(rest / 1_000_000)
  const fraction = rest - seconds * 1_000_000
  const clock = `${hours}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}${fraction ? `.${String(fraction).padStart(6, '0')}` : ''}`
  return days ? `${days} day${days === 1 ? '' : 's'}, ${clock}` : clock
}
