import { PassThrough } from 'node:stream'
import type { Client, ClientChannel } from 'ssh2'
import { ConnectionError } from '../errors.js'
import { KILL_GRACE_MS } from './live.js'
import { RunnerPool } from './runner.js'
import { quote } from './shell.js'
import { type BufferedResult, type RemoteProcess, type Transport, unsent } from './types.js'

/** Tags the line on which the login shell reports its PID before it becomes /bin/sh. */
const PID_TAG = 'TSPLAY-PID:'

/** OpenSSH's default MaxSessions is 10; stay below it so one slot is left for a human or ansible. */
const MAX_CHANNELS = 8

/** Runs command lines as exec channels on one persistent ssh2 session (after any jump hosts). */
/** How long closing waits for kills still running on the host (their grace, and a moment to get there). */
const KILL_WAIT_MS = KILL_GRACE_MS + 1500

/** Poll for the killed group's end this often during the grace (one `sleep` exec per poll). */
const KILL_POLL_MS = 100

export class SshTransport implements Transport {
  private lost: ConnectionError | undefined
  private closed = false
  private active = 0
  private readonly waiting: (() => void)[] = []
  /** Half the channels at most, so commands that need their own channel (timeouts, su, streams) always find one. */
  private readonly runners: RunnerPool
  /**
   * Whether the host key this connection accepted is still trusted by known_hosts as it is now (set by
   * openSshTransport): a connection kept between runs is checked again before it serves one.
   */
  hostKeyTrusted: () => Promise<boolean> = () => Promise.resolve(true)
  /** Kills sent on a channel of their own and not yet done: close waits for them. */
  private readonly killing = new Set<Promise<void>>()

  constructor(
    readonly host: string,
    private readonly client: Client,
    private readonly jumps: readonly Client[] = [],
    private readonly maxChannels = MAX_CHANNELS,
  ) {
    this.runners = new RunnerPool(this, Math.max(1, Math.floor(maxChannels / 2)))
    const onLost = (error?: Error): void => {
      if (this.closed || this.lost) return
      this.lost = new ConnectionError(host, `connection to ${host} lost${error ? `: ${error.message.toLowerCase()}` : ''}`, error ? { cause: error } : undefined)
      for (const wake of this.waiting.splice(0)) wake()
    }
    client.on('error', onLost)
    client.on('close', () => onLost())
    for (const jump of jumps) {
      jump.on('error', onLost)
      jump.on('close', () => onLost())
    }
  }

  async spawn(commandLine: string, options: { readonly pty?: boolean } = {}): Promise<RemoteProcess> {
    await this.acquire()
    let channel: ClientChannel
    try {
      channel = await new Promise<ClientChannel>((resolve, reject) => {
        const done = (error: Error | undefined, stream: ClientChannel): void => (error ? reject(error) : resolve(stream))
        if (options.pty) this.client.exec(commandLine, { pty: { term: 'dumb', rows: 24, cols: 200 } }, done)
        // The login shell reports its PID (it leads the command's process group), then becomes /bin/sh: so every
        // command runs under /bin/sh as locally, and a timed-out command can be killed even where sshd ignores signals.
        else this.client.exec(`echo ${PID_TAG}$$ >&2; exec /bin/sh -c ${quote(commandLine)}`, done)
      })
    } catch (error) {
      this.release()
      const failure = this.lost ?? new ConnectionError(this.host, `cannot open a channel on ${this.host}: ${(error as Error).message.toLowerCase()}`, { cause: error })
      // ssh2 says so before it sends anything when the socket is gone; a failure after the request left may have run it
      throw (error as Error).message === 'Not connected' ? unsent(failure) : failure
    }
    return this.process(channel, !options.pty)
  }

  /** Whether the session still stands: not closed, and the link not lost. */
  get alive(): boolean {
    return !this.closed && this.lost === undefined
  }

  runBuffered(commandLine: string, stdin: Buffer, text?: boolean): Promise<BufferedResult | undefined> {
    return this.runners.run(commandLine, stdin, text)
  }

