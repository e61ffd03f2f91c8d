// The connection keeper (`tsplay __keeper SOCKET`): a background process that holds SSH connections, with their
// command runners, between runs, as OpenSSH's ControlPersist holds master connections for ansible. A run then
// skips the TCP and SSH handshakes, the login and the runner start for every host it reached recently.
import { rmSync } from 'node:fs'
import { createServer, type Socket } from 'node:net'
import { ConnectionError, UsageError } from '../errors.js'
import { openSshTransport } from './open.js'
import { encodeFrame, onFrames, type KeeperReply, type KeeperRequest } from './keeper-protocol.js'
import type { SshTransport } from './ssh.js'
import { UnsentError } from './types.js'

/** A connection held for later runs. */
interface Kept {
  readonly transport: Promise<SshTransport>
  readonly persist: number
  busy: number
  idle?: NodeJS.Timeout
  /** When the last request on it ended (ms since the epoch). */
  lastUsed: number
  /** What connecting said for verbose output (an accepted host key…), until a reply carries it to the client. */
  readonly log: string[]
}

/**
 * A connection idle for longer than this is checked with a no-op (answered within CHECK_TIMEOUT_MS) before it
 * serves a new run: a host that rebooted or went away meanwhile would otherwise hang the run until keepalives
 * notice, where a fresh connection attempt fails (or succeeds) at once.
 */
const CHECK_AFTER_MS = 2000
const CHECK_TIMEOUT_MS = 3000

/** After the last connection and the last client are gone, wait this long before exiting. */
const LINGER_MS = 2000

/** Serve kept connections on `socketPath` until none is left. */
export function runKeeper(socketPath: string): Promise<void> {
  const kept = new Map<string, Kept>()
  const clients = new Set<Socket>()
  let exitTimer: NodeJS.Timeout | undefined
  // set once the server exists: nothing held and nobody asking means the keeper leaves
  let considerExit = (): void => undefined

  const drop = (key: string, entry: Kept): void => {
    if (kept.get(key) !== entry) return
    kept.delete(key)
    clearTimeout(entry.idle)
    void entry.transport.then((t) => t.close(), () => undefined)
    considerExit()
  }

  /** The connection for a request, marked busy (so that neither idleness nor the exit can take it meanwhile). */
  const take = async (key: string, request: KeeperRequest): Promise<Kept> => {
    const existing = kept.get(key)
    if (existing) {
      existing.busy++
      clearTimeout(existing.idle)
      if (await usable(existing)) return existing
      existing.busy--
      drop(key, existing)
    }
    const log: string[] = []
    const options = { ...request.options, log: (message: string) => void log.push(message) }
    const entry: Kept = { transport: openSshTransport(request.host, request.vars, options), persist: request.persist, busy: 1, lastUsed: Date.now(), log }
    kept.set(key, entry)
    clearTimeout(exitTimer)
    entry.transport.catch(() => drop(key, entry))
    return entry
  }

  const usable = async (entry: Kept): Promise<boolean> => {
    const transport = await entry.transport.catch(() => undefined)
    if (!transport?.alive) return false
    // known_hosts may have changed since the connection was opened: a key no longer trusted is not used again,
    // and a fresh connection then says why (as ssh would when it connects)
    if (!(await transport.hostKeyTrusted().catch(() => false))) return false
    // busy with another request right now, or used a moment ago: it answers
    if (entry.busy > 1 || Date.now() - entry.lastUsed < CHECK_AFTER_MS) return true
    let timer: NodeJS.Timeout | undefined
    const answered = await Promise.race([
      transport.runBuffered(":", Buffer.alloc(0)).then(() => true, () => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS))),
    ])
    clearTimeout(timer)
    return answered
  }

  const serve = async (request: KeeperRequest, line: string, stdin: Buffer, fresh = false): Promise<[KeeperReply, Buffer[]]> => {
    const key = JSON.stringify([request.host, request.vars, request.options])
    const entry = await take(key, request)
    // the messages of connecting go back with the first reply after them
    const head = (): { id: number; log?: string[] } => (entry.log.length > 0 ? { id: request.id, log: entry.log.splice(0) } : { id: request.id })
    try {
      const result = await (await entry.transport).runBuffered(line, stdin, request.text)
      if (!result) return [{ ...head(), unavailable: true }, []]
      return [{ ...head(), exitCode: result.exitCode }, [result.stdout, result.stderr]]
    } catch (error) {
      if (error instanceof ConnectionError) drop(key, entry)
      // the kept connection was dead before the command left (the host restarted since): one fresh connection
      if (error instanceof UnsentError && !fresh) return serve(request, line, stdin, true)
      const kind = error instanceof ConnectionError ? 'connection' : error instanceof UsageError ? 'usage' : 'other'
      return [{ ...head(), error: { kind, message: error instanceof Error ? error.message : String(error) } }, []]
    } finally {
      entry.busy--
      entry.lastUsed = Date.now()
      if (entry.busy === 0 && entry.persist > 0 && kept.get(key) === entry) entry.idle = setTimeout(() => drop(key, entry), entry.persist * 1000)
    }
  }

  return new Promise((resolve, reject) => {
    const server = createServer((socket: Socket) => {
      clients.add(socket)
      onFrames<KeeperRequest>(socket, (request, [line = Buffer.alloc(0), stdin = Buffer.alloc(0)]) => {
        void serve(request, line.toString('utf8'), stdin).then(([reply, parts]) => socket.writable && socket.write(encodeFrame(reply, parts)))
      })
      socket.on('error', () => socket.destroy())
      socket.on('close', () => clients.delete(socket))
    })

    // Nothing held: leave, so that a keeper never outlives its use by more than LINGER_MS. A request in flight
    // always holds its connection; a client that connected but has not asked yet sees the socket close and goes
    // without a keeper (its own connection) or starts a new one.
    considerExit = (): void => {
      clearTimeout(exitTimer)
      if (kept.size > 0) return
      exitTimer = setTimeout(() => {
        if (kept.size > 0) return
        server.close()
        for (const socket of clients) socket.destroy()
        rmSync(socketPath, { force: true })
        resolve()
      }, LINGER_MS)
    }

    server.on('error', reject)
    // A socket file left by a keeper that died is in the way; the client only starts a keeper when none answers.
    rmSync(socketPath, { force: true })
    server.listen(socketPath, () => considerExit())
  })
}
