import { appendFileSync } from 'node:fs'
import { BECOME_MARKER, BECOME_PROMPT, exportEnv, finish, raw, sh, wrapBecome } from './shell.js'
import { Coalescer } from './coalesce.js'
import { runSuOnPty, SU_PROMPT } from './su-pty.js'
import { BecomeError, type BecomeSpec, type BufferedResult, type Command, type Connection, type ConnectionSettings, type ExecOptions, type ExecResult, type RawExecResult, type Transport, type WriteOptions } from './types.js'
import { waitForExit } from './wait.js'
import { trackCommand } from './live.js'
import { ConnectionError, ModuleError } from '../errors.js'

/** With TSPLAY_TRACE_FILE set, every command line sent to a host is appended there (the benchmark's floor replays them). */
const TRACE_FILE = process.env['TSPLAY_TRACE_FILE']

/** What the trace file shows in place of a command line (and its input) of a `no_log` task. */
const CENSORED_COMMAND = '(censored due to no_log)'

function traceCommand(host: string, line: string, stdin: string | Buffer | undefined, noLog: boolean): void {
  if (noLog) return appendFileSync(TRACE_FILE!, `${JSON.stringify({ host, line: CENSORED_COMMAND, ms: Math.round(performance.now()) })}\n`)
  const data = stdin === undefined ? {} : { stdin: Buffer.from(stdin).toString('base64') }
  // `ms`: when the command was sent, in milliseconds since the process started (for finding where time goes)
  appendFileSync(TRACE_FILE!, `${JSON.stringify({ host, line, ...data, ms: Math.round(performance.now()) })}\n`)
}

/** What every view of one host shares: the coalescer of its reads and the count of its other commands. */
interface HostShared {
  readonly coalescer: Coalescer
  writeEpoch: number
}

const shared = new WeakMap<Transport, HostShared>()

function sharedOf(transport: Transport): HostShared {
  let s = shared.get(transport)
  if (s === undefined) {
    const trace = (line: string, noLog: boolean): void => (TRACE_FILE ? traceCommand(transport.host, line, undefined, noLog) : undefined)
    shared.set(transport, (s = { coalescer: new Coalescer(transport, trace), writeEpoch: 0 }))
  }
  return s
}

/** Larger inputs stream over their own channel rather than through a runner's temp file. */
const MAX_BUFFERED_STDIN = 4 << 20

/** Exit code of the readFile probe when the path does not exist (cat itself only exits 0 or 1). */
const MISSING = 3

/**
 * Connection over any Transport: adds environment, working directory, become (with the password fed
 * on stdin and checked before any data follows), atomic file writes and reads. Local and SSH share it.
 */
export class ShellConnection implements Connection {
  constructor(
    private readonly transport: Transport,
    readonly become: BecomeSpec | null = null,
    readonly env: Readonly<Record<string, string>> = {},
    private readonly reads = false,
    private readonly noLog = false,
    private readonly signal?: AbortSignal,
  ) {}

  get host(): string {
    return this.transport.host
  }

  get writeEpoch(): number {
    return sharedOf(this.transport).writeEpoch
  }

  with(settings: ConnectionSettings): Connection {
    return new ShellConnection(this.transport, settings.become === undefined ? this.become : settings.become, settings.env ?? this.env, settings.reads ?? this.reads, settings.noLog ?? this.noLog, settings.signal ?? this.signal)
  }

  async exec(command: Command, options: ExecOptions = {}): Promise<ExecResult> {
    const result = await this.execRaw(command, { ...options, allowFailure: true })
    return finish(this.host, { ...result, stdout: result.stdout.toString('utf8') }, options)
  }

