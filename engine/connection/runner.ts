import { randomBytes } from 'node:crypto'
import { ConnectionError } from '../errors.js'
import { type BufferedResult, type RemoteProcess, type Transport, unsent } from './types.js'

/** Names of the loop's own variables, removed before a command runs so that it starts as clean as under `sh -c`. */
const LOOP_VARIABLES = ['n', 'mode', 'count', 'ilen', 'out', 'nonce', 's', 'k', 'l', 'i', 'o', 'rc', 'd', 'r'].map((v) => `__tsr_${v}`).join(' ')

/**
 * The loop a runner's /bin/sh executes. A fork costs a lab host about 0.2 ms and an exec about 2 ms, so the command
 * runs in a subshell, not a new /bin/sh, and the loop itself execs as little as it can. A request is a header line
 * `ID MODE COUNT STDIN-BYTES OUT NONCE`, then the script (MODE L: COUNT lines, read by the `read` builtin; MODE B:
 * COUNT bytes, read by GNU `head -c`, which never reads past its count), then the stdin bytes. The reply is stdout,
 * then `NONCE EXIT FLAG` on a line; with FLAG E, stderr follows, ended by `NONCE` on a line. The nonce is random
 * per request and exists only in the loop, so no output can fake it. Output goes through files, so that a
 * background process a command left behind writes into a dead file instead of into the next reply, and so that
 * the reply leaves in one write (OUT C: delete earlier requests' files first). OUT T is for text that a command
 * starting nothing that outlives it prints (a read): its stdout is captured in memory and printed with the status
 * line by the \`printf\` builtin, which spares the \`cat\` exec (a lab host: 1.3 -> 0.6 ms of CPU per command).
 */
const RUNNER_LOOP = `__tsr_d=$(mktemp -d "\${TMPDIR:-/tmp}/.tsplay-runner.XXXXXXXX") || exit 97
trap 'rm -rf -- "$__tsr_d"' EXIT
trap 'exit 129' HUP
trap 'exit 143' TERM
echo TSPLAY-RUNNER-READY
while read -r __tsr_n __tsr_mode __tsr_count __tsr_ilen __tsr_out __tsr_nonce; do
  if [ "$__tsr_mode" = L ]; then
    __tsr_s= __tsr_k=0
    while [ "$__tsr_k" -lt "$__tsr_count" ] && IFS= read -r __tsr_l; do
      __tsr_s="$__tsr_s$__tsr_l
"
      __tsr_k=$((__tsr_k + 1))
    done
  else
    # the dot keeps trailing newlines through the command substitution
    __tsr_s=$(head -c "$__tsr_count"; echo .)
    __tsr_s=\${__tsr_s%.}
  fi
  __tsr_i=/dev/null
  if [ "$__tsr_ilen" -gt 0 ]; then __tsr_i=$__tsr_d/i.$__tsr_n; head -c "$__tsr_ilen" >"$__tsr_i"; fi
  # files of earlier requests go in batches, when the controller asks: rm is an exec
  if [ "$__tsr_out" = C ]; then rm -f -- "$__tsr_d"/[oe].*; fi
  __tsr_o=$__tsr_d/o.$__tsr_n
  if [ "$__tsr_out" = T ]; then
    # the dot keeps trailing newlines and carries the exit code
    __tsr_r=$( (eval "unset -v ${LOOP_VARIABLES}
$__tsr_s") <"$__tsr_i" 2>"$__tsr_d/e.$__tsr_n"; echo ".$?")
    __tsr_rc=\${__tsr_r##*.}
    __tsr_r=\${__tsr_r%.*}
    if [ ! -s "$__tsr_d/e.$__tsr_n" ]; then
      printf '%s%s %s -\\n' "$__tsr_r" "$__tsr_nonce" "$__tsr_rc"
      if [ "$__tsr_i" != /dev/null ]; then rm -f -- "$__tsr_i"; fi
      continue
    fi
    printf '%s' "$__tsr_r" >"$__tsr_o"
  else
    (eval "unset -v ${LOOP_VARIABLES}
$__tsr_s") <"$__tsr_i" >"$__tsr_o" 2>"$__tsr_d/e.$__tsr_n"
    __tsr_rc=$?
  fi
  # the whole reply leaves in one write: replies in pieces meet Nagle and delayed ACKs (40 ms each)
  if [ -s "$__tsr_d/e.$__tsr_n" ]; then
    printf '%s %s E\\n' "$__tsr_nonce" "$__tsr_rc" >>"$__tsr_o"
    cat -- "$__tsr_d/e.$__tsr_n" >>"$__tsr_o"
    printf '%s\\n' "$__tsr_nonce" >>"$__tsr_o"
  else
    printf '%s %s -\\n' "$__tsr_nonce" "$__tsr_rc" >>"$__tsr_o"
  fi
  cat -- "$__tsr_o"
  if [ "$__tsr_i" != /dev/null ]; then rm -f -- "$__tsr_i"; fi
done`

