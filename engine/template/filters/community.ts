import jmespath from 'jmespath'
import { TemplateError } from '../../errors.js'
import { pythonCompare, pythonRepr, pythonStr } from '../../python/index.js'
import { bindArgs, splitArgs } from '../args.js'
import { compareVersions } from '../version.js'
import { mergeDicts } from './list.js'
import type { Filter } from './types.js'

// community.general's filters that roles reach for most: json_query (the jmespath library, as the
// collection uses), version_sort, lists_mergeby, dict_kv, counter, groupby_as_dict.

type Dict = Record<string, unknown>
const isDict = (v: unknown): v is Dict => v !== null && typeof v === 'object' && !Array.isArray(v)

function jsonQuery(value: unknown, expression: unknown): unknown {
  try {
    return (jmespath.search(value, pythonStr(expression)) as unknown) ?? null
  } catch (error) {
    throw new TemplateError(`JMESPathError in json_query filter plugin: ${(error as Error).message}`)
  }
}

function versionSort(value: unknown, ...args: unknown[]): unknown[] {
  const [reverse = false] = bindArgs('version_sort', args, ['reverse'])
  if (!Array.isArray(value)) throw new TemplateError(`version_sort: expected a list, got ${pythonStr(value)}`)
  const sorted = [...value].sort((a, b) => compareVersions(pythonStr(a), pythonStr(b), 'loose'))
  return reverse === true ? sorted.reverse() : sorted
}

/** Merge two lists of dicts on `index` (later wins), sorted by `index`, as community.general's list_mergeby. */
function mergeTwo(x: unknown[], y: unknown[], index: string, recursive: boolean, listMerge: string): Dict[] {
  const merged = new Map<string, Dict>()
  for (const elem of [...x, ...y]) {
    if (!isDict(elem)) throw new TemplateError(`elements of list arguments for lists_mergeby must be dictionaries, ${pythonRepr(elem)} is not`)
    if (!(index in elem)) continue
    const key = JSON.stringify(elem[index])
    merged.set(key, mergeDicts(merged.get(key) ?? {}, elem, recursive, listMerge))
  }
  return [...merged.values()].sort((a, b) => pythonCompare(a[index], b[index]))
}

function listsMergeby(value: unknown, ...args: unknown[]): unknown {
  const { positional, keywords } = splitArgs(args)
  for (const key of Object.keys(keywords)) {
    if (key !== 'recursive' && key !== 'list_merge') throw new TemplateError("'recursive' and 'list_merge' are the only valid keyword arguments")
  }
  const terms = [value, ...positional]
  if (terms.length < 2) throw new TemplateError('at least one list and index are needed')
  const lists: unknown[][] = []
  for (const sublist of terms.slice(0, -1)) {
    if (!Array.isArray(sublist)) throw new TemplateError(`all arguments before the index for lists_mergeby must be lists, ${pythonRepr(sublist)} is not`)
    if (sublist.length === 0) continue
    // `[list1, list2] | lists_mergeby('name')` passes the lists as one list of lists.
    if (sublist.every((l) => Array.isArray(l) || typeof l === 'string')) lists.push(...(sublist as unknown[][]))
    else lists.push(sublist)
  }
  if (lists.length === 0) return []
  if (lists.length === 1) return lists[0]
  const index = terms[terms.length - 1]
  if (typeof index !== 'string') throw new TemplateError(`the index after the lists for lists_mergeby must be a string, ${pythonRepr(index)} is not`)
  const recursive = keywords.recursive === true
  const listMerge = String(keywords.list_merge ?? 'replace')
  return lists.reduceRight((result, list) => mergeTwo(list, result, index, recursive, listMerge))
}

function counter(value: unknown): Dict {
  if (!Array.isArray(value) && typeof value !== 'string') throw new TemplateError(`argument for community.general.counter must be a sequence (string or list), ${pythonRepr(value)} is not`)
  const out: Dict = {}
  for (const item of typeof value === 'string' ? [...value] : value) {
    if (item !== null && typeof item === 'object') throw new TemplateError('community.general.counter needs a sequence with hashable elements (int, float or str)')
    const key = pythonStr(item)
    out[key] = ((out[key] as number | undefined) ?? 0) + 1
  }
  return out
}

function groupbyAsDict(value: unknown, attribute: unknown): Dict {
  if (!Array.isArray(value)) throw new TemplateError('input is not a sequence')
  const out: Dict = {}
  value.forEach((element, i) => {
    if (!isDict(element)) throw new TemplateError(`sequence element #${i} is not a mapping`)
    if (!(String(attribute) in element)) throw new TemplateError(`attribute not contained in element #${i} of sequence`)
    const key = pythonStr(element[String(attribute)])
    if (key in out) throw new TemplateError(`multiple sequence entries have attribute value ${pythonRepr(element[String(attribute)])}`)
    out[key] = element
  })
  return out
}

/** community.general's json_query, version_sort, lists_mergeby, dict_kv, counter and groupby_as_dict. */
export const COMMUNITY_FILTERS: Record<string, Filter> = {
  json_query: (v, expression) => jsonQuery(v, expression),
  version_sort: versionSort,
  lists_mergeby: listsMergeby,
  dict_kv: (v, key) => ({ [pythonStr(key)]: v }),
  counter,
  groupby_as_dict: (v, attribute) => groupbyAsDict(v, attribute),
}
