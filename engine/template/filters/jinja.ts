import { TemplateError } from '../../errors.js'
import { pythonCompare, pythonStr } from '../../python/index.js'
import { bindArgs } from '../args.js'
import type { Filter } from './types.js'
import { memberLookup } from '../runtime.js'
import { toPythonJson } from '../serialize.js'
import { Undefined } from '../undefined.js'

function list(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string') return [...value]
  throw new TemplateError(`${what}: expected a list, got ${pythonStr(value)}`)
}

function groupby(value: unknown, ...args: unknown[]): unknown[][] {
  const [attribute, fallback] = bindArgs('groupby', args, ['attribute', 'default'])
  const key = (x: unknown): unknown => {
    let v: unknown = x
    for (const part of String(attribute).split('.')) v = memberLookup(v, /^\d+$/.test(part) && Array.isArray(v) ? Number(part) : part)
    return v instanceof Undefined ? fallback : v
  }
  const sorted = [...list(value, 'groupby')].sort((a, b) => pythonCompare(key(a), key(b)))
  const groups: unknown[][] = []
  for (const item of sorted) {
    const last = groups[groups.length - 1]
    if (last && pythonCompare(last[0], key(item)) === 0) (last[1] as unknown[]).push(item)
    else groups.push([key(item), [item]])
  }
  return groups
}

function slice(value: unknown, count: unknown, fill?: unknown): unknown[][] {
  const items = list(value, 'slice')
  const n = Number(count)
  const per = Math.floor(items.length / n)
  const extra = items.length % n
  const out: unknown[][] = []
  let offset = 0
  for (let i = 0; i < n; i++) {
    const size = per + (i < extra ? 1 : 0)
    const part = items.slice(offset, offset + size)
    offset += size
    if (fill !== undefined && i >= extra && extra > 0) part.push(fill)
    out.push(part)
  }
  return out
}

function truncate(value: unknown, ...args: unknown[]): string {
  const [length = 255, killwords = false, end = '...', leeway = 5] = bindArgs('truncate', args, ['length', 'killwords', 'end', 'leeway'])
  const s = pythonStr(value)
  const max = Number(length)
  if (s.length <= max + Number(leeway)) return s
  const cut = s.slice(0, max - String(end).length)
  if (killwords === true) return cut + String(end)
  const space = cut.lastIndexOf(' ')
  return (space < 0 ? cut : cut.slice(0, space)) + String(end)
}

// Python's urllib quote() keeps these; Jinja2's urlencode quotes everything else (space as %20).
const quote = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%2F/g, '/')

function urlencode(value: unknown): string {
  if (value !== null && typeof value === 'object') {
    const pairs = Array.isArray(value) ? (value as unknown[][]) : Object.entries(value)
    return pairs.map(([k, v]) => `${quote(pythonStr(k)).replace(/%20/g, '+')}=${quote(pythonStr(v)).replace(/%20/g, '+')}`).join('&')
  }
  return quote(pythonStr(value))
}

function filesizeformat(value: unknown, binary: unknown = false): string {
  const bytes = Number(value)
  const base = binary === true ? 1024 : 1000
  const prefixes = binary === true ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB']
  if (bytes === 1) return '1 Byte'
  if (bytes < base) return `${bytes} Bytes`
  let unit = 0
  while (unit < prefixes.length - 1 && bytes >= base ** (unit + 2)) unit++
  return `${(bytes / base ** (unit + 1)).toFixed(1)} ${prefixes[unit]}`
}

function urlsplit(value: unknown, query?: unknown): unknown {
  let url: URL
  try {
    url = new URL(pythonStr(value))
  } catch {
    throw new TemplateError(`urlsplit: cannot parse ${pythonStr(value)}`)
  }
  const parts: Record<string, unknown> = {
    scheme: url.protocol.replace(/:$/, ''),
    netloc: url.host ? `${url.username ? `${url.username}${url.password ? `:${url.password}` : ''}@` : ''}${url.host}` : '',
    path: url.pathname,
    query: url.search.replace(/^\?/, ''),
    fragment: url.hash.replace(/^#/, ''),
    username: url.username || null,
    password: url.password || null,
    hostname: url.hostname || null,
    port: url.port ? Number(url.port) : null,
  }
  if (query === undefined) return parts
  if (!(String(query) in parts)) throw new TemplateError(`urlsplit: unknown URL component: ${String(query)}`)
  return parts[String(query)]
}

/** Jinja2's and Ansible's less common filters: groupby, slice, truncate, urlencode, math, urlsplit. */
export const JINJA_FILTERS: Record<string, Filter> = {
  groupby,
  slice: (v, count, fill) => slice(v, count, fill),
  truncate,
  urlencode: (v) => urlencode(v),
  filesizeformat: (v, binary) => filesizeformat(v, binary),
  urlsplit: (v, q) => urlsplit(v, q),
  tojson: (v, indent) => toPythonJson(v, { indent: typeof indent === 'number' ? indent : undefined, sortKeys: true, ensureAscii: true }),
  log: (v, base) => (base === undefined ? Math.log(Number(v)) : Math.log(Number(v)) / Math.log(Number(base))),
  pow: (v, exponent) => Number(v) ** Number(exponent),
  root: (v, degree = 2) => (Number(degree) === 2 ? Math.sqrt(Number(v)) : Number(v) ** (1 / Number(degree))),
  attr: (v, name) => memberLookup(v, name),
}