const READY = Buffer.from('TSPLAY-RUNNER-READY\n')

/** Scripts up to this size travel as lines for the `read` builtin (no exec); larger ones through `head -c`. */
const MAX_LINE_SCRIPT = 4096

/** Ask the loop to delete the files of earlier requests this often, or after a large reply. */
const CLEAN_EVERY = 64
const CLEAN_AFTER_BYTES = 1 << 20

/** One request in flight on a runner. */
interface Pending {
  readonly nonce: Buffer
  readonly resolve: (result: BufferedResult) => void
  readonly reject: (error: Error) => void
  /** Where the search for the nonce resumes in the buffer (it cannot start inside what was searched). */
  searched: number
  /** Once the status line arrived and stderr follows: stdout, the exit code and where stderr starts. */
  status?: { readonly stdout: Buffer; readonly exitCode: number; readonly stderrStart: number }
}

/** One long-lived /bin/sh on the host, running one command at a time (see RUNNER_LOOP). */
class Runner {
  private buffer: Buffer = Buffer.alloc(0)
  private ready = false
  private pending: Pending | undefined
  private ended: Error | undefined
  private requests = 0
  private lastReplyBytes = 0
  private stderrTail = ''
  /** The runner's channel died with the connection (rather than the loop exiting). */
  private linkLost = false

  constructor(
    private readonly host: string,
    private readonly proc: RemoteProcess,
  ) {
    proc.stdout.on('data', (chunk: Buffer) => this.receive(chunk))
    proc.stderr.on('data', (chunk: Buffer) => (this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-2000)))
    proc.exit.then(
      (code) => this.end(new ConnectionError(this.host, `the command runner on ${this.host} ended (exit ${code ?? 'signal'})${this.stderrTail ? `: ${this.stderrTail.trim()}` : ''}`)),
      (error: unknown) => {
        this.linkLost = true
        this.end(error instanceof Error ? error : new Error(String(error)))
      },
    )
  }

  /** Whether the runner can still take requests. */
  get alive(): boolean {
    return this.ended === undefined
  }

  /**
   * Whether the runner could not start on this host (its loop exited before answering), rather than losing its
   * connection: a request written to a runner whose connection died may have run, so it must not go again.
   */
  get unsupported(): boolean {
    return !this.ready && !this.linkLost
  }

  run(line: string, stdin: Buffer, text: boolean): Promise<BufferedResult> {
    // nothing was written: the command did not run
    if (this.ended) return Promise.reject(this.ended instanceof ConnectionError ? unsent(this.ended) : this.ended)
    if (this.pending) throw new Error('runner is busy')
    const id = ++this.requests
    const nonce = `TSPLAY-${randomBytes(16).toString('hex')}`
    const script = Buffer.from(line.endsWith('\n') || line.length > MAX_LINE_SCRIPT ? line : `${line}\n`, 'utf8')
    const lines = script.length <= MAX_LINE_SCRIPT && !script.includes(0) ? script.toString('utf8').split('\n').length - 1 : undefined
    const out = text ? 'T' : id % CLEAN_EVERY === 0 || this.lastReplyBytes > CLEAN_AFTER_BYTES ? 'C' : 'F'
    const header = `${id} ${lines === undefined ? `B ${script.length}` : `L ${lines}`} ${stdin.length} ${out} ${nonce}\n`
    return new Promise<BufferedResult>((resolve, reject) => {
      this.pending = { nonce: Buffer.from(nonce), resolve, reject, searched: 0 }
      this.proc.stdin.write(Buffer.concat([Buffer.from(header), script, stdin]))
    })
  }

  /** End the loop politely: at end of input the shell leaves it and removes its temp directory. */
  close(): void {
    this.proc.stdin.end()
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
    if (!this.ready) {
      if (this.buffer.length < READY.length) return
      if (!this.buffer.subarray(0, READY.length).equals(READY)) return this.fail(`unexpected output ${JSON.stringify(this.buffer.subarray(0, 80).toString('latin1'))}`)
      this.ready = true
      this.buffer = this.buffer.subarray(READY.length)
    }
    const p = this.pending
    if (!p) return this.buffer.length === 0 ? undefined : this.fail('output without a request')
    if (!p.status) {
      const at = this.buffer.indexOf(p.nonce, p.searched)
      if (at < 0) return void (p.searched = Math.max(0, this.buffer.length - p.nonce.length))
      const eol = this.buffer.indexOf(10, at)
      if (eol < 0) return
      const status = /^ (\d+) ([E-])$/.exec(this.buffer.subarray(at + p.nonce.length, eol).toString('latin1'))
      if (!status) return this.fail('malformed status line')
      const stdout = Buffer.from(this.buffer.subarray(0, at))
      if (status[2] === '-') return this.settle({ exitCode: Number(status[1]), stdout, stderr: Buffer.alloc(0) }, eol + 1)
      p.status = { stdout, exitCode: Number(status[1]), stderrStart: eol + 1 }
      p.searched = eol + 1
    }
    const end = Buffer.concat([p.nonce, Buffer.from('\n')])
    const at = this.buffer.indexOf(end, p.searched)
    if (at < 0) return void (p.searched = Math.max(p.status.stderrStart, this.buffer.length - end.length))
    const stderr = Buffer.from(this.buffer.subarray(p.status.stderrStart, at))
    this.settle({ exitCode: p.status.exitCode, stdout: p.status.stdout, stderr }, at + end.length)
  }

  private settle(result: BufferedResult, consumed: number): void {
    this.buffer = this.buffer.subarray(consumed)
    this.lastReplyBytes = result.stdout.length + result.stderr.length
    const { resolve } = this.pending!
    this.pending = undefined
    resolve(result)
  }

  private fail(why: string): void {
    this.end(new ConnectionError(this.host, `the command runner on ${this.host} broke its protocol: ${why}`))
    this.proc.kill()
  }

  private end(error: Error): void {
    if (this.ended) return
    this.ended = error
    const pending = this.pending
    this.pending = undefined
    pending?.reject(error)
  }
}

