import { TemplateError } from '../../errors.js'
import { pythonStr } from '../../python/index.js'
import { bindArgs, splitArgs } from '../args.js'
import type { Filter } from './types.js'

// Python's itertools as ansible exposes them: results in itertools' own order.

function items(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string') return [...value]
  if (value !== null && typeof value === 'object') return Object.keys(value)
  throw new TemplateError(`${what}: '${pythonStr(value)}' is not iterable`)
}

function product(value: unknown, ...args: unknown[]): unknown[][] {
  const { positional, keywords } = splitArgs(args)
  const repeat = keywords.repeat === undefined ? 1 : Number(keywords.repeat)
  const pools = [value, ...positional].map((l) => items(l, 'product'))
  const all = Array.from({ length: repeat }, () => pools).flat()
  return all.reduce<unknown[][]>((acc, pool) => acc.flatMap((prefix) => pool.map((x) => [...prefix, x])), [[]])
}

/** Index tuples of itertools.permutations(range(n), r), in its order. */
function permutationIndexes(n: number, r: number): number[][] {
  if (r > n) return []
  const out: number[][] = []
  const walk = (prefix: number[]): void => {
    if (prefix.length === r) out.push(prefix)
    else for (let i = 0; i < n; i++) if (!prefix.includes(i)) walk([...prefix, i])
  }
  walk([])
  return out
}

function combinationIndexes(n: number, r: number): number[][] {
  const out: number[][] = []
  const walk = (prefix: number[], from: number): void => {
    if (prefix.length === r) out.push(prefix)
    else for (let i = from; i < n; i++) walk([...prefix, i], i + 1)
  }
  if (r <= n) walk([], 0)
  return out
}

function permutations(value: unknown, ...args: unknown[]): unknown[][] {
  const [r] = bindArgs('permutations', args, ['r'])
  const pool = items(value, 'permutations')
  return permutationIndexes(pool.length, r === undefined || r === null ? pool.length : Number(r)).map((ix) => ix.map((i) => pool[i]))
}

function combinations(value: unknown, ...args: unknown[]): unknown[][] {
  const [r] = bindArgs('combinations', args, ['r'])
  if (r === undefined) throw new TemplateError("combinations: missing required argument 'r'")
  const pool = items(value, 'combinations')
  return combinationIndexes(pool.length, Number(r)).map((ix) => ix.map((i) => pool[i]))
}

/** `product`, `permutations` and `combinations` (ansible's wrappers of itertools). */
export const ITERTOOLS_FILTERS: Record<string, Filter> = { product, permutations, combinations }
