import { TemplateError } from '../../errors.js'
import { registerFilters, type Filter } from './types.js'
import { pythonCompare, pythonEquals, pythonStr, pythonTruthy, pythonType } from '../../python/index.js'
import { bindArgs, splitArgs } from '../args.js'
import { percentFormat, pythonMethod } from '../methods.js'
import { DATA_FILTERS } from './data.js'
import { ENCODE_FILTERS } from './encode.js'
import { PATH_FILTERS } from './paths.js'
import { JINJA_FILTERS } from './jinja.js'
import { IPADDR_FILTERS } from './ipaddr.js'
import { IPNET_FILTERS } from './ipnet.js'
import { LIST_FILTERS } from './list.js'
import { COMMUNITY_FILTERS } from './community.js'
import { ITERTOOLS_FILTERS } from './itertools.js'
import { RANDOM_FILTERS } from './random.js'
import { Undefined, UndefinedUse, deepStrict } from '../undefined.js'

function toBool(value: unknown): boolean | null {
  if (typeof value === 'boolean' || value === null) return value
  if (typeof value === 'number') return value === 1
  return ['yes', 'on', '1', 'true'].includes(String(value).toLowerCase())
}

function toInt(value: unknown, ...args: unknown[]): number {
  const [fallback = 0, base = 10] = bindArgs('int', args, ['default', 'base'])
  if (typeof value === 'boolean') return Number(value)
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : (fallback as number)
  const text = String(value).trim().replace(/_/g, '')
  const b = Number(base)
  const prefixed = b === 16 ? /^[+-]?(0x)?[0-9a-f]+$/i : b === 8 ? /^[+-]?(0o)?[0-7]+$/i : b === 2 ? /^[+-]?(0b)?[01]+$/i : b === 10 ? /^[+-]?\d+$/ : /^[+-]?[0-9a-z]+$/i
  if (prefixed.test(text)) {
    const negative = text.startsWith('-')
    const digits = text.replace(/^[+-]/, '').replace(/^0[xob]/i, '')
    const n = parseInt(digits, b)
    if (!Number.isNaN(n)) return negative ? -n : n
  }
  if (b === 10 && /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Math.trunc(Number(text))
  return fallback as number
}

function toFloat(value: unknown, fallback: unknown = 0): number {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return Number(value)
  const text = String(value).trim()
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return Number(text)
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  return Number(fallback)
}

function length(value: unknown): number {
  if (typeof value === 'string') return [...value].length
  if (Array.isArray(value)) return value.length
  if (value !== null && typeof value === 'object') return Object.keys(value).length
  throw new TemplateError(`object of type '${pythonType(value)}' has no len()`)
}

function items(value: unknown): unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string') return [...value]
  if (value !== null && typeof value === 'object') return Object.keys(value)
  throw new TemplateError(`'${pythonType(value)}' object is not iterable`)
}

function indent(value: unknown, ...args: unknown[]): string {
  const [width = 4, first = false, blank = false] = bindArgs('indent', args, ['width', 'first', 'blank'])
  const pad = typeof width === 'string' ? width : ' '.repeat(Number(width))
  const text = pythonStr(value)
  const lines = text.split('\n')
  const out = lines.map((line, i) => {
    if (i === 0 && first !== true) return line
    if (line === '' && blank !== true) return line
    return pad + line
  })
  return out.join('\n')
}

function round(value: unknown, ...args: unknown[]): number {
  const [precision = 0, method = 'common'] = bindArgs('round', args, ['precision', 'method'])
  const factor = 10 ** Number(precision)
  const scaled = Number(value) * factor
  // Python 3's round() sends halves to the even neighbour.
  const half = Math.abs(scaled % 1) === 0.5
  const common = half ? 2 * Math.round(scaled / 2) : Math.round(scaled)
  const rounded = method === 'ceil' ? Math.ceil(scaled) : method === 'floor' ? Math.floor(scaled) : common
  return rounded / factor
}

function ternary(value: unknown, yes: unknown, no: unknown, none: unknown = null): unknown {
  if (value === null && none !== null) return none
  return pythonTruthy(value) ? yes : no
}

function defaultFilter(value: unknown, ...args: unknown[]): unknown {
  const [fallback = '', boolean = false] = bindArgs('default', args, ['default_value', 'boolean'])
  if (value instanceof Undefined || value === undefined) return fallback
  if (boolean === true && !pythonTruthy(value)) return fallback
  return value
}

function mandatory(value: unknown, ...args: unknown[]): unknown {
  const [msg] = bindArgs('mandatory', args, ['msg'])
  if (value instanceof Undefined || value === undefined) {
    const name = value instanceof Undefined ? /^'([^']+)' is undefined$/.exec(value.reason)?.[1] : undefined
    throw new UndefinedUse(typeof msg === 'string' ? msg : `mandatory variable ${name ? `'${name}' ` : ''}not defined`)
  }
  return value
}