  async execRaw(command: Command, options: ExecOptions = {}): Promise<RawExecResult> {
    let line = options.cwd === undefined ? command : sh`cd -- ${options.cwd} && ${raw(command)}`
    line = (exportEnv(this.env) + line) as Command
    // no program can receive a NUL byte in its arguments: the task fails (ansible: "embedded null byte"), the run goes on
    if (line.includes('\0')) throw new ModuleError(`embedded null byte in a command argument: ${command.replaceAll('\0', '\\0').slice(0, 200)}`)
    // su with a password needs a terminal; everything else runs on plain pipes.
    const suPty = this.become?.method === 'su' && this.become.password !== undefined
    const result = suPty
      ? await runSuOnPty(this.transport, line, command, this.become!, options)
      : await this.run(this.become ? wrapBecome(line, this.become) : line, command, options)
    if (result.exitCode !== 0 && !options.allowFailure) finish(this.host, { ...result, stdout: result.stdout.toString('utf8') })
    return result
  }

  async readFile(path: string): Promise<Buffer | null> {
    const probe = sh`if [ ! -e ${path} ] && [ ! -L ${path} ]; then exit ${MISSING}; fi; exec cat -- ${path}`
    const result = await this.execRaw(probe, { allowFailure: true })
    if (result.exitCode === MISSING && result.stdout.length === 0) return null
    if (result.exitCode !== 0) {
      finish(this.host, { ...result, command: `cat -- ${path}`, stdout: '' })
    }
    return result.stdout
  }

  async writeFile(path: string, data: string | Buffer, options: WriteOptions = {}): Promise<void> {
    // The temp file lives beside the target so the final rename is atomic (same file system). The rename happens
    // only when the temp file holds every byte (a full disk fails the write, and the original stays): if tsplay dies
    // mid-upload (Ctrl-C, SIGTERM, a dropped connection), the writer sees its input end early and leaves the
    // destination as it was; killed (TERM, as tsplay ends its commands), it removes its temp file on the way out.
    // The traps are set before mktemp: a TERM between making the temp file and trapping would leave it behind.
    const size = Buffer.byteLength(data)
    const script = sh`set -e
p=${path}
d=$(dirname -- "$p")
t=
trap '[ -z "$t" ] || rm -f -- "$t"' EXIT
trap 'exit 143' TERM INT HUP
t=$(mktemp -- "$d/.tsplay.XXXXXXXX")
if ! e=$(head -c ${String(size)} 2>&1 > "$t"); then echo "cannot write $p: \${e##*: }, left unchanged" >&2; exit 1; fi
[ "$(wc -c < "$t")" -eq ${String(size)} ] || { echo "tsplay: short write to $p (input ended early), left unchanged" >&2; exit 1; }
if [ -e "$p" ]; then chmod --reference="$p" -- "$t"; chown --reference="$p" -- "$t" 2>/dev/null || true
else chmod "$(printf '%o' $((0666 & ~$(umask))))" -- "$t"; fi
${raw(options.owner === undefined ? '' : sh`chown -- ${options.owner} "$t"`)}
${raw(options.group === undefined ? '' : sh`chgrp -- ${options.group} "$t"`)}
${raw(options.mode === undefined ? '' : sh`chmod -- ${options.mode} "$t"`)}
mv -f -- "$t" "$p"
trap - EXIT`
    const result = await this.execRaw(script, { stdin: data, allowFailure: true })
    // the script's reason (a full disk, a short upload) says it all: the command shown is not the script
    if (result.exitCode !== 0) finish(this.host, { ...result, command: `write ${path}`, stdout: '' })
  }

  close(): Promise<void> {
    return this.transport.close()
  }

