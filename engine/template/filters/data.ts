import { createHash } from 'node:crypto'
import { realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { posix } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { TemplateError } from '../../errors.js'
import { pythonStr } from '../../python/index.js'
import { bindArgs, splitArgs } from '../args.js'
import type { Filter } from './types.js'
import { passwordHash } from '../password.js'
import { pythonRegex, pythonReplacement } from '../regex.js'
import { toPythonJson, toPythonYaml } from '../serialize.js'

function regexReplace(value: unknown, ...args: unknown[]): string {
  const [pattern = '', replacement = '', ignorecase, multiline, count = 0] = bindArgs('regex_replace', args, ['pattern', 'replacement', 'ignorecase', 'multiline', 'count'])
  const re = pythonRegex(pattern, { ignorecase, multiline })
  const replace = pythonReplacement(replacement)
  let left = Number(count) > 0 ? Number(count) : Infinity
  return pythonStr(value).replace(re, (...m: unknown[]) => (left-- > 0 ? replace(...(m as [string, ...unknown[]])) : (m[0] as string)))
}

function regexSearch(value: unknown, ...args: unknown[]): unknown {
  const { positional, keywords } = splitArgs(args)
  const [pattern, ...groups] = positional
  const m = pythonRegex(pattern, keywords).exec(pythonStr(value))
  if (!m) return null
  if (groups.length === 0) return m[0]
  return groups.map((g) => {
    const ref = /^\\(?:g<(\w+)>|(\d+))$/.exec(String(g))
    if (!ref) throw new TemplateError(`regex_search: unknown argument ${pythonStr(g)}`)
    return ref[2] !== undefined ? (m[Number(ref[2])] ?? null) : (m.groups?.[ref[1]!] ?? null)
  })
}

function regexFindall(value: unknown, ...args: unknown[]): unknown[] {
  const [pattern, multiline, ignorecase] = bindArgs('regex_findall', args, ['regex', 'multiline', 'ignorecase'])
  const matches = [...pythonStr(value).matchAll(pythonRegex(pattern, { ignorecase, multiline }))]
  return matches.map((m) => (m.length === 1 ? m[0] : m.length === 2 ? (m[1] ?? '') : m.slice(1).map((g) => g ?? '')))
}

/** POSIX shell quoting as Python's shlex.quote. */
export function shellQuote(value: unknown): string {
  const s = pythonStr(value)
  if (s === '') return "''"
  if (/^[\w@%+=:,./-]+$/.test(s)) return s
  return `'${s.replace(/'/g, `'"'"'`)}'`
}

function hash(value: unknown, algorithm: unknown = 'sha1'): string {
  try {
    return createHash(String(algorithm)).update(pythonStr(value)).digest('hex')
  } catch {
    throw new TemplateError(`hash: unsupported hash type '${String(algorithm)}'`)
  }
}

// Ansible's fixed namespace for to_uuid (uuid.uuid5).
const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E'

function uuid5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex')
  const bytes = createHash('sha1').update(Buffer.concat([ns, Buffer.from(name, 'utf8')])).digest().subarray(0, 16)
  bytes[6] = (bytes[6]! & 0x0f) | 0x50
  bytes[8] = (bytes[8]! & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

const UNITS = 'BKMGTPEZY'

function humanToBytes(value: unknown, ...args: unknown[]): number {
  const [defaultUnit, isbits = false] = bindArgs('human_to_bytes', args, ['default_unit', 'isbits'])
  const m = /^\s*(\d*\.?\d+)\s*([KMGTPEZY]?)(i?)([bB]?)(?:ytes?|its?)?\s*$/i.exec(pythonStr(value))
  if (!m) throw new TemplateError(`human_to_bytes() can't interpret following string: ${pythonStr(value)}`)
  const unit = (m[2] || (typeof defaultUnit === 'string' ? defaultUnit[0] : '') || 'B').toUpperCase()
  const power = UNITS.indexOf(unit)
  const letter = m[4] ?? ''
  if (isbits !== true && letter === 'b' && unit !== 'B') throw new TemplateError(`human_to_bytes() failed to convert ${pythonStr(value)}: value is in bits, use isbits=True`)
  return Math.round(Number(m[1]) * 1024 ** Math.max(power, 0))
}

function humanReadable(value: unknown, ...args: unknown[]): string {
  const [isbits = false, unit] = bindArgs('human_readable', args, ['isbits', 'unit'])
  const n = Number(value)
  let power = typeof unit === 'string' ? Math.max(0, UNITS.indexOf(unit[0]!.toUpperCase())) : 0
  if (typeof unit !== 'string') while (power < UNITS.length - 1 && Math.abs(n) >= 1024 ** (power + 1)) power++
  const suffix = isbits === true ? 'b' : 'B'
  const prefix = power === 0 ? '' : UNITS[power]
  return `${(n / 1024 ** power).toFixed(2)} ${prefix}${power === 0 ? (isbits === true ? 'bits' : 'Bytes') : suffix}`
}

function splitext(value: unknown): string[] {
  const p = pythonStr(value)
  const base = posix.basename(p)
  const dot = base.lastIndexOf('.')
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, '']
  const cut = p.length - (base.length - dot)
  return [p.slice(0, cut), p.slice(cut)]
}

function pathJoin(value: unknown): string {
  const parts = (Array.isArray(value) ? value : [value]).map(pythonStr)
  return parts.reduce((acc, part) => (part.startsWith('/') ? part : acc === '' || acc.endsWith('/') ? acc + part : `${acc}/${part}`), '')
}

function b64decode(value: unknown): string {
  return Buffer.from(pythonStr(value), 'base64').toString('utf8')
}

/** Serialization, regex, encoding, path, hash and size filters. */
export const DATA_FILTERS: Record<string, Filter> = {
  to_json: (v, ...args) => {
    const { keywords } = splitArgs(args)
    return toPythonJson(v, { indent: keywords.indent as number | undefined, sortKeys: keywords.sort_keys === true, ensureAscii: keywords.ensure_ascii !== false })
  },
  to_nice_json: (v, ...args) => {
    const [indent = 4, sortKeys = true] = bindArgs('to_nice_json', args, ['indent', 'sort_keys'])
    return toPythonJson(v, { indent: Number(indent), sortKeys: sortKeys === true, ensureAscii: true })
  },
  to_yaml: (v, ...args) => toPythonYaml(v, { indent: Number(splitArgs(args).keywords.indent ?? 2), flow: splitArgs(args).keywords.default_flow_style !== false }),
  to_nice_yaml: (v, ...args) => toPythonYaml(v, { indent: Number(bindArgs('to_nice_yaml', args, ['indent'])[0] ?? 4), flow: false }),
  from_json: (v) => {
    try {
      return JSON.parse(pythonStr(v)) as unknown
    } catch (error) {
      throw new TemplateError(`from_json: ${(error as Error).message}`)
    }
  },
  from_yaml: (v) => {
    if (typeof v !== 'string') return v
    try {
      return parseYaml(v, { version: '1.1' }) as unknown
    } catch (error) {
      throw new TemplateError(`from_yaml: ${(error as Error).message.split('\n')[0]!.replace(/^\w/, (c) => c.toLowerCase())}`)
    }
  },
  from_yaml_all: (v) => pythonStr(v).split(/^---\s*$/m).filter((d) => d.trim() !== '').map((d) => parseYaml(d, { version: '1.1' }) as unknown),
  regex_replace: regexReplace,
  regex_search: regexSearch,
  regex_findall: regexFindall,
  regex_escape: (v) => pythonStr(v).replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`),
  b64encode: (v) => Buffer.from(pythonStr(v), 'utf8').toString('base64'),
  b64decode,
  basename: (v) => posix.basename(pythonStr(v)) === '' || pythonStr(v).endsWith('/') ? '' : posix.basename(pythonStr(v)),
  dirname: (v) => {
    const p = pythonStr(v)
    const i = p.lastIndexOf('/')
    if (i < 0) return ''
    const head = p.slice(0, i + 1)
    return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '')
  },
  splitext,
  path_join: pathJoin,
  realpath: (v) => {
    try {
      return realpathSync(pythonStr(v))
    } catch {
      return posix.resolve(pythonStr(v))
    }
  },
  expanduser: (v) => pythonStr(v).replace(/^~(?=$|\/)/, homedir()),
  quote: shellQuote,
  hash,
  checksum: (v) => hash(v, 'sha1'),
  sha1: (v) => hash(v, 'sha1'),
  md5: (v) => hash(v, 'md5'),
  to_uuid: (v, namespace = ANSIBLE_UUID_NAMESPACE) => uuid5(pythonStr(v), String(namespace)),
  human_to_bytes: humanToBytes,
  human_readable: humanReadable,
  password_hash: passwordHash,
  comment: (v) => `#\n# ${pythonStr(v).split('\n').join('\n# ')}\n#`,
}
