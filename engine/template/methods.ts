import { TemplateError } from '../errors.js'
import { pythonEquals, pythonRepr, pythonStr } from '../python/index.js'
import { bindArgs, splitArgs } from './args.js'
import { hasKey } from './undefined.js'

type Method = (self: never, ...args: unknown[]) => unknown

const WHITESPACE = ' \t\n\r\x0b\x0c'

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = typeof chars === 'string' ? chars : WHITESPACE
  let start = 0
  let end = s.length
  while (left && start < end && set.includes(s[start]!)) start++
  while (right && end > start && set.includes(s[end - 1]!)) end--
  return s.slice(start, end)
}

function split(s: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity
  if (sep === undefined || sep === null) {
    const out: string[] = []
    let rest = s.replace(/^\s+/, '')
    while (rest !== '') {
      if (out.length === limit) return [...out, rest]
      const m = /\s+/.exec(rest)
      if (!m) return [...out, rest]
      out.push(rest.slice(0, m.index))
      rest = rest.slice(m.index + m[0].length)
    }
    return out
  }
  const separator = String(sep)
  if (separator === '') throw new TemplateError('split: empty separator')
  const parts = s.split(separator)
  return parts.length - 1 > limit ? [...parts.slice(0, limit), parts.slice(limit).join(separator)] : parts
}

function rsplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity
  if (limit === Infinity) return split(s, sep, -1)
  const reversed = split([...s].reverse().join(''), typeof sep === 'string' ? [...sep].reverse().join('') : sep, limit)
  return reversed.map((p) => [...p].reverse().join('')).reverse()
}

function affix(s: string, candidates: unknown, test: (s: string, c: string) => boolean): boolean {
  const list = Array.isArray(candidates) ? candidates : [candidates]
  return list.some((c) => test(s, String(c)))
}

