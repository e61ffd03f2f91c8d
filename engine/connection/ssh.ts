import { PassThrough, type Duplex } from 'node:stream'
import { Client, utils, type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type ClientChannel, type ConnectConfig, type KeyboardInteractiveAuthMethod, type ParsedKey } from 'ssh2'
import { ConnectionError } from '../errors.js'
import { quote } from './shell.js'
import type { RemoteProcess, Transport } from './types.js'

/** One way to log in, tried in the order given. */
export type SshCredential =
  | { readonly type: 'key'; readonly path: string; readonly key: ParsedKey }
  | { readonly type: 'agent'; readonly socket: string }
  | { readonly type: 'password'; readonly password: string }

/** Everything needed to open one SSH session (a host or one jump host on the way). */
export interface SshEndpoint {
  /** Inventory name, for messages. */
  readonly label: string
  readonly hostName: string
  readonly port: number
  readonly user: string
  readonly credentials: readonly SshCredential[]
  readonly readyTimeoutMs: number
  readonly keepaliveIntervalMs: number
  /** Host key algorithms in preference order (those we can verify first). */
  readonly hostKeyAlgorithms: readonly string[]
  /** Resolves to a refusal message, or undefined when the key is accepted. */
  verifyHostKey(blob: Buffer): Promise<string | undefined>
}

/** OpenSSH's default MaxSessions is 10; stay below it so one slot is left for a human or ansible. */
const MAX_CHANNELS = 8

/** How long the login itself may take once the key exchange is done (password delays, slow PAM). */
const AUTH_TIMEOUT_MS = 60_000

/** ssh2's host key algorithms, which `hostKeyAlgorithms` reorders. */
export const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']

/** Read a private key file for ssh2; an encrypted key without passphrase is an Error, not a throw. */
export function parsePrivateKey(data: Buffer): ParsedKey | Error {
  const parsed = utils.parseKey(data)
  if (parsed instanceof Error) return parsed
  return Array.isArray(parsed) ? parsed[0]! : parsed
}

/** Open an authenticated ssh2 session, over `sock` when it is reached through a jump host. */
export function connectEndpoint(endpoint: SshEndpoint, sock?: Duplex): Promise<Client> {
  const where = `${endpoint.user}@${endpoint.hostName}:${endpoint.port}`
  const client = new Client()
  let refusal: string | undefined
  const config: ConnectConfig = {
    host: endpoint.hostName,
    port: endpoint.port,
    username: endpoint.user,
    // Like OpenSSH's ConnectTimeout, the limit covers the connection and the key exchange (timed below), not
    // the login, which may legitimately wait for the server's delay after a wrong password.
    readyTimeout: endpoint.readyTimeoutMs + AUTH_TIMEOUT_MS,
    keepaliveInterval: endpoint.keepaliveIntervalMs,
    keepaliveCountMax: 3,
    algorithms: { serverHostKey: [...endpoint.hostKeyAlgorithms] as never },
    hostVerifier: (blob: Buffer, accept: (ok: boolean) => void) => {
      endpoint.verifyHostKey(blob).then(
        (reason) => {
          refusal = reason
          accept(reason === undefined)
        },
        (error: unknown) => {
          refusal = `cannot check the host key: ${(error as Error).message}`
          accept(false)
        },
      )
    },
    authHandler: authOrder(endpoint),
    ...(sock ? { sock } : {}),
  }
  return new Promise((resolve, reject) => {
    let failed = false
    const fail = (error: Error & { level?: string; code?: string }): void => {
      clearTimeout(timer)
      if (failed) return
      failed = true
      client.removeAllListeners('ready')
      client.removeAllListeners('close')
      // ssh2 may report more errors while tearing down; they are part of this one failure.
      client.on('error', () => {})
      client.end()
      reject(new ConnectionError(endpoint.label, `cannot connect to ${where}: ${refusal ?? describe(error, endpoint)}`, { cause: error }))
    }
    const timer = setTimeout(() => fail(Object.assign(new Error('timed out'), { level: 'client-timeout' })), endpoint.readyTimeoutMs)
    client.once('handshake', () => clearTimeout(timer))
    client.once('error', fail)
    client.once('close', () => fail(Object.assign(new Error('connection closed during the handshake'), { level: 'client-socket' })))
    client.once('ready', () => {
      clearTimeout(timer)
      client.removeListener('error', fail)
      client.removeAllListeners('close')
      resolve(client)
    })
    client.connect(config)
  })
}

