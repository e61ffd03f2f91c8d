// The connection keeper's wire format and where its socket lives; shared by the keeper and its clients.
import { createHash } from 'node:crypto'
import { lstatSync, mkdirSync, statSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ConnectOptions } from './index.js'

/** Inventory variables that decide how a host is reached; the keeper keys its connections by them. */
export const CONNECTION_VARS = [
  'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user',
  'ansible_ssh_private_key_file', 'ansible_private_key_file', 'ansible_ssh_common_args', 'ansible_ssh_extra_args',
  'tsplay_accept_new_host_keys',
] as const

/** One command for a kept connection (the client's side of `Transport.runBuffered`). */
export interface KeeperRequest {
  readonly id: number
  readonly host: string
  readonly vars: Readonly<Record<string, unknown>>
  readonly options: Pick<ConnectOptions, 'acceptNewHostKeys' | 'timeoutSeconds'>
  /** Seconds to keep the connection once idle (0: until the keeper stops). */
  readonly persist: number
  readonly line: string
  /** Base64. */
  readonly stdin: string
  /** The command prints only text and starts nothing that outlives it (Transport.runBuffered). */
  readonly text: boolean
}

/** The keeper's answer: a result, "no runner on this host" (use a channel of your own), or an error. */
export type KeeperReply =
  | { readonly id: number; readonly result: { readonly exitCode: number; readonly stdout: string; readonly stderr: string } }
  | { readonly id: number; readonly unavailable: true }
  | { readonly id: number; readonly error: { readonly kind: 'connection' | 'usage' | 'other'; readonly message: string } }

/** Call `receive` with each JSON message arriving on `socket`, one per line (both sides speak this way). */
export function onMessages<T>(socket: Socket, receive: (message: T) => void): void {
  let buffered = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => {
    buffered += chunk
    let newline: number
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline)
      buffered = buffered.slice(newline + 1)
      receive(JSON.parse(line) as T)
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