/** Python's `str.format` for `{}`, `{0}`, `{name}`, `{0[key]}`-free fields with simple `:spec` (fill, align, width, precision, d/s/f). */
export function pyFormat(template: string, args: readonly unknown[]): string {
  const { positional, keywords } = splitArgs(args)
  let auto = 0
  return template.replace(/\{\{|\}\}|\{([^{}:!]*)(?:![rs])?(?::([^{}]*))?\}/g, (whole, field: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{'
    if (whole === '}}') return '}'
    const name = field ?? ''
    const value = name === '' ? positional[auto++] : /^\d+$/.test(name) ? positional[Number(name)] : keywords[name.split('.')[0]!]
    if (value === undefined) throw new TemplateError(`format: no value for field '{${name}}'`)
    return applySpec(value, spec ?? '')
  })
}

function applySpec(value: unknown, spec: string): string {
  const m = /^(?:(.)?([<>^]))?(0)?(\d+)?(?:\.(\d+))?([sdf%])?$/.exec(spec)
  if (!m) return pythonStr(value)
  const [, fill = ' ', align, zero, width, precision, type] = m
  let text = type === 'f' ? Number(value).toFixed(precision === undefined ? 6 : Number(precision)) : type === 'd' ? String(Math.trunc(Number(value))) : pythonStr(value)
  if (type === '%') text = `${(Number(value) * 100).toFixed(precision === undefined ? 6 : Number(precision))}%`
  const w = width === undefined ? 0 : Number(width)
  if (text.length >= w) return text
  const pad = (zero ? '0' : fill).repeat(w - text.length)
  const how = align ?? (typeof value === 'number' || zero ? '>' : '<')
  if (how === '<') return text + pad
  if (how === '>') return pad + text
  const half = Math.floor(pad.length / 2)
  return pad.slice(0, half) + text + pad.slice(half)
}

/** Python's `format % values`: `%s`, `%d`, `%05.1f`, `%-8s`, `%x`, `%(name)s` with a dict. */
export function percentFormat(format: string, values: unknown): string {
  const named = values !== null && typeof values === 'object' && !Array.isArray(values) ? (values as Record<string, unknown>) : undefined
  const list = named ? [] : Array.isArray(values) ? [...values] : [values]
  return format.replace(/%(?:\((\w+)\))?([-0 +#]*)(\d+)?(?:\.(\d+))?([sdifrxXoeE%])/g, (_, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, type: string) => {
    if (type === '%') return '%'
    const value = key !== undefined && named ? named[key] : list.shift()
    const n = Number(value)
    let text: string
    if (type === 'd' || type === 'i') text = String(Math.trunc(n))
    else if (type === 'f') text = n.toFixed(precision === undefined ? 6 : Number(precision))
    else if (type === 'e' || type === 'E') text = n.toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2')
    else if (type === 'x' || type === 'X') text = Math.trunc(n).toString(16)
    else if (type === 'o') text = Math.trunc(n).toString(8)
    else text = type === 'r' ? pythonRepr(value) : pythonStr(value)
    if (type === 'X' || type === 'E') text = text.toUpperCase()
    if (type === 's' && precision !== undefined) text = text.slice(0, Number(precision))
    if (/[difeE]/.test(type) && flags.includes('+') && n >= 0) text = `+${text}`
    const w = width === undefined ? 0 : Number(width)
    if (text.length >= w) return text
    if (flags.includes('-')) return text.padEnd(w)
    if (flags.includes('0') && type !== 's') return text.startsWith('-') || text.startsWith('+') ? text[0] + text.slice(1).padStart(w - 1, '0') : text.padStart(w, '0')
    return text.padStart(w)
  })
}

const STRING_METHODS: Record<string, Method> = {
  split: (s: string, ...a: unknown[]) => split(s, ...(bindArgs('split', a, ['sep', 'maxsplit']) as [unknown, unknown])),
  rsplit: (s: string, ...a: unknown[]) => rsplit(s, ...(bindArgs('rsplit', a, ['sep', 'maxsplit']) as [unknown, unknown])),
  splitlines: (s: string) => s.split(/\r\n|\r|\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  strip: (s: string, chars?: unknown) => stripChars(s, chars, true, true),
  lstrip: (s: string, chars?: unknown) => stripChars(s, chars, true, false),
  rstrip: (s: string, chars?: unknown) => stripChars(s, chars, false, true),
  startswith: (s: string, p: unknown) => affix(s, p, (x, c) => x.startsWith(c)),
  endswith: (s: string, p: unknown) => affix(s, p, (x, c) => x.endsWith(c)),
  lower: (s: string) => s.toLowerCase(),
  upper: (s: string) => s.toUpperCase(),
  capitalize: (s: string) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s: string) => s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase()),
  replace: (s: string, old: unknown, rep: unknown, count?: unknown) => {
    const parts = s.split(String(old))
    const n = typeof count === 'number' && count >= 0 ? count : parts.length
    return parts.slice(0, n + 1).join(String(rep)) + (parts.length > n + 1 ? String(old) + parts.slice(n + 1).join(String(old)) : '')
  },
  format: (s: string, ...a: unknown[]) => pyFormat(s, a),
  join: (s: string, items: unknown) => (Array.isArray(items) ? items.map(pythonStr).join(s) : [...String(items)].join(s)),
  find: (s: string, sub: unknown) => s.indexOf(String(sub)),
  rfind: (s: string, sub: unknown) => s.lastIndexOf(String(sub)),
  index: (s: string, sub: unknown) => {
    const i = s.indexOf(String(sub))
    if (i < 0) throw new TemplateError('substring not found')
    return i
  },
  count: (s: string, sub: unknown) => s.split(String(sub)).length - 1,
  isdigit: (s: string) => /^\d+$/.test(s),
  isalpha: (s: string) => /^[a-zA-Z]+$/.test(s),
  isalnum: (s: string) => /^[a-zA-Z0-9]+$/.test(s),
  isspace: (s: string) => /^\s+$/.test(s),
  islower: (s: string) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isupper: (s: string) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  zfill: (s: string, w: unknown) => (/^[+-]/.test(s) ? s[0] + s.slice(1).padStart(Number(w) - 1, '0') : s.padStart(Number(w), '0')),
  ljust: (s: string, w: unknown, f?: unknown) => s.padEnd(Number(w), typeof f === 'string' ? f : ' '),
  rjust: (s: string, w: unknown, f?: unknown) => s.padStart(Number(w), typeof f === 'string' ? f : ' '),
  center: (s: string, w: unknown, f?: unknown) => {
    const width = Number(w)
    const pad = Math.max(0, width - s.length)
    // CPython's rule for where the odd space goes.
    const left = Math.floor(pad / 2) + (pad & width & 1)
    const fill = typeof f === 'string' ? f : ' '
    return fill.repeat(left) + s + fill.repeat(pad - left)
  },
  partition: (s: string, sep: unknown) => {
    const i = s.indexOf(String(sep))
    return i < 0 ? [s, '', ''] : [s.slice(0, i), String(sep), s.slice(i + String(sep).length)]
  },
  rpartition: (s: string, sep: unknown) => {
    const i = s.lastIndexOf(String(sep))
    return i < 0 ? ['', '', s] : [s.slice(0, i), String(sep), s.slice(i + String(sep).length)]
  },
  encode: (s: string) => s,
  decode: (s: string) => s,
}

function listIndex(list: unknown[], x: unknown): number {
  const i = list.findIndex((y) => pythonEquals(x, y))
  if (i < 0) throw new TemplateError(`${pythonStr(x)} is not in list`)
  return i
}

const LIST_METHODS: Record<string, Method> = {
  index: (l: unknown[], x: unknown) => listIndex(l, x),
  count: (l: unknown[], x: unknown) => l.filter((y) => pythonEquals(x, y)).length,
  append: (l: unknown[], x: unknown) => void l.push(x),
  extend: (l: unknown[], xs: unknown) => void l.push(...(xs as unknown[])),
  insert: (l: unknown[], i: unknown, x: unknown) => void l.splice(Number(i), 0, x),
  pop: (l: unknown[], i?: unknown) => l.splice(i === undefined ? -1 : Number(i), 1)[0],
  remove: (l: unknown[], x: unknown) => void l.splice(listIndex(l, x), 1),
  copy: (l: unknown[]) => [...l],
}

const has = (d: object, k: unknown): boolean => typeof k === 'string' && hasKey(d, k)

const DICT_METHODS: Record<string, Method> = {
  items: (d: Record<string, unknown>) => Object.keys(d).map((k) => [k, d[k]]),
  keys: (d: Record<string, unknown>) => Object.keys(d),
  values: (d: Record<string, unknown>) => Object.keys(d).map((k) => d[k]),
  get: (d: Record<string, unknown>, k: unknown, fallback: unknown = null) => (has(d, k) ? d[k as string] : fallback),
  copy: (d: Record<string, unknown>) => ({ ...d }),
  update: (d: Record<string, unknown>, other: unknown) => void Object.assign(d, splitArgs([other]).positional[0] ?? {}),
  pop: (d: Record<string, unknown>, k: unknown, fallback?: unknown) => {
    if (!has(d, k)) {
      if (fallback === undefined) throw new TemplateError(`key error: ${pythonStr(k)}`)
      return fallback
    }
    const v = d[k as string]
    delete d[k as string]
    return v
  },
  setdefault: (d: Record<string, unknown>, k: unknown, v: unknown = null) => (has(d, k) ? d[k as string] : (d[String(k)] = v)),
}

/** The Python method `name` of `value` bound to it (`'a b'.split`, `d.items`), or undefined when Python has none. */
export function pythonMethod(value: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  const table = typeof value === 'string' ? STRING_METHODS : Array.isArray(value) ? LIST_METHODS : value !== null && typeof value === 'object' ? DICT_METHODS : undefined
  if (!table || !Object.prototype.hasOwnProperty.call(table, name)) return undefined
  const method = table[name]! as (self: unknown, ...args: unknown[]) => unknown
  return (...args: unknown[]) => method(value, ...args)
}
