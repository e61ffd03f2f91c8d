import { parseAllDocuments, parse as parseYaml } from 'yaml'
import { TemplateError } from '../../errors.js'
import { pythonStr } from '../../python/index.js'
import { bindArgs, splitArgs } from '../args.js'
import type { Filter } from './types.js'
import { passwordHash } from '../password.js'
import { pythonRegex, pythonReplacement } from '../regex.js'
import { toPythonJson, toPythonYaml } from '../serialize.js'

function regexReplace(value: unknown, ...args: unknown[]): string {
  const [pattern = '', replacement = '', ignorecase, multiline] = bindArgs('regex_replace', args, ['pattern', 'replacement', 'ignorecase', 'multiline'])
  const re = pythonRegex(pattern, { ignorecase, multiline })
  return pythonStr(value).replace(re, pythonReplacement(replacement) as (...m: unknown[]) => string)
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

// ansible's SIZE_RANGES, largest first.
const UNITS = 'YZEPTGMKB'
const limit = (letter: string): number => 1024 ** (UNITS.length - 1 - UNITS.indexOf(letter))

/** Python's round(): halves go to the even neighbour. */
const roundHalfEven = (x: number): number => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x))

function humanToBytes(value: unknown, ...args: unknown[]): number {
  const [defaultUnit, isbits = false] = bindArgs('human_to_bytes', args, ['default_unit', 'isbits'])
  const text = pythonStr(value)
  const fail = (): never => {
    throw new TemplateError(`human_to_bytes() can't interpret following string: ${text}`)
  }
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text)
  if (!m || !/\d/.test(m[1]!)) fail()
  const num = Number(m![1])
  const unit = m![2] ?? (defaultUnit === undefined || defaultUnit === null ? undefined : pythonStr(defaultUnit))
  if (unit === undefined) return roundHalfEven(num)
  const key = unit[0]!.toUpperCase()
  if (!UNITS.includes(key)) fail()
  const [cls, clsName] = isbits === true ? ['b', 'bit'] : ['B', 'byte']
  if (unit.length > 1 && !unit.toLowerCase().includes(clsName) && unit[1] !== cls) fail()
  return roundHalfEven(num * limit(key))
}

/** Python's '%.2f': like toFixed, but an exact tie rounds to even. */
function fixed2(x: number): string {
  const scaled = x * 100
  return Math.abs(scaled % 1) === 0.5 ? (roundHalfEven(scaled) / 100).toFixed(2) : x.toFixed(2)
}

function humanReadable(value: unknown, ...args: unknown[]): string {
  const [isbits = false, unit] = bindArgs('human_readable', args, ['isbits', 'unit'])
  if (typeof value !== 'number') throw new TemplateError(`human_readable() failed on bad input: '>=' not supported between '${pythonStr(value)}' and a number`)
  const wanted = typeof unit === 'string' ? unit.toUpperCase() : undefined
  const letter = [...UNITS].find((l) => (wanted === undefined ? value >= limit(l) : wanted === l)) ?? 'B'
  const base = isbits === true ? 'bits' : 'Bytes'
  return `${fixed2(value / limit(letter))} ${letter === 'B' ? base : letter + base[0]}`
}

function fromYamlAll(value: unknown): unknown[] {
  if (typeof value !== 'string') return value as unknown[]
  return parseAllDocuments(value, { version: '1.1' }).map((doc) => {
    if (doc.errors.length > 0) throw new TemplateError(`from_yaml_all: ${doc.errors[0]!.message.split('\n')[0]!}`)
    return doc.toJS() as unknown
  })
}

function jsonOptions(what: string, args: unknown[], defaults: { indent?: number; sortKeys: boolean }) {
  const [indent = defaults.indent, sortKeys = defaults.sortKeys, ensureAscii = true, separators] = bindArgs(what, args, ['indent', 'sort_keys', 'ensure_ascii', 'separators'])
  return {
    indent: indent === undefined || indent === null ? undefined : Number(indent),
    sortKeys: sortKeys === true,
    ensureAscii: ensureAscii !== false,
    separators: Array.isArray(separators) ? ([pythonStr(separators[0]), pythonStr(separators[1])] as const) : undefined,
  }
}

function yamlOptions(what: string, args: unknown[], indentDefault: number | undefined) {
  const [indent = indentDefault, sortKeys = true, width = 80, flowStyle] = bindArgs(what, args, ['indent', 'sort_keys', 'width', 'default_flow_style'])
  return { indent: Number(indent ?? 2), sortKeys: sortKeys !== false, width: Number(width), flowStyle }
}

/** Serialization, regex, size and password filters. */
export const DATA_FILTERS: Record<string, Filter> = {
  to_json: (v, ...args) => toPythonJson(v, jsonOptions('to_json', args, { sortKeys: false })),
  to_nice_json: (v, ...args) => toPythonJson(v, { ...jsonOptions('to_nice_json', args, { indent: 4, sortKeys: true }), separators: [',', ': '] }),
  to_yaml: (v, ...args) => {
    const o = yamlOptions('to_yaml', args, undefined)
    return toPythonYaml(v, { ...o, flow: o.flowStyle !== false })
  },
  to_nice_yaml: (v, ...args) => toPythonYaml(v, { ...yamlOptions('to_nice_yaml', args, 4), flow: false }),
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
  from_yaml_all: fromYamlAll,
  regex_replace: regexReplace,
  regex_search: regexSearch,
  regex_findall: regexFindall,
  quote: shellQuote,
  human_to_bytes: humanToBytes,
  human_readable: humanReadable,
  password_hash: passwordHash,
}
