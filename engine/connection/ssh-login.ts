import type { Duplex } from 'node:stream'
import ssh2, { type Client, type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type ConnectConfig, type KeyboardInteractiveAuthMethod, type ParsedKey } from 'ssh2'

// ssh2 is CommonJS: Node's ESM loader only sees its default export (vitest's interop hides the difference).
const { Client: SshClient, utils } = ssh2
import { ConnectionError } from '../errors.js'

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
  const client = new SshClient()
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
      // small request/reply packets: without TCP_NODELAY a request can wait for the ACK of the previous packet,
      // which the host delays by up to 40 ms
      client.setNoDelay(true)
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
