import { createHash, randomInt } from 'node:crypto'
import { TemplateError } from '../errors.js'
import { pythonStr } from '../python/index.js'
import { bindArgs } from './args.js'

// SHA-crypt (Ulrich Drepper's `$5$`/`$6$` scheme, what /etc/shadow holds), as Ansible's
// password_hash filter produces it through passlib: rounds=535000 (sha256) / 656000 (sha512).

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

interface Scheme {
  readonly digest: 'sha256' | 'sha512'
  readonly ident: string
  readonly rounds: number
  /** Byte triples of the final digest, in the order the scheme encodes them, then the tail. */
  readonly order: readonly (readonly [number, number, number])[]
  readonly tail: readonly number[]
}

// From the specification's reference code (b64_from_24bit calls), byte indexes of the final digest.
const SHA512_ORDER = [[0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10], [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41]] as const
const SHA256_ORDER = [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]] as const

const SCHEMES: Record<string, Scheme> = {
  sha512: { digest: 'sha512', ident: '6', rounds: 656000, order: SHA512_ORDER, tail: [63] },
  sha256: { digest: 'sha256', ident: '5', rounds: 535000, order: SHA256_ORDER, tail: [31, 30] },
}

const hash = (digest: string, ...parts: Buffer[]): Buffer => {
  const h = createHash(digest)
  for (const p of parts) h.update(p)
  return h.digest()
}

/** `length` bytes of `source` repeated. */
const repeat = (source: Buffer, length: number): Buffer => Buffer.concat(Array.from({ length: Math.ceil(length / source.length) || 0 }, () => source)).subarray(0, length)

function encode(bytes: Buffer, scheme: Scheme): string {
  let out = ''
  const put = (w: number, n: number): void => {
    for (let i = 0; i < n; i++, w >>= 6) out += ITOA64[w & 0x3f]
  }
  for (const [a, b, c] of scheme.order) put((bytes[a]! << 16) | (bytes[b]! << 8) | bytes[c]!, 4)
  if (scheme.tail.length === 1) put(bytes[scheme.tail[0]!]!, 2)
  else put((bytes[scheme.tail[0]!]! << 8) | bytes[scheme.tail[1]!]!, 3)
  return out
}

/** The crypt(3) string of `password` with this salt and number of rounds. */
export function shaCrypt(kind: 'sha256' | 'sha512', password: string, salt: string, rounds?: number): string {
  const scheme = SCHEMES[kind]!
  const n = Math.min(999999999, Math.max(1000, rounds ?? scheme.rounds))
  const p = Buffer.from(password, 'utf8')
  const s = Buffer.from(salt.slice(0, 16), 'utf8')
  const d = scheme.digest
  const b = hash(d, p, s, p)
  const a = createHash(d).update(p).update(s).update(repeat(b, p.length))
  for (let len = p.length; len > 0; len >>= 1) a.update(len & 1 ? b : p)
  let c = a.digest()
  const pBytes = repeat(hash(d, ...Array.from({ length: p.length }, () => p)), p.length)
  const sBytes = repeat(hash(d, ...Array.from({ length: 16 + c[0]! }, () => s)), s.length)
  for (let i = 0; i < n; i++) {
    const h = createHash(d)
    h.update(i & 1 ? pBytes : c)
    if (i % 3) h.update(sBytes)
    if (i % 7) h.update(pBytes)
    h.update(i & 1 ? c : pBytes)
    c = h.digest()
  }
  const roundsPart = rounds === 5000 ? '' : `rounds=${n}$`
  return `$${scheme.ident}$${roundsPart}${s.toString('utf8')}$${encode(c, scheme)}`
}

/** Ansible's `password_hash(hashtype='sha512', salt=None, rounds=None)` for sha512 and sha256. */
export function passwordHash(value: unknown, ...args: unknown[]): string {
  const [hashtype = 'sha512', salt, , rounds] = bindArgs('password_hash', args, ['hashtype', 'salt', 'salt_size', 'rounds', 'ident'])
  const kind = String(hashtype)
  if (kind !== 'sha512' && kind !== 'sha256') throw new TemplateError(`password_hash: unsupported hash type '${kind}' (tsplay supports sha512 and sha256)`)
  // Like Ansible, no salt means a random one: the hash then changes on every run.
  const useSalt = typeof salt === 'string' ? salt : Array.from({ length: 16 }, () => ITOA64[randomInt(64)]).join('')
  return shaCrypt(kind, pythonStr(value), useSalt, typeof rounds === 'number' ? rounds : undefined)
}
