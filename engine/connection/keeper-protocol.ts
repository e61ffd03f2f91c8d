// The connection keeper's wire format and where its socket lives; shared by the keeper and its clients.
import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, statSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ConnectOptions } from './types.js'

/** Inventory variables that decide how a host is reached; the keeper keys its connections by them. */
export const CONNECTION_VARS = [
  'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user',
  'ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_ssh_args', 'ansible_ssh_common_args', 'ansible_ssh_extra_args',
  'tsplay_accept_new_host_keys',
] as const

/**
 * One command for a kept connection (the client's side of `Transport.runBuffered`); the command line and its
 * stdin travel as the frame's two parts.
 */
export interface KeeperRequest {
  readonly id: number
  readonly host: string
  readonly vars: Readonly<Record<string, unknown>>
  readonly options: Pick<ConnectOptions, 'acceptNewHostKeys' | 'timeoutSeconds'>
  /** Seconds to keep the connection once idle (0: until the keeper stops). */
  readonly persist: number
  /** The command prints only text and starts nothing that outlives it (Transport.runBuffered). */
  readonly text: boolean
}

/**
 * The keeper's answer: an exit code (stdout and stderr are the frame's parts), "no runner on this host" (use a
 * channel of your own), or an error; with what opening the connection logged, for the client's verbose output.
 */
export type KeeperReply = { readonly id: number; readonly log?: readonly string[] } & (
  | { readonly exitCode: number }
  | { readonly unavailable: true }
  | { readonly error: { readonly kind: 'connection' | 'usage' | 'other'; readonly message: string } }
)

/**
 * A message on the keeper's socket (both sides speak this way): the byte length of a JSON head, the head (which
 * lists the sizes of the parts), then the parts as raw bytes. Command lines and output travel unencoded: no
 * base64 and no JSON escaping of kilobytes per command.
 */
export function encodeFrame(head: object, parts: readonly Buffer[]): Buffer {
  const json = Buffer.from(JSON.stringify({ ...head, sizes: parts.map((p) => p.length) }))
  const length = Buffer.alloc(4)
  length.writeUInt32BE(json.length)
  return Buffer.concat([length, json, ...parts])
}

/** Call `receive` with each frame arriving on `socket`, its head parsed and its parts split. */
export function onFrames<T>(socket: Socket, receive: (head: T, parts: Buffer[]) => void): void {
  let chunks: Buffer[] = []
  let have = 0
  // bytes the next frame needs before it can be read: 4, then its head, then its parts
  let need = 4
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    have += chunk.length
    while (have >= need) {
      // joined only when a frame is known to be whole (or its head is), never once per chunk
      const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, have)
      chunks = [data]
      const headEnd = 4 + data.readUInt32BE(0)
      if (data.length < headEnd) {
        need = headEnd
        continue
      }
      const head = JSON.parse(data.toString('utf8', 4, headEnd)) as T & { sizes: number[] }
      const end = head.sizes.reduce((n, size) => n + size, headEnd)
      if (data.length < end) {
        need = end
        continue
      }
      let at = headEnd
      const parts = head.sizes.map((size) => data.subarray(at, (at += size)))
      chunks = end < data.length ? [data.subarray(end)] : []
      have = data.length - end
      need = 4
      receive(head, parts)
    }
  })
}

/** The connection-deciding variables of a host, in a fixed order, as sent to the keeper. */
export function connectionVars(vars: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(CONNECTION_VARS.filter((k) => vars[k] !== undefined && vars[k] !== null).map((k) => [k, vars[k]]))
}

/**
 * The keeper's socket for this user and this build of tsplay, in a directory only the user can enter; undefined
 * when that directory is not safely the user's (then nothing is kept). Another build gets another keeper, so a
 * keeper never runs code older than its clients.
 */
export function keeperSocket(): string | undefined {
  const { uid } = userInfo()
  const dir = join(process.env['XDG_RUNTIME_DIR'] || tmpdir(), `tsplay-${uid}`)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const info = lstatSync(dir)
    if (!info.isDirectory() || info.uid !== uid || (info.mode & 0o077) !== 0) return undefined
  } catch {
    return undefined
  }
  const self = fileURLToPath(import.meta.url)
  const build = createHash('sha256').update(`${self}:${statSync(self).mtimeMs}`).digest('hex').slice(0, 12)
  return join(dir, `keeper-${build}.sock`)
}
