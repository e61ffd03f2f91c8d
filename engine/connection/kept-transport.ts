// The client side of the connection keeper: a Transport whose buffered commands go through the keeper's kept
// connection, and whose other commands (streams, timeouts, password prompts) use a connection of its own.
import { spawn } from 'node:child_process'
import { closeSync, openSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { join } from 'node:path'
import { ConnectionError, UsageError } from '../errors.js'
import { projectRoot } from '../lab/index.js'
import { connectionVars, encodeFrame, type KeeperReply, type KeeperRequest, keeperSocket, onFrames } from './keeper-protocol.js'
import type { BufferedResult, ConnectOptions, RemoteProcess, Transport } from './types.js'
import type { ReconnectingTransport } from './reconnecting.js'

/** How long a client waits for a keeper it started to listen. */
const START_TIMEOUT_MS = 3000

/** This process's one connection to the keeper: requests by id over a Unix socket, replies in any order. */
class KeeperClient {
  private nextId = 1
  private readonly waiting = new Map<number, (reply: Reply | null) => void>()

  private constructor(private readonly socket: Socket) {
    onFrames<KeeperReply>(socket, (reply, parts) => {
      this.waiting.get(reply.id)?.({ reply, parts })
      this.waiting.delete(reply.id)
    })
    const lost = (): void => {
      for (const wake of this.waiting.values()) wake(null)
      this.waiting.clear()
      // the next request looks for (or starts) a keeper again
      shared = undefined
    }
    socket.on('error', lost)
    socket.on('close', lost)
    // an idle client must not keep the run's process alive
    socket.unref()
  }

  /** The process's client, starting a keeper when none answers; undefined when there can be no keeper. */
  static get(): Promise<KeeperClient | undefined> {
    shared ??= KeeperClient.open()
    return shared
  }

  private static async open(): Promise<KeeperClient | undefined> {
    const path = keeperSocket()
    if (path === undefined) return undefined
    let socket = await attempt(path)
    if (!socket) {
      // bin/tsplay.js runs the bundle or the compiled CLI, whichever is current: the keeper runs the same code
      // TSPLAY_KEEPER_LOG names a file for the keeper's own output (it has no terminal), for debugging
      const log = process.env['TSPLAY_KEEPER_LOG'] ? openSync(process.env['TSPLAY_KEEPER_LOG'], 'a') : 'ignore'
      spawn(process.execPath, [join(projectRoot(), 'bin/tsplay.js'), '__keeper', path], { detached: true, stdio: ['ignore', log, log] }).unref()
      if (typeof log === 'number') closeSync(log)
      const deadline = Date.now() + START_TIMEOUT_MS
      while (!socket && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 25))
        socket = await attempt(path)
      }
    }
    return socket ? new KeeperClient(socket) : undefined
  }

  /** Send one request with its command line and stdin; null when the keeper went away before answering. */
  request(body: Omit<KeeperRequest, 'id'>, line: string, stdin: Buffer): Promise<Reply | null> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      // replies are awaited: the socket must keep the process alive while one is due
      this.socket.ref()
      this.socket.write(encodeFrame({ ...body, id }, [Buffer.from(line), stdin]))
    }).finally(() => {
      if (this.waiting.size === 0) this.socket.unref()
    }) as Promise<Reply | null>
  }
}

/** A reply and the parts its frame carried (stdout and stderr for a result). */
interface Reply {
  readonly reply: KeeperReply
  readonly parts: readonly Buffer[]
}

let shared: Promise<KeeperClient | undefined> | undefined

function attempt(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path)
    socket.once('connect', () => resolve(socket))
    socket.once('error', () => resolve(undefined))
  })
}

/**
 * A host reached through the keeper: buffered commands run on the kept connection (opened by the keeper on first
 * use, with the same host-key checks); anything else, or everything when no keeper can run, on a connection of
 * this transport's own, opened only when first needed.
 */
export class KeptTransport implements Transport {
  private direct: Promise<ReconnectingTransport> | undefined
  /** What every request for this host says besides its command (the keeper's key for the connection). */
  private request: Omit<KeeperRequest, 'id' | 'text'> | undefined

  constructor(
    readonly host: string,
    private readonly vars: Readonly<Record<string, unknown>>,
    private readonly options: ConnectOptions,
    private readonly persist: number,
    private readonly openDirect: () => Promise<ReconnectingTransport>,
  ) {}

  async runBuffered(commandLine: string, stdin: Buffer, text = false): Promise<BufferedResult | undefined> {
    const client = await KeeperClient.get()
    this.request ??= {
      host: this.host,
      vars: connectionVars(this.vars),
      options: { acceptNewHostKeys: this.options.acceptNewHostKeys, timeoutSeconds: this.options.timeoutSeconds },
      persist: this.persist,
    }
    const answer = client ? await client.request({ ...this.request, text }, commandLine, stdin) : null
    // no keeper: a connection of our own; a keeper gone mid-command: the command may have run, so never run it again
    if (!client) return (await this.ownTransport()).runBuffered(commandLine, stdin, text)
    if (answer === null) throw new ConnectionError(this.host, `the connection keeper ended while a command ran on ${this.host}`)
    const { reply, parts } = answer
    for (const message of reply.log ?? []) this.options.log?.(message)
    if ('unavailable' in reply) return undefined
    if ('error' in reply) {
      const { kind, message } = reply.error
      throw kind === 'connection' ? new ConnectionError(this.host, message) : kind === 'usage' ? new UsageError(message) : new Error(message)
    }
    return { exitCode: reply.exitCode, stdout: parts[0] ?? Buffer.alloc(0), stderr: parts[1] ?? Buffer.alloc(0) }
  }

  async spawn(commandLine: string, options?: { readonly pty?: boolean }): Promise<RemoteProcess> {
    return (await this.ownTransport()).spawn(commandLine, options)
  }

  async close(): Promise<void> {
    const direct = this.direct
    this.direct = undefined
    if (direct) await (await direct.catch(() => undefined))?.close()
  }

  private ownTransport(): Promise<ReconnectingTransport> {
    this.direct ??= this.openDirect()
    return this.direct
  }
}
