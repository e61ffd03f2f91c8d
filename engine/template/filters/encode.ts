import { createHash } from 'node:crypto'
import { TemplateError } from '../../errors.js'
import { pythonStr } from '../../python/index.js'
import { bindArgs } from '../args.js'
import type { Filter } from './types.js'

// Hashes, UUIDs, base64 and text decoration, as ansible's core filters compute them.

// Python's hashlib names where node's differ.
const HASH_NAMES: Record<string, string> = { blake2b: 'blake2b512', blake2s: 'blake2s256', sha3_224: 'sha3-224', sha3_256: 'sha3-256', sha3_384: 'sha3-384', sha3_512: 'sha3-512' }

function hash(value: unknown, ...args: unknown[]): string {
  const [algorithm = 'sha1'] = bindArgs('hash', args, ['hashtype'])
  const name = String(algorithm).toLowerCase()
  try {
    return createHash(HASH_NAMES[name] ?? name).update(pythonStr(value), 'utf8').digest('hex')
  } catch {
    throw new TemplateError(`hash: unsupported hash type ${String(algorithm)}`)
  }
}

// Ansible's fixed namespace for to_uuid (uuid.uuid5).
const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E'

function toUuid(value: unknown, ...args: unknown[]): string {
  const [namespace = ANSIBLE_UUID_NAMESPACE] = bindArgs('to_uuid', args, ['namespace'])
  const hex = pythonStr(namespace).replace(/^urn:uuid:/i, '').replace(/[{}-]/g, '')
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TemplateError(`Invalid value '${pythonStr(namespace)}' for 'namespace': badly formed hexadecimal UUID string`)
  const bytes = createHash('sha1').update(Buffer.concat([Buffer.from(hex, 'hex'), Buffer.from(pythonStr(value), 'utf8')])).digest().subarray(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x50
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const out = bytes.toString('hex')
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`
}

/** Node's name for a Python codec name (`utf-16-le`, `latin-1`, ...). */
function encoding(name: unknown): BufferEncoding {
  const n = pythonStr(name).toLowerCase().replace(/_/g, '-')
  if (/^utf-?8$/.test(n)) return 'utf8'
  if (/^utf-?16-?le$/.test(n)) return 'utf16le'
  if (/^(latin-?1|iso-?8859-1|l1)$/.test(n)) return 'latin1'
  if (n === 'ascii' || n === 'us-ascii') return 'ascii'
  throw new TemplateError(`unknown encoding: ${pythonStr(name)}`)
}

function b64encode(value: unknown, ...args: unknown[]): string {
  const [codec = 'utf-8'] = bindArgs('b64encode', args, ['encoding'])
  return Buffer.from(pythonStr(value), encoding(codec)).toString('base64')
}

function b64decode(value: unknown, ...args: unknown[]): string {
  const [codec = 'utf-8'] = bindArgs('b64decode', args, ['encoding'])
  return Buffer.from(pythonStr(value), 'base64').toString(encoding(codec))
}

function regexEscape(value: unknown, ...args: unknown[]): string {
  const [type = 'python'] = bindArgs('regex_escape', args, ['re_type'])
  const text = pythonStr(value)
  // Python 3.7+'s re.escape escapes only the characters that mean something in a pattern.
  if (type === 'python') return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`)
  if (type === 'posix_basic') return text.replace(/[\].[^$*\\]/g, (c) => `\\${c}`)
  if (type === 'posix_extended') throw new TemplateError(`Regex type (${String(type)}) not yet implemented`)
  throw new TemplateError(`Invalid regex type (${String(type)})`)
}

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
}

function comment(value: unknown, ...args: unknown[]): string {
  const [style = 'plain', ...rest] = bindArgs('comment', args, ['style', 'newline', 'beginning', 'prefix', 'prefix_count', 'decoration', 'postfix', 'postfix_count', 'end'])
  const given = ['newline', 'beginning', 'prefix', 'prefix_count', 'decoration', 'postfix', 'postfix_count', 'end'].map((k, i) => [k, rest[i]] as const).filter(([, v]) => v !== undefined)
  const styleParams = COMMENT_STYLES[String(style)]
  if (!styleParams) throw new TemplateError(`comment: unknown comment style '${String(style)}'`)
  const kw = Object.fromEntries(given)
  const around = String(kw.decoration ?? styleParams.decoration).trimEnd()
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: around, prefix_count: 1, decoration: '', postfix: around, postfix_count: 1, end: '', ...styleParams, ...kw }
  const nl = String(p.newline)
  const decoration = String(p.decoration)
  const beginning = p.beginning ? `${String(p.beginning)}${nl}` : ''
  const prefix = p.prefix ? (p.prefix !== nl ? `${String(p.prefix)}${nl}` : nl).repeat(Number(p.prefix_count)) : ''
  const text = `${decoration}${pythonStr(value).split(nl).join(`${nl}${decoration}`)}`.split(`${decoration}${nl}`).join(`${decoration.trimEnd()}${nl}`)
  const postfix = ['', ...Array<string>(Number(p.postfix_count)).fill(String(p.postfix))].join(nl)
  const end = p.end ? `${nl}${String(p.end)}` : ''
  return beginning + prefix + text + postfix + end
}

/** hash, checksum, md5, sha1, to_uuid, b64encode, b64decode, regex_escape and comment. */
export const ENCODE_FILTERS: Record<string, Filter> = {
  hash,
  checksum: (v) => hash(v, 'sha1'),
  sha1: (v) => hash(v, 'sha1'),
  md5: (v) => hash(v, 'md5'),
  to_uuid: toUuid,
  b64encode,
  b64decode,
  regex_escape: regexEscape,
  comment,
}
