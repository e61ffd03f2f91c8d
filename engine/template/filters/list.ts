import { TemplateError } from '../../errors.js'
import { pythonCompare, pythonEquals, pythonStr, pythonTruthy } from '../../python/index.js'
import { bindArgs, splitArgs } from '../args.js'
import { applyFilter, type Filter } from './types.js'
import { memberLookup } from '../runtime.js'
import { TESTS } from '../tests.js'
import { Undefined, isUndefined, strict } from '../undefined.js'

type Dict = Record<string, unknown>

function seq(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string') return [...value]
  if (value !== null && typeof value === 'object') return Object.keys(value)
  throw new TemplateError(`${what}: expected a list, got ${pythonStr(value)}`)
}

const isDict = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Jinja2's dotted attribute path (`attribute='a.b'`, `'0'` indexes lists). */
function attr(item: unknown, path: unknown): unknown {
  let value = item
  for (const part of String(path).split('.')) value = memberLookup(value, /^\d+$/.test(part) && Array.isArray(value) ? Number(part) : part)
  return value
}

function runTest(name: unknown, value: unknown, args: unknown[]): boolean {
  if (name === undefined) return pythonTruthy(value)
  const test = TESTS[String(name)]
  if (!test) throw new TemplateError(`no test named '${String(name)}'`)
  return test(value, ...args) === true
}

function selecting(keep: boolean): Filter {
  return (value, test, ...args) => seq(value, 'select').filter((x) => runTest(test, x, args) === keep)
}

function selectingAttr(keep: boolean): Filter {
  return (value, name, test, ...args) => seq(value, 'selectattr').filter((x) => runTest(test, attr(x, name), args) === keep)
}

function map(value: unknown, ...args: unknown[]): unknown[] {
  const { positional, keywords } = splitArgs(args)
  const list = seq(value, 'map')
  if (keywords.attribute !== undefined) {
    return list.map((x) => {
      const v = attr(x, keywords.attribute)
      return v instanceof Undefined && 'default' in keywords ? keywords.default : strict(v)
    })
  }
  const [name, ...rest] = positional
  if (typeof name !== 'string') throw new TemplateError('map: give a filter name or attribute=')
  return list.map((x) => strict(applyFilter(name, x, [...rest, ...(Object.keys(keywords).length ? [{ ...keywords, __keywords: true }] : [])])))
}

function sortKey(caseSensitive: unknown, attribute: unknown) {
  return (x: unknown): unknown => {
    const v = attribute === undefined || attribute === null ? x : attr(x, attribute)
    return caseSensitive !== true && typeof v === 'string' ? v.toLowerCase() : v
  }
}

function sort(value: unknown, ...args: unknown[]): unknown[] {
  const [reverse = false, caseSensitive = false, attribute] = bindArgs('sort', args, ['reverse', 'case_sensitive', 'attribute'])
  const attrs = attribute === undefined ? [undefined] : String(attribute).split(',').map((a) => a.trim())
  const keys = attrs.map((a) => sortKey(caseSensitive, a))
  const sorted = [...seq(value, 'sort')].sort((a, b) => {
    for (const key of keys) {
      const c = pythonCompare(key(a), key(b))
      if (c !== 0) return c
    }
    return 0
  })
  return reverse === true ? sorted.reverse() : sorted
}

function unique(value: unknown, ...args: unknown[]): unknown[] {
  const [caseSensitive = true, attribute] = bindArgs('unique', args, ['case_sensitive', 'attribute'])
  const key = sortKey(caseSensitive, attribute)
  const out: unknown[] = []
  const seen: unknown[] = []
  for (const x of seq(value, 'unique')) {
    const k = key(x)
    if (!seen.some((s) => pythonEquals(s, k))) {
      seen.push(k)
      out.push(x)
    }
  }
  return out
}

function flatten(value: unknown, ...args: unknown[]): unknown[] {
  const [levels, skipNulls = true] = bindArgs('flatten', args, ['levels', 'skip_nulls'])
  const depth = typeof levels === 'number' ? levels : Infinity
  const walk = (list: unknown[], level: number): unknown[] =>
    list.flatMap((x) => {
      if (skipNulls === true && (x === null || x === 'None')) return []
      return Array.isArray(x) && level < depth ? walk(x, level + 1) : [x]
    })
  return walk(seq(value, 'flatten'), 0)
}

