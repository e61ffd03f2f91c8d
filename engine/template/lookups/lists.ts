import { randomInt } from 'node:crypto'
import { pythonRepr, pythonTruthy } from '../../python/index.js'
import { hooks, LookupError, type LookupPlugin } from './context.js'

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

// LookupBase._flatten: one level
const flattenOnce = (terms: readonly unknown[]): unknown[] => terms.flatMap((t) => (Array.isArray(t) ? t : [t]))

// listify_lookup_plugin_terms on an already templated value: a string or scalar becomes a list of one
const listify = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v])

/** `items`: the terms, lists among them flattened one level. */
export const itemsLookup: LookupPlugin = (terms) => flattenOnce(terms)

/** `list`: the terms as they are. */
export const listLookup: LookupPlugin = (terms) => terms

/** `dict`: `{key, value}` for each entry of each mapping term. */
export const dictLookup: LookupPlugin = (terms) =>
  terms.flatMap((term) => {
    if (!isDict(term)) throw new LookupError('with_dict expects a dict')
    return Object.keys(term).map((key) => ({ key, value: term[key] }))
  })

/** `indexed_items`: `[index, item]` for each item of the terms flattened one level. */
export const indexedItemsLookup: LookupPlugin = (terms) => flattenOnce(terms).map((item, i) => [i, item])

/** `nested`: every combination of one item from each list (the first list varies slowest). */
export const nestedLookup: LookupPlugin = (terms) => {
  if (terms.length === 0) throw new LookupError('with_nested requires at least one element in the nested list')
  const lists = terms.map(listify)
  let result: unknown[] = lists[0]!
  for (const list of lists.slice(1)) result = result.flatMap((x) => list.map((y) => flattenOnce([x, y])))
  return result.map((x) => flattenOnce(listify(x)))
}

/** `together`: the lists side by side (zip), short lists padded with None. */
export const togetherLookup: LookupPlugin = (terms) => {
  if (terms.length === 0) throw new LookupError('with_together requires at least one element in each list')
  const lists = terms.map(listify)
  const n = Math.max(...lists.map((l) => l.length))
  return Array.from({ length: n }, (_, i) => flattenOnce(lists.map((l) => (i < l.length ? l[i] : null))))
}

/** community.general's `flattened`: lists flattened at every depth; a 'None' or 'null' item ends its list. */
export const flattenedLookup: LookupPlugin = (terms) => deepFlatten(terms)

function deepFlatten(terms: readonly unknown[]): unknown[] {
  const out: unknown[] = []
  for (let term of terms) {
    while (Array.isArray(term) && term.length === 1) term = term[0]
    if (term === 'None' || term === 'null') break
    if (Array.isArray(term)) out.push(...deepFlatten(term))
    else out.push(term)
  }
  return out
}

/** `random_choice`: one of the terms, picked at random. */
export const randomChoiceLookup: LookupPlugin = (terms) => (terms.length > 0 ? [terms[randomInt(terms.length)]] : terms)

/** `inventory_hostnames`: hosts matching a host pattern, over the `groups` variable as the inventory. */
export const inventoryHostnamesLookup: LookupPlugin = (terms, _options, ctx) => {
  const groups = ctx.variable('groups')
  if (!isDict(groups)) return []
  try {
    return hooks.hostPattern(terms.map(String), groups as Record<string, string[]>)
  } catch {
    return []
  }
}

// Copy of `item` without the last key of `path` (ansible pops it from the item it yields).
function withoutSubkey(item: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const [key, ...rest] = path
  const copy = { ...item }
  if (rest.length === 0) delete copy[key!]
  else copy[key!] = withoutSubkey(item[key!] as Record<string, unknown>, rest)
  return copy
}

const skipped = (item: Record<string, unknown>): boolean => item['skipped'] !== undefined && item['skipped'] !== false

/** `subelements`: `[item, sub]` for each element of a (dotted) list key of each item; `{skip_missing: true}` skips items without it. */
export const subelementsLookup: LookupPlugin = (terms) => {
  const problem = (msg = ''): LookupError => new LookupError(`subelements lookup expects a list of two or three items, ${msg}`)
  if (terms.length < 2 || terms.length > 3) throw problem()
  const [outer, subkey, flags = {}] = terms
  if (!(Array.isArray(outer) || isDict(outer)) || typeof subkey !== 'string') throw problem('first a dict or a list, second a string pointing to the subkey')
  if (isDict(outer) && skipped(outer)) return []
  if (!isDict(flags) || Object.keys(flags).some((k) => k !== 'skip_missing')) throw problem("the optional third item must be a dict with flags ('skip_missing',)")
  const path = subkey.split('.')
  const skipMissing = pythonTruthy(flags['skip_missing']) && !['no', 'false', 'off', '0', 'n', 'f'].includes(String(flags['skip_missing']).toLowerCase())
  const out: unknown[] = []
  for (const item of Array.isArray(outer) ? outer : Object.values(outer)) {
    if (!isDict(item)) throw new LookupError(`subelements lookup expects a dictionary, got '${pythonRepr(item)}'`)
    if (skipped(item)) continue
    let value: Record<string, unknown> = item
    let sublist: unknown[] = []
    for (const [i, key] of path.entries()) {
      if (!(key in value)) {
        if (skipMissing) continue
        throw new LookupError(`could not find '${key}' key in iterated item '${pythonRepr(value)}'`)
      }
      const next = value[key]
      if (i < path.length - 1) {
        if (!isDict(next)) {
          if (skipMissing) continue
          throw new LookupError(`the key ${key} should point to a dictionary, got '${pythonRepr(next)}'`)
        }
        value = next
      } else {
        if (!Array.isArray(next)) throw new LookupError(`the key ${key} should point to a list, got '${pythonRepr(next)}'`)
        sublist = next
      }
    }
    const rest = sublist.length > 0 ? withoutSubkey(item, path) : item
    for (const sub of sublist) out.push([rest, sub])
  }
  return out
}