function describe(error: Error & { level?: string; code?: string }, endpoint: SshEndpoint): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused'
  if (error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return 'no route to host'
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return `cannot resolve host name '${endpoint.hostName}'`
  if (error.level === 'client-timeout') return `timed out after ${endpoint.readyTimeoutMs / 1000} s`
  if (error.level === 'client-authentication') {
    const tried = endpoint.credentials.map((c) => (c.type === 'key' ? `key ${c.path}` : c.type)).join(', ')
    return `authentication failed (tried ${tried || 'no credentials'})`
  }
  return error.message.toLowerCase()
}

function authOrder(endpoint: SshEndpoint): AuthHandlerMiddleware {
  const username = endpoint.user
  const methods: { readonly kind: AuthenticationType; readonly method: AnyAuthMethod }[] = []
  for (const c of endpoint.credentials) {
    if (c.type === 'key') methods.push({ kind: 'publickey', method: { type: 'publickey', username, key: c.key } })
    if (c.type === 'agent') methods.push({ kind: 'publickey', method: { type: 'agent', username, agent: c.socket } })
    if (c.type === 'password') {
      methods.push({ kind: 'password', method: { type: 'password', username, password: c.password } })
      const prompt: KeyboardInteractiveAuthMethod['prompt'] = (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => c.password))
      methods.push({ kind: 'keyboard-interactive', method: { type: 'keyboard-interactive', username, prompt } })
    }
  }
  let next = 0
  // ssh2 calls this with null on the first attempt, although the types say otherwise.
  return (methodsLeft: AuthenticationType[] | null, _partial, callback) => {
    while (next < methods.length) {
      const candidate = methods[next++]!
      if (methodsLeft === null || methodsLeft.includes(candidate.kind)) return callback(candidate.method)
    }
    ;(callback as unknown as (done: false) => void)(false)
  }
}

/** Runs command lines as exec channels on one persistent ssh2 session (after any jump hosts). */
export class SshTransport implements Transport {
  private lost: ConnectionError | undefined
  private closed = false
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(
    readonly host: string,
    private readonly client: Client,
    private readonly jumps: readonly Client[] = [],
    private readonly maxChannels = MAX_CHANNELS,
  ) {
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
        else this.client.exec(`echo $$ >&2; exec /bin/sh -c ${quote(commandLine)}`, done)
      })
    } catch (error) {
      this.release()
      throw this.lost ?? new ConnectionError(this.host, `cannot open a channel on ${this.host}: ${(error as Error).message.toLowerCase()}`, { cause: error })
    }
    return this.process(channel, !options.pty)
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve()
    this.closed = true
    this.lost = new ConnectionError(this.host, `connection to ${this.host} was closed`)
    for (const wake of this.waiting.splice(0)) wake()
    this.client.end()
    for (const jump of [...this.jumps].reverse()) jump.end()
    return Promise.resolve()
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
        const newline = head.indexOf('\n')
        if (newline < 0) return
        pid = Number(head.slice(0, newline))
        const rest = Buffer.from(head.slice(newline + 1), 'latin1')
        if (rest.length > 0) relay.write(rest)
      })
      channel.stderr.on('end', () => relay.end())
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
        // is also killed from a second channel; the caller is released at once either way.
        channel.signal('KILL')
        if (pid !== undefined && Number.isInteger(pid) && pid > 1 && !this.lost) {
          this.client.exec(`kill -KILL -- -${pid} 2>/dev/null || kill -KILL ${pid} 2>/dev/null`, (error, killer) => {
            if (!error) killer.on('error', () => {}).resume().stderr.resume()
          })
        }
        channel.close()
        settle?.(null)
      },
    }
  }

  private async acquire(): Promise<void> {
    while (this.active >= this.maxChannels && !this.lost) await new Promise<void>((wake) => this.waiting.push(wake))
    if (this.lost) throw this.lost
    this.active++
  }

  private release(): void {
    this.active--
    this.waiting.shift()?.()
  }
}