const contains = (list: unknown[], x: unknown): boolean => list.some((y) => pythonEquals(x, y))

function setOp(op: 'difference' | 'intersect' | 'union' | 'symmetric_difference'): Filter {
  return (a, b) => {
    const left = unique(seq(a, op))
    const right = unique(seq(b, op))
    if (op === 'difference') return left.filter((x) => !contains(right, x))
    if (op === 'intersect') return left.filter((x) => contains(right, x))
    if (op === 'union') return unique([...left, ...right])
    return [...left.filter((x) => !contains(right, x)), ...right.filter((x) => !contains(left, x))]
  }
}

function mergeLists(a: unknown[], b: unknown[], mode: string): unknown[] {
  switch (mode) {
    case 'replace':
      return b
    case 'keep':
      return a
    case 'append':
      return [...a, ...b]
    case 'prepend':
      return [...b, ...a]
    case 'append_rp':
      return [...a.filter((x) => !contains(b, x)), ...b]
    case 'prepend_rp':
      return [...b, ...a.filter((x) => !contains(b, x))]
    default:
      throw new TemplateError(`combine: list_merge must be one of replace, keep, append, prepend, append_rp, prepend_rp, not '${mode}'`)
  }
}

/** Ansible's merge_hash: `b` over `a`, dicts merged deeply when `recursive`, lists as `listMerge` says. */
export function mergeDicts(a: Dict, b: Dict, recursive: boolean, listMerge: string): Dict {
  const out: Dict = { ...a }
  for (const [k, v] of Object.entries(b)) {
    const old = out[k]
    if (recursive && isDict(old) && isDict(v)) out[k] = mergeDicts(old, v, true, listMerge)
    else if (Array.isArray(old) && Array.isArray(v)) out[k] = mergeLists(old, v, listMerge)
    else out[k] = v
  }
  return out
}

function combine(value: unknown, ...args: unknown[]): Dict {
  const { positional, keywords } = splitArgs(args)
  // Ansible flattens the arguments and skips None.
  const dicts = [value, ...positional].flat().filter((d) => d !== null)
  for (const d of dicts) if (!isDict(d)) throw new TemplateError(`combine: expected dicts, got ${pythonStr(d)}`)
  const recursive = keywords.recursive === true
  const listMerge = String(keywords.list_merge ?? 'replace')
  return (dicts as Dict[]).reduce((acc, d) => mergeDicts(acc, d, recursive, listMerge), {})
}

function subelements(value: unknown, ...args: unknown[]): unknown[][] {
  const [path, skipMissing = false] = bindArgs('subelements', args, ['subelements', 'skip_missing'])
  const list = isDict(value) ? Object.values(value) : seq(value, 'subelements')
  const out: unknown[][] = []
  for (const item of list) {
    const sub = attr(item, path)
    if (isUndefined(sub)) {
      if (skipMissing === true || (isDict(skipMissing) && skipMissing.skip_missing === true)) continue
      throw new TemplateError(`subelements: could not find '${String(path)}' key in iterated item ${pythonStr(item)}`)
    }
    if (!Array.isArray(sub)) throw new TemplateError(`subelements: the key '${String(path)}' should point to a list, got ${pythonStr(sub)}`)
    for (const s of sub) out.push([item, s])
  }
  return out
}

function zip(value: unknown, ...lists: unknown[]): unknown[][] {
  const all = [value, ...splitArgs(lists).positional].map((l) => seq(l, 'zip'))
  const n = Math.min(...all.map((l) => l.length))
  return Array.from({ length: n }, (_, i) => all.map((l) => l[i]))
}

function zipLongest(value: unknown, ...lists: unknown[]): unknown[][] {
  const { positional, keywords } = splitArgs(lists)
  const all = [value, ...positional].map((l) => seq(l, 'zip_longest'))
  const n = Math.max(...all.map((l) => l.length))
  return Array.from({ length: n }, (_, i) => all.map((l) => (i < l.length ? l[i] : (keywords.fillvalue ?? null))))
}