/**
 * Long-lived shells on one host that run buffered commands without a new SSH channel each: opening a channel
 * costs sshd a fork, a login shell and a PAM session (about 45 ms on a lab host), a request to a runner about
 * 2 ms. Up to `max` runners serve concurrent commands. If the host's shell cannot run the loop (no GNU
 * `head -c` / `stat -c`), the pool turns itself off and `run` returns undefined: callers then use channels.
 */
export class RunnerPool {
  private readonly idle: Runner[] = []
  private count = 0
  private readonly waiting: ((runner: Runner | undefined) => void)[] = []
  private disabled = false
  private closed = false

  constructor(
    private readonly transport: Transport,
    private readonly max = 4,
  ) {}

  /**
   * Run `line` under /bin/sh with `stdin`; undefined when runners are unavailable on this host. With `text`, the
   * command prints only text (no NUL byte) and starts nothing that outlives it. Every reply leaves the host in one
   * write: output straight to the channel saved an exec, but a reply in pieces waited 40 ms for TCP's delayed ACK.
   */
  async run(line: string, stdin: Buffer, text = false): Promise<BufferedResult | undefined> {
    const runner = await this.take()
    if (!runner) return undefined
    try {
      const result = await runner.run(line, stdin, text)
      this.give(runner)
      return result
    } catch (error) {
      // A runner that never reached its loop means this host cannot have runners; anything else is the host's news.
      if (runner.unsupported) this.disable()
      else this.drop()
      if (runner.unsupported && !this.closed) return undefined
      throw error
    }
  }

  /** Ask every idle runner to leave its loop; busy ones end with the connection. */
  close(): void {
    this.closed = true
    this.disable()
  }

  private async take(): Promise<Runner | undefined> {
    if (this.disabled) return undefined
    for (let idle = this.idle.pop(); idle; idle = this.idle.pop()) {
      if (idle.alive) return idle
      // its connection died while it waited: a new one is started below (and says why if it cannot be)
      this.count--
    }
    if (this.count < this.max) {
      this.count++
      try {
        return new Runner(this.transport.host, await this.transport.spawn(RUNNER_LOOP))
      } catch (error) {
        this.count--
        throw error
      }
    }
    return new Promise((resolve) => this.waiting.push(resolve))
  }

  private give(runner: Runner): void {
    if (!runner.alive || this.disabled) {
      this.drop()
      runner.close()
      return
    }
    const waiter = this.waiting.shift()
    if (waiter) waiter(runner)
    else this.idle.push(runner)
  }

  private drop(): void {
    this.count--
    // someone waiting for a runner may start a new one now
    const waiter = this.waiting.shift()
    if (waiter) void this.take().then(waiter, () => waiter(undefined))
  }

  private disable(): void {
    this.disabled = true
    for (const runner of this.idle.splice(0)) runner.close()
    for (const waiter of this.waiting.splice(0)) waiter(undefined)
  }
}