  private async run(line: Command, shown: Command, options: ExecOptions): Promise<RawExecResult> {
    const host = sharedOf(this.transport)
    let buffered: BufferedResult | undefined
    // only a read's output may be captured in memory: a command that starts a daemon would hold the capture open
    const text = this.reads && options.text === true
    if (this.reads && options.stdin === undefined && this.bufferable(options)) {
      buffered = await host.coalescer.run(line, text, this.noLog)
    } else {
      if (!this.reads) host.writeEpoch++
      if (TRACE_FILE) traceCommand(this.host, line, options.stdin, this.noLog)
      if (this.bufferable(options)) buffered = await this.transport.runBuffered!(line, Buffer.from(options.stdin ?? ''), text)
    }
    if (buffered) return this.fromBuffered(buffered, shown)
    if (this.signal?.aborted) throw new ConnectionError(this.host, `command not started, the task was stopped: ${shown}`)
    const proc = await this.transport.spawn(line)
    trackCommand(proc)
    const kill = (): void => proc.kill()
    this.signal?.addEventListener('abort', kill, { once: true })
    void proc.exit.finally(() => this.signal?.removeEventListener('abort', kill)).catch(() => undefined)
    const out: Buffer[] = []
    const err: Buffer[] = []
    proc.stdout.on('data', (chunk: Buffer) => out.push(chunk))
    const become = this.become
    // Without become, stdin can go at once; with it, only after the marker proves the password was taken.
    let sent = false
    const sendInput = (): void => {
      if (sent) return
      sent = true
      proc.stdin.end(options.stdin ?? '')
    }
    let failure: Error | undefined
    let stderrText = ''
    let promptsSeen = 0
    let becameOk = !become
    proc.stderr.on('data', (chunk: Buffer) => {
      if (becameOk) return void err.push(chunk)
      stderrText += chunk.toString('utf8')
      const marker = stderrText.indexOf(BECOME_MARKER)
      if (marker >= 0) {
        becameOk = true
        const rest = stderrText.slice(marker + BECOME_MARKER.length).replace(/^\n/, '')
        if (rest) err.push(Buffer.from(rest))
        sendInput()
        return
      }
      // su without a password (no terminal) asks on stdin: give it end-of-file rather than wait forever.
      if (become?.method === 'su' && SU_PROMPT.test(stderrText)) return void proc.stdin.end()
      const prompts = stderrText.split(BECOME_PROMPT).length - 1
      if (prompts > promptsSeen) {
        promptsSeen = prompts
        if (prompts === 1 && become?.password !== undefined) {
          proc.stdin.write(`${become.password}\n`)
        } else {
          // Asked again: the password was wrong. End stdin so sudo gives up at once, then stop waiting for it.
          failure = new BecomeError(`become: incorrect ${become?.method ?? 'sudo'} password (becoming '${become?.user}')`)
          proc.stdin.end()
          proc.kill()
        }
      }
    })
    if (!become) sendInput()
    const exitCode = await waitForExit(proc, this.host, shown, options.timeoutMs)
    if (failure) throw failure
    if (!becameOk) throw becomeFailure(become!, stderrText)
    return { command: shown, exitCode: exitCode ?? -1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }
  }

  /**
   * Whether a command may go to the transport's buffered runner: it needs no timeout (a runner cannot kill one
   * command), no conversation with a password prompt (sudo -n never reads stdin), and its input fits in memory.
   */
  private bufferable(options: ExecOptions): boolean {
    if (this.transport.runBuffered === undefined || options.timeoutMs !== undefined || this.signal !== undefined) return false
    if ((options.stdin?.length ?? 0) > MAX_BUFFERED_STDIN) return false
    return this.become === null || (this.become.method === 'sudo' && this.become.password === undefined)
  }

  /** The result of a buffered run, with become's marker checked and taken out of stderr as `run` does. */
  private fromBuffered(result: BufferedResult, shown: Command): RawExecResult {
    let stderr = result.stderr.toString('utf8')
    if (this.become) {
      const marker = stderr.indexOf(BECOME_MARKER)
      if (marker < 0) throw becomeFailure(this.become, stderr)
      // what sudo said before the marker (lecture, warnings) is dropped, as on a channel
      stderr = stderr.slice(marker + BECOME_MARKER.length).replace(/^\n/, '')
    }
    return { command: shown, exitCode: result.exitCode, stdout: result.stdout, stderr }
  }
}


function becomeFailure(become: BecomeSpec, stderr: string): BecomeError {
  const text = stderr.replaceAll(BECOME_PROMPT, '').trim()
  // sudo -n says so; su without a terminal prompts into the void and reports an authentication failure.
  if (/password is required/.test(text) || (become.method === 'su' && become.password === undefined && /Password:|must be run from a terminal/.test(text))) {
    return new BecomeError(`become: ${become.method} needs a password for user '${become.user}' (set become_password or use --ask-become-pass)`)
  }
  return new BecomeError(`become: could not become '${become.user}' with ${become.method}${text ? `: ${text}` : ''}`)
}