function extract(item: unknown, container: unknown, morekeys?: unknown): unknown {
  let value = memberLookup(container, item)
  for (const key of morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys]) value = memberLookup(value, key)
  return value
}

function dict2items(value: unknown, ...args: unknown[]): Dict[] {
  const [keyName = 'key', valueName = 'value'] = bindArgs('dict2items', args, ['key_name', 'value_name'])
  if (!isDict(value)) throw new TemplateError(`dict2items requires a dictionary, got ${pythonStr(value)} instead.`)
  return Object.keys(value).map((k) => ({ [String(keyName)]: k, [String(valueName)]: value[k] }))
}

function items2dict(value: unknown, ...args: unknown[]): Dict {
  const [keyName = 'key', valueName = 'value'] = bindArgs('items2dict', args, ['key_name', 'value_name'])
  const out: Dict = {}
  for (const item of seq(value, 'items2dict')) {
    const key = memberLookup(item, keyName)
    const val = memberLookup(item, valueName)
    if (key instanceof Undefined || val instanceof Undefined) throw new TemplateError(`items2dict requires a list of dictionaries with '${String(keyName)}' and '${String(valueName)}' keys`)
    out[pythonStr(key)] = val
  }
  return out
}

function sum(value: unknown, ...args: unknown[]): unknown {
  const [attribute, start = 0] = bindArgs('sum', args, ['attribute', 'start'])
  return seq(value, 'sum').reduce<unknown>((acc, x) => {
    const v = attribute === undefined ? x : strict(attr(x, attribute))
    if (Array.isArray(acc) && Array.isArray(v)) return [...acc, ...v]
    return Number(acc) + Number(v)
  }, start)
}

function join(value: unknown, ...args: unknown[]): string {
  const [sep = '', attribute] = bindArgs('join', args, ['d', 'attribute'])
  return seq(value, 'join')
    .map((x) => pythonStr(attribute === undefined ? x : attr(x, attribute)))
    .join(pythonStr(sep))
}

function batch(value: unknown, size: unknown, fill?: unknown): unknown[][] {
  const list = seq(value, 'batch')
  const n = Number(size)
  const out: unknown[][] = []
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n))
  const last = out[out.length - 1]
  if (fill !== undefined && last) while (last.length < n) last.push(fill)
  return out
}

function dictsort(value: unknown, ...args: unknown[]): unknown[][] {
  const [caseSensitive = false, by = 'key', reverse = false] = bindArgs('dictsort', args, ['case_sensitive', 'by', 'reverse'])
  if (!isDict(value)) throw new TemplateError('dictsort: expected a dictionary')
  const key = sortKey(caseSensitive, by === 'value' ? 1 : 0)
  const sorted = Object.entries(value).sort((a, b) => pythonCompare(key(a), key(b)))
  return reverse === true ? sorted.reverse() : sorted
}

/** List and dict filters: map/select/sort/combine and friends. */
export const LIST_FILTERS: Record<string, Filter> = {
  map,
  select: selecting(true),
  reject: selecting(false),
  selectattr: selectingAttr(true),
  rejectattr: selectingAttr(false),
  sort,
  unique,
  flatten,
  difference: setOp('difference'),
  intersect: setOp('intersect'),
  union: setOp('union'),
  symmetric_difference: setOp('symmetric_difference'),
  combine,
  subelements,
  zip,
  zip_longest: zipLongest,
  extract: (item, container, morekeys) => extract(item, container, morekeys),
  dict2items,
  items2dict,
  sum,
  join,
  batch: (v, size, fill) => batch(v, size, fill),
  dictsort,
  items: (v) => (isDict(v) ? Object.entries(v) : seq(v, 'items')),
  split: (v, sep, maxsplit) => {
    const s = pythonStr(v)
    if (sep === undefined || sep === null) return s.split(/\s+/).filter((p) => p !== '')
    const parts = s.split(pythonStr(sep))
    return typeof maxsplit === 'number' && maxsplit >= 0 && parts.length > maxsplit + 1 ? [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(pythonStr(sep))] : parts
  },
  dict: (v) => Object.fromEntries(seq(v, 'dict').map((pair) => [pythonStr((pair as unknown[])[0]), (pair as unknown[])[1]])),
}
