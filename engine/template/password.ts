import { createHash, randomInt } from 'node:crypto'
import { encrypt } from 'unixcrypt'
import { TemplateError } from '../errors.js'
import { pythonStr } from '../python/index.js'
import { bindArgs } from './args.js'

// Ansible's password_hash: crypt(3) strings as ansible-core makes them through crypt(3) when passlib is absent. SHA-crypt (`$5$`/`$6$`) comes from the
// unixcrypt library; MD5-crypt (`$1$`) is small enough to write here; bcrypt is not offered.

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

/** The crypt(3) string of `password` with this salt (at most 16 characters used) and number of rounds. */
export function shaCrypt(kind: 'sha256' | 'sha512', password: string, salt: string, rounds?: number): string {
  const ident = kind === 'sha256' ? '5' : '6'
  const n = rounds === undefined ? (kind === 'sha256' ? 535000 : 656000) : Math.min(999999999, Math.max(1000, rounds))
  return encrypt(password, `$${ident}$${n === 5000 ? '' : `rounds=${n}$`}${salt.slice(0, 16)}`)
}

/** Poul-Henning Kamp's MD5-crypt, `$1$salt$hash`. */
export function md5Crypt(password: string, salt: string): string {
  const md5 = (...parts: Buffer[]): Buffer => {
    const h = createHash('md5')
    for (const p of parts) h.update(p)
    return h.digest()
  }
  const p = Buffer.from(password, 'utf8')
  const s = Buffer.from(salt.slice(0, 8), 'utf8')
  const alternate = md5(p, s, p)
  const parts: Buffer[] = [p, Buffer.from('$1$'), s]
  for (let len = p.length; len > 0; len -= 16) parts.push(alternate.subarray(0, Math.min(16, len)))
  for (let len = p.length; len > 0; len >>= 1) parts.push(len & 1 ? Buffer.from([0]) : p.subarray(0, 1))
  let digest = md5(...parts)
  for (let i = 0; i < 1000; i++) {
    const round: Buffer[] = [i & 1 ? p : digest]
    if (i % 3) round.push(s)
    if (i % 7) round.push(p)
    round.push(i & 1 ? digest : p)
    digest = md5(...round)
  }
  let out = ''
  const put = (w: number, n: number): void => {
    for (let i = 0; i < n; i++, w >>= 6) out += ITOA64[w & 0x3f]
  }
  for (const [a, b, c] of [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]] as const) put((digest[a]! << 16) | (digest[b]! << 8) | digest[c]!, 4)
  put(digest[11]!, 2)
  return `$1$${s.toString('utf8')}$${out}`
}

// ansible's short names for passlib's schemes, and each scheme's longest salt.
const SCHEMES: Record<string, { name: string; saltSize: number }> = {
  md5: { name: 'md5_crypt', saltSize: 8 },
  md5_crypt: { name: 'md5_crypt', saltSize: 8 },
  sha256: { name: 'sha256_crypt', saltSize: 16 },
  sha256_crypt: { name: 'sha256_crypt', saltSize: 16 },
  sha512: { name: 'sha512_crypt', saltSize: 16 },
  sha512_crypt: { name: 'sha512_crypt', saltSize: 16 },
}

/** Ansible's `password_hash(hashtype='sha512', salt=None, salt_size=None, rounds=None, ident=None)`. */
export function passwordHash(value: unknown, ...args: unknown[]): string {
  const [hashtype = 'sha512', salt, saltSize, rounds] = bindArgs('password_hash', args, ['hashtype', 'salt', 'salt_size', 'rounds', 'ident'])
  const type = String(hashtype)
  if (type === 'blowfish' || type === 'bcrypt') throw new TemplateError(`password_hash: bcrypt ('${type}') is not supported by tsplay; use sha512`)
  const scheme = SCHEMES[type]
  if (!scheme) throw new TemplateError(`password_hash: passlib does not support '${type}' algorithm`)
  // Like Ansible, no salt means a random one: the hash then changes on every run.
  const size = typeof saltSize === 'number' ? saltSize : scheme.saltSize
  const useSalt = typeof salt === 'string' && salt !== '' ? salt : Array.from({ length: size }, () => ITOA64[randomInt(64)]).join('')
  if (/[^./0-9A-Za-z]/.test(useSalt)) throw new TemplateError('password_hash: invalid characters in salt')
  if (useSalt.length > scheme.saltSize) throw new TemplateError('password_hash: invalid salt size')
  const password = pythonStr(value)
  if (scheme.name === 'md5_crypt') return md5Crypt(password, useSalt)
  // As ansible-core through crypt(3) (no passlib on the controller, as the password lookup): rounds equal to the
  // scheme's implicit ones (656000, 535000) are left out of the salt, so crypt uses and shows its default 5000.
  const implicit = scheme.name === 'sha256_crypt' ? 535000 : 656000
  const n = typeof rounds === 'number' && rounds !== implicit ? rounds : 5000
  return shaCrypt(scheme.name === 'sha256_crypt' ? 'sha256' : 'sha512', password, useSalt, n)
}