function formatFilter(value: unknown, ...args: unknown[]): string {
  const { positional, keywords } = splitArgs(args)
  if (positional.length > 0 && Object.keys(keywords).length > 0) throw new TemplateError("format: can't handle positional and keyword arguments at the same time")
  return percentFormat(pythonStr(value), Object.keys(keywords).length > 0 ? keywords : positional)
}

/** A filter that is the Python str method of the same meaning (`| trim` is `.strip()`). */
function stringMethod(name: string): Filter {
  return (value, ...args) => pythonMethod(pythonStr(value), name)!(...args)
}

const CORE_FILTERS: Record<string, Filter> = {
  bool: toBool,
  int: toInt,
  float: (v, fallback) => toFloat(v, fallback),
  string: (v) => pythonStr(v),
  lower: (v) => pythonStr(v).toLowerCase(),
  upper: (v) => pythonStr(v).toUpperCase(),
  capitalize: stringMethod('capitalize'),
  title: stringMethod('title'),
  trim: stringMethod('strip'),
  length,
  count: length,
  wordcount: (v) => (pythonStr(v).match(/\w+/g) ?? []).length,
  center: (v, width = 80) => stringMethod('center')(v, width),
  first: (v) => {
    const list = items(v)
    return list.length > 0 ? list[0] : new Undefined('no first item, sequence was empty')
  },
  last: (v) => {
    const list = items(v)
    return list.length > 0 ? list[list.length - 1] : new Undefined('no last item, sequence was empty')
  },
  list: (v) => [...items(v)],
  reverse: (v) => (typeof v === 'string' ? [...v].reverse().join('') : [...items(v)].reverse()),
  indent,
  replace: stringMethod('replace'),
  abs: (v) => Math.abs(Number(v)),
  round,
  ternary: (v, ...args) => ternary(v, ...(bindArgs('ternary', args, ['true_val', 'false_val', 'none_val']) as [unknown, unknown, unknown])),
  format: formatFilter,
  type_debug: (v) => pythonType(v),
  safe: (v) => v,
  e: (v) => v,
  escape: (v) => pythonStr(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  equalto: (a, b) => pythonEquals(a, b),
  max: (v, ...args) => extreme(v, args, 1),
  min: (v, ...args) => extreme(v, args, -1),
}

function extreme(value: unknown, args: unknown[], sign: number): unknown {
  const [caseSensitive = false, attribute] = bindArgs(sign > 0 ? 'max' : 'min', args, ['case_sensitive', 'attribute'])
  const list = items(value)
  if (list.length === 0) return new Undefined(`no ${sign > 0 ? 'largest' : 'smallest'} item, sequence was empty`)
  const key = (x: unknown): unknown => {
    const v = attribute === undefined ? x : (x as Record<string, unknown>)[String(attribute)]
    return caseSensitive !== true && typeof v === 'string' ? v.toLowerCase() : v
  }
  return list.reduce((best, x) => (pythonCompare(key(x), key(best)) * sign > 0 ? x : best))
}

// Filters that accept an undefined input; every other filter fails on one, as Jinja2's StrictUndefined does.
const LENIENT: Record<string, Filter> = { default: defaultFilter, d: defaultFilter, mandatory }

function strictFilter(name: string, filter: Filter): Filter {
  return function (this: unknown, value: unknown, ...args: unknown[]) {
    if (value instanceof Undefined) throw new UndefinedUse(value.reason)
    for (const arg of args) if (arg instanceof Undefined) throw new UndefinedUse(arg.reason)
    try {
      return filter.call(this, value, ...args)
    } catch (error) {
      if (error instanceof UndefinedUse || (error instanceof TemplateError && error.message.startsWith(`${name}:`))) throw error
      if (error instanceof Error) throw new TemplateError(`${name}: ${error.message}`, { cause: error })
      throw error
    }
  }
}

// Ansible's STRING_TYPE_FILTERS: their text is never read back as a list/dict/bool ('[1]' stays a string).
const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml'])

/** Texts made by string-type filters during the current render; template.ts owns its lifetime. */
export const stringTypeResults = { current: new Set<string>() }

function remembered(filter: Filter): Filter {
  return function (this: unknown, value: unknown, ...args: unknown[]) {
    const out = filter.call(this, deepStrict(value), ...args)
    if (typeof out === 'string') stringTypeResults.current.add(out)
    return out
  }
}

/** Every filter templates can use, by name. */
export const FILTERS: Record<string, Filter> = {
  ...LENIENT,
  ...Object.fromEntries(
    Object.entries({ ...CORE_FILTERS, ...LIST_FILTERS, ...DATA_FILTERS, ...ENCODE_FILTERS, ...PATH_FILTERS, ...JINJA_FILTERS, ...IPADDR_FILTERS, ...IPNET_FILTERS, ...COMMUNITY_FILTERS, ...ITERTOOLS_FILTERS, ...RANDOM_FILTERS }).map(([name, f]) => {
      const checked = strictFilter(name, f)
      return [name, STRING_TYPE_FILTERS.has(name) ? remembered(checked) : checked]
    }),
  ),
}

registerFilters(FILTERS)