  async close(): Promise<void> {
    if (this.closed) return
    // a kill sent from a second channel must reach the host before the connection goes (at most a moment)
    if (this.killing.size > 0) {
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.all(this.killing), new Promise((resolve) => (timer = setTimeout(resolve, KILL_WAIT_MS)))])
      clearTimeout(timer)
    }
    if (this.closed) return
    this.runners.close()
    this.closed = true
    this.lost = new ConnectionError(this.host, `connection to ${this.host} was closed`)
    for (const wake of this.waiting.splice(0)) wake()
    this.client.end()
    for (const jump of [...this.jumps].reverse()) jump.end()
  }

  private process(channel: ClientChannel, reportsPid: boolean): RemoteProcess {
    let killed = false
    let pid: number | undefined
    const relay = new PassThrough()
    const stderr = reportsPid ? relay : channel.stderr
    if (reportsPid) {
      let head = ''
      channel.stderr.on('data', (chunk: Buffer) => {
        if (pid !== undefined) return void relay.write(chunk)
        head += chunk.toString('latin1')
        // Start-up noise of the login shell (a chatty .bashrc) may come first; only the tagged line is ours.
        const match = new RegExp(`(^|\\n)${PID_TAG}(\\d+)\\n`).exec(head)
        if (!match) return
        pid = Number(match[2])
        const rest = Buffer.from(head.slice(0, match.index + match[1]!.length) + head.slice(match.index + match[0].length), 'latin1')
        if (rest.length > 0) relay.write(rest)
      })
      channel.stderr.on('end', () => {
        if (pid === undefined && head !== '') relay.write(Buffer.from(head, 'latin1'))
        relay.end()
      })
    }
    // Writes after the remote side closed fail with EPIPE-like errors; the exit status says what happened.
    channel.on('error', () => {})
    let settle: ((code: number | null) => void) | undefined
    const exit = new Promise<number | null>((resolve, reject) => {
      settle = resolve
      // ssh2 repeats the exit status on 'close' (a fast command's 'exit' can fire before anyone listens):
      // (code) after exit-status, (null, signal) after exit-signal, nothing when the server sent neither.
      channel.on('close', (...args: unknown[]) => {
        this.release()
        if (typeof args[0] === 'number') return resolve(args[0])
        if (args[0] === null && typeof args[1] === 'string') return resolve(null)
        if (killed) return resolve(null)
        // OpenSSH always reports exit-status or exit-signal; a channel closed without either means the link went away.
        reject(this.lost ?? new ConnectionError(this.host, `connection to ${this.host} lost while a command was running`))
      })
    })
    return {
      stdin: channel.stdin,
      stdout: channel.stdout,
      stderr,
      exit,
      kill: () => {
        killed = true
        // sshd ignores signal requests in sessions without privilege separation (root's), so the process group
        // is also killed from a second channel, with the same grace before KILL as locally; the caller is
        // released at once either way.
        channel.signal('TERM')
        const group = pid
        if (group !== undefined && Number.isInteger(group) && group > 1 && !this.lost) {
          const sent = new Promise<void>((done) => {
            this.client.exec(killScript(group), (error, killer) => {
              if (error) return done()
              killer.on('error', () => {}).on('close', () => done()).resume().stderr.resume()
            })
          })
          this.killing.add(sent)
          void sent.then(() => this.killing.delete(sent))
        }
        channel.close()
        settle?.(null)
      },
    }
  }

  private async acquire(): Promise<void> {
    while (this.active >= this.maxChannels && !this.lost) await new Promise<void>((wake) => this.waiting.push(wake))
    // found dead before anything was sent: the command may go over a fresh connection
    if (this.lost) throw unsent(this.lost)
    this.active++
  }

  private release(): void {
    this.active--
    this.waiting.shift()?.()
  }
}

/**
 * TERM to the process group led by `pid` (or to `pid` alone), then KILL once it is gone or the grace is over: a
 * writer's trap gets the time to remove its temp file, as a local command gets it.
 */
function killScript(pid: number): string {
  const alive = `kill -0 -- -${pid} 2>/dev/null || kill -0 ${pid} 2>/dev/null`
  return [
    `kill -TERM -- -${pid} 2>/dev/null || kill -TERM ${pid} 2>/dev/null`,
    `i=0; while [ $i -lt ${Math.ceil(KILL_GRACE_MS / KILL_POLL_MS)} ] && { ${alive}; }; do sleep ${KILL_POLL_MS / 1000}; i=$((i + 1)); done`,
    `kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null; true`,
  ].join('\n')
}
