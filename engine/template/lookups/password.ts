import { randomInt } from 'node:crypto'
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { dirname } from 'node:path'
import { shaCrypt } from '../password.js'
import { LookupError, option, termText, type LookupPlugin } from './context.js'
import { parseKv } from './kv.js'
import { dwim } from './search.js'

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
const DIGITS = '0123456789'
// Python's string module constants, which `chars=` may name
const CHAR_SETS: Record<string, string> = {
  ascii_letters: LETTERS,
  ascii_lowercase: LETTERS.slice(0, 26),
  ascii_uppercase: LETTERS.slice(26),
  digits: DIGITS,
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  printable: `${DIGITS}${LETTERS}!"#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~ \t\n\r\x0b\x0c`,
  whitespace: ' \t\n\r\x0b\x0c',
}
const DEFAULT_CHARS = ['ascii_letters', 'digits', '.,:-_']
const VALID = new Set(['length', 'encrypt', 'chars', 'ident', 'seed'])
// Hashes tsplay computes itself; md5_crypt and bcrypt need a crypt library
const HASHES: Record<string, 'sha256' | 'sha512'> = { sha256_crypt: 'sha256', sha512_crypt: 'sha512' }

const random = (length: number, chars: string): string => Array.from({ length }, () => chars[randomInt(chars.length)]).join('')

function parseTerm(term: string): { path: string; params: Record<string, string> } {
  const space = term.indexOf(' ')
  if (space < 0) return { path: term, params: {} }
  let path = term.slice(0, space)
  const params = parseKv(term.slice(space + 1))
  if (params['_raw_params'] !== undefined) {
    // a path with spaces in it
    path = `${path} ${params['_raw_params']}`
    delete params['_raw_params']
    if (!term.startsWith(path)) throw new LookupError('Unrecognized value after key=value parameters given to password lookup')
  }
  const invalid = Object.keys(params).filter((k) => !VALID.has(k))
  if (invalid.length > 0) throw new LookupError(`Unrecognized parameter(s) given to password lookup: ${invalid.join(', ')}`)
  return { path, params }
}

function candidateChars(spec: unknown): string {
  let specs: string[]
  if (typeof spec === 'string') {
    specs = spec.includes(',,') ? [','] : []
    specs.push(...spec.replaceAll(',,', ',').split(',').filter((c) => c !== ''))
  } else specs = Array.isArray(spec) ? spec.map(String) : DEFAULT_CHARS
  return specs.map((s) => CHAR_SETS[s] ?? s).join('').replace(/["']/g, '')
}

// The file holds `password[ salt=SALT[ ident=IDENT]]`
function parseContent(content: string): { password: string; salt?: string; ident?: string } {
  const at = content.lastIndexOf(' salt=')
  if (at < 0) return { password: content }
  const rest = content.slice(at + 6)
  const identAt = rest.lastIndexOf(' ident=')
  const password = content.slice(0, at)
  if (rest === '') return { password }
  return identAt < 0 ? { password, salt: rest } : { password, salt: rest.slice(0, identAt), ident: rest.slice(identAt + 7) }
}

function writePasswordFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  writeFileSync(path, `${content}\n`, { mode: 0o600 })
  chmodSync(path, 0o600)
}

// ansible's lock file next to the password file, so parallel hosts generate one password
function withLock<T>(path: string, body: () => T): T {
  const lock = `${dirname(path)}/${createHash('sha1').update(path).digest('hex')}.ansible_lockfile`
  let mine = false
  if (path !== '/dev/null' && !existsSync(lock)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    try {
      closeSync(openSync(lock, 'wx'))
      mine = true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  if (!mine && existsSync(lock)) throw new LookupError(`Password lookup cannot get the lock, abort: you can remove it from the controller at ${lock} and try again`)
  try {
    return body()
  } finally {
    if (mine) rmSync(lock, { force: true })
  }
}

/**
 * `password`: the password kept in a file on the controller (relative to the playbook), generated on first use
 * (`length=20`, `chars=ascii_letters,digits,.,:-_`); `encrypt=sha512_crypt|sha256_crypt` returns its hash and keeps the salt in the file.
 */
export const passwordLookup: LookupPlugin = (terms, options, ctx) =>
  terms.map((term) => {
    const { path: relpath, params } = parseTerm(termText(term, 'password'))
    const length = Number(params['length'] ?? option(options, 'length', 20))
    const encrypt = (params['encrypt'] ?? option(options, 'encrypt', null)) as string | null
    const chars = candidateChars(params['chars'] ?? option(options, 'chars', DEFAULT_CHARS))
    if (params['seed'] !== undefined || option(options, 'seed', null) !== null) throw new LookupError('password: seed= needs Python\'s random generator, which tsplay does not have')
    if (!Number.isInteger(length)) throw new LookupError(`password: invalid length ${String(length)}`)
    if (encrypt && HASHES[encrypt] === undefined) throw new LookupError(`password: encrypt=${encrypt} needs a crypt library (tsplay computes sha256_crypt and sha512_crypt)`)
    const path = dwim(ctx, relpath)
    const { password, salt } = withLock(path, () => {
      const existing = path !== '/dev/null' && existsSync(path) ? readFileSync(path, 'utf8').replace(/\s+$/, '') : undefined
      let changed = existing === undefined
      const parsed = existing === undefined ? { password: random(length, chars) } : parseContent(existing)
      let salt = parsed.salt
      if (encrypt && !salt) {
        salt = random(16, `${LETTERS}${DIGITS}./`)
        changed = true
      }
      if (changed && path !== '/dev/null') writePasswordFile(path, encrypt || salt ? `${parsed.password} salt=${salt}` : parsed.password)
      return { password: parsed.password, salt }
    })
    // ansible without passlib hashes through crypt(3): 5000 rounds, not shown (passlib would use 656000/535000 and show them)
    return encrypt ? shaCrypt(HASHES[encrypt]!, password, salt!, 5000) : password
  })
