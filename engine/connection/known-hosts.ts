import { createHash, createHmac, randomBytes } from 'node:crypto'
import { appendFile, mkdir, readFile } from 'node:fs/promises'
import { dirname } from 'node:path'

/** What known_hosts says about the key a host presented. */
export type HostKeyVerdict =
  | { readonly status: 'known' }
  | { readonly status: 'unknown'; readonly otherTypes: readonly string[] }
  | { readonly status: 'changed'; readonly line: number; readonly keyType: string }
  | { readonly status: 'revoked'; readonly line: number }

interface Entry {
  readonly line: number
  readonly marker: string | undefined
  readonly patterns: string
  readonly keyType: string
  readonly key: string
}

/** The name OpenSSH looks up for a host: `host` on port 22, `[host]:port` otherwise. */
export const hostKeyName = (host: string, port: number): string => (port === 22 ? host : `[${host}]:${port}`)

/** The key type inside an SSH wire-format public key blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, …). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown'
  const length = blob.readUInt32BE(0)
  return blob.subarray(4, 4 + length).toString('latin1')
}

/** `SHA256:…` as `ssh-keygen -l` prints it. */
export const fingerprint = (blob: Buffer): string => `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`

/**
 * Check a presented host key against known_hosts text (plain, wildcard and hashed `|1|salt|hash` entries,
 * `[host]:port` names, `@revoked`), with OpenSSH's rule: a recorded key of the same type that differs is a
 * changed key; keys recorded only for other types leave the host unknown for this type.
 */
export function checkHostKey(text: string, host: string, port: number, blob: Buffer): HostKeyVerdict {
  const name = hostKeyName(host, port)
  const presentedType = keyTypeOf(blob)
  const presented = blob.toString('base64')
  const matching = parseKnownHosts(text).filter((e) => e.marker !== '@cert-authority' && matchesHost(e.patterns, name))
  const revoked = matching.find((e) => e.marker === '@revoked' && e.key === presented)
  if (revoked) return { status: 'revoked', line: revoked.line }
  const plain = matching.filter((e) => e.marker === undefined)
  if (plain.some((e) => e.key === presented)) return { status: 'known' }
  const sameType = plain.find((e) => e.keyType === presentedType)
  if (sameType) return { status: 'changed', line: sameType.line, keyType: presentedType }
  return { status: 'unknown', otherTypes: [...new Set(plain.map((e) => e.keyType))] }
}

/** Key types recorded for a host, in file order, so the handshake can prefer a key we can verify. */
export function knownKeyTypes(text: string, host: string, port: number): string[] {
  const name = hostKeyName(host, port)
  const types = parseKnownHosts(text).filter((e) => e.marker === undefined && matchesHost(e.patterns, name)).map((e) => e.keyType)
  return [...new Set(types)]
}

/** A known_hosts line recording `blob` for the host; hashed like `ssh-keygen -H` when `hashed`. */
export function knownHostsLine(host: string, port: number, blob: Buffer, hashed = false): string {
  const name = hostKeyName(host, port)
  const field = hashed ? hashName(name, randomBytes(20)) : name
  return `${field} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`
}

/** How a host key is checked: the files, OpenSSH's StrictHostKeyChecking, and tsplay's explicit acceptance. */
export interface HostKeyPolicy {
  readonly hostName: string
  readonly port: number
  readonly knownHostsFiles: readonly string[]
  readonly strictHostKeyChecking: string
  readonly hashKnownHosts: boolean
  /** `--accept-new-host-keys` or `tsplay_accept_new_host_keys=true`. */
  readonly acceptNew: boolean
  readonly log?: ((message: string) => void) | undefined
}

/**
 * Check a presented key against the policy's known_hosts files: undefined when accepted (recording a
 * newly accepted key in the first file), else the refusal message. A changed or revoked key is always refused.
 */
export async function verifyHostKey(policy: HostKeyPolicy, blob: Buffer): Promise<string | undefined> {
  const name = hostKeyName(policy.hostName, policy.port)
  const id = `${keyTypeOf(blob)} key ${fingerprint(blob)}`
  let otherTypes: string[] = []
  for (const file of policy.knownHostsFiles) {
    const verdict = checkHostKey(await readText(file), policy.hostName, policy.port, blob)
    if (verdict.status === 'known') return undefined
    if (verdict.status === 'revoked') return `the host key of ${name} (${id}) is marked @revoked in ${file}:${verdict.line}`
    if (verdict.status === 'changed') return changedMessage(name, id, `${file}:${verdict.line}`)
    otherTypes = [...otherTypes, ...verdict.otherTypes]
  }
  const strict = policy.strictHostKeyChecking
  if (strict === 'no') {
    policy.log?.(`${name}: accepting unknown host key (${id}) without recording it, as StrictHostKeyChecking=no asks`)
    return undefined
  }
  if (strict === 'accept-new' || (policy.acceptNew && strict !== 'yes')) {
    const file = policy.knownHostsFiles[0]!
    if (file !== '/dev/null') {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 })
      await appendFile(file, knownHostsLine(policy.hostName, policy.port, blob, policy.hashKnownHosts), { mode: 0o600 })
    }
    policy.log?.(`${name}: accepted new host key (${id}) and recorded it in ${file}`)
    return undefined
  }
  const others = otherTypes.length > 0 ? ` (keys of other types are known for it: ${[...new Set(otherTypes)].join(', ')})` : ''
  const files = policy.knownHostsFiles.join(', ')
  return `the host key of ${name} is unknown: ${id} is not in ${files}${others}; if it is right, run with --accept-new-host-keys, ` +
    `set tsplay_accept_new_host_keys=true for the host, or record it with 'ssh-keyscan ${policy.port === 22 ? '' : `-p ${policy.port} `}${policy.hostName} >> ${policy.knownHostsFiles[0]}'`
}

function changedMessage(name: string, id: string, where: string): string {
  return [
    `WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}!`,
    `  it presented ${id}, which differs from the key recorded in ${where}.`,
    '  someone could be eavesdropping on you (man-in-the-middle), or the host was reinstalled.',
    `  if the change is expected, remove the old key with 'ssh-keygen -R ${name}' and connect again; tsplay never accepts a changed key`,
  ].join('\n')
}

/** Reads in flight per file: hosts connecting at the same moment share one read (not a cache: later reads are fresh). */
const reading = new Map<string, Promise<string>>()

function readText(file: string): Promise<string> {
  const pending = reading.get(file)
  if (pending) return pending
  const read = readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  }).finally(() => reading.delete(file))
  reading.set(file, read)
  return read
}

function parseKnownHosts(text: string): Entry[] {
  const entries: Entry[] = []
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#')) return
    const fields = line.split(/\s+/)
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined
    const [patterns, keyType, key] = fields
    if (patterns === undefined || keyType === undefined || key === undefined) return
    entries.push({ line: index + 1, marker, patterns, keyType, key })
  })
  return entries
}

function hashName(name: string, salt: Buffer): string {
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
}

function matchesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|')
    if (salt === undefined || hash === undefined) return false
    return hashName(name, Buffer.from(salt, 'base64')) === patterns
  }
  // A negated pattern that matches vetoes the line, whatever else matches (OpenSSH match_hostname).
  let matched = false
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!')
    if (!wildcard(negated ? pattern.slice(1) : pattern, name)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

function wildcard(pattern: string, name: string): boolean {
  const source = pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')
  return new RegExp(`^${source}$`).test(name.toLowerCase())
}
