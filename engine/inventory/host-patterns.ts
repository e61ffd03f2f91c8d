import { StartError } from '../errors.js'
import { fnmatchRegExp } from '../python/index.js'

/**
 * Ansible's host pattern language over an inventory: `a:b`/`a,b` (union), `&a` (intersection), `!a`
 * (exclusion), wildcards, `~regex`, and subscripts `g[0]`, `g[-1]`, `g[1:]`, `g[0:2]` (inclusive end, as
 * ansible-core 2.14 reads it).
 */

/** What a pattern term can be matched against. */
export interface PatternTarget {
  /** Every host in inventory order. */
  allHosts(): readonly string[]
  /** Hosts of a group (transitively), or undefined when there is no such group. */
  groupHosts(name: string): readonly string[] | undefined
  allGroups(): Iterable<string>
  hasHost(name: string): boolean
}

/** Split a pattern into terms the way Ansible does: on commas if there are any, else on colons outside `[…]`. */
export function splitPattern(pattern: string | readonly string[]): string[] {
  if (typeof pattern !== 'string') return pattern.flatMap((p) => splitPattern(p))
  if (pattern.includes(',')) return pattern.split(',').map((t) => t.trim()).filter((t) => t !== '')
  const terms: string[] = []
  let depth = 0
  let current = ''
  for (const c of pattern) {
    if (c === '[') depth++
    if (c === ']') depth--
    if (c === ':' && depth === 0) {
      terms.push(current)
      current = ''
    } else current += c
  }
  terms.push(current)
  return terms.map((t) => t.trim()).filter((t) => t !== '')
}

/** Hosts matching `pattern`: unions in the order written, then intersections, then exclusions. */
export function matchPattern(target: PatternTarget, pattern: string | readonly string[]): string[] {
  const terms = splitPattern(pattern)
  const plain = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'))
  const result: string[] = []
  const seen = new Set<string>()
  for (const term of plain) {
    for (const host of matchTerm(target, term)) {
      if (!seen.has(host)) {
        seen.add(host)
        result.push(host)
      }
    }
  }
  let hosts = result
  for (const term of terms.filter((t) => t.startsWith('&'))) {
    const keep = new Set(matchTerm(target, term.slice(1)))
    hosts = hosts.filter((h) => keep.has(h))
  }
  for (const term of terms.filter((t) => t.startsWith('!'))) {
    const drop = new Set(matchTerm(target, term.slice(1)))
    hosts = hosts.filter((h) => !drop.has(h))
  }
  return hosts
}

/**
 * The names in `pattern` that match no group and no host, as ansible-core warns of them ("Could not match supplied
 * host pattern, ignoring: NAME"): each term without its `&`/`!` and subscript; a known group matches even when empty.
 */
export function unmatchedTerms(target: PatternTarget, pattern: string | readonly string[]): string[] {
  const names = splitPattern(pattern).map((term) => term.replace(/^[&!]/, '')).map((term) => (term.startsWith('~') ? term : (/^(.+?)\[[-\d:]*\]$/.exec(term)?.[1] ?? term)))
  return [...new Set(names.filter((name) => name !== 'all' && target.groupHosts(name) === undefined && matchName(target, name).length === 0))]
}

function matchTerm(target: PatternTarget, term: string): readonly string[] {
  const subscript = /^(.+?)\[(-?\d+)?(?:(:)(-?\d+)?)?\]$/.exec(term)
  if (subscript && !term.startsWith('~')) {
    const hosts = matchName(target, subscript[1]!)
    const start = subscript[2] === undefined ? 0 : Number(subscript[2])
    const from = start < 0 ? hosts.length + start : start
    if (subscript[3] === undefined) return hosts[from] === undefined ? [] : [hosts[from]!]
    const end = subscript[4] === undefined ? hosts.length - 1 : Number(subscript[4])
    const to = end < 0 ? hosts.length + end : end
    return hosts.slice(from, to + 1)
  }
  return matchName(target, term)
}

function matchName(target: PatternTarget, name: string): readonly string[] {
  if (name === 'all' || name === '*') return target.allHosts()
  const exact = target.groupHosts(name)
  if (exact) return exact
  if (target.hasHost(name)) return [name]
  const regex = name.startsWith('~') ? userRegExp(name) : /[*?[]/.test(name) ? fnmatchRegExp(name) : undefined
  if (!regex) return []
  const hosts = new Set<string>()
  for (const group of target.allGroups()) if (regex.test(group)) for (const h of target.groupHosts(group) ?? []) hosts.add(h)
  for (const host of target.allHosts()) if (regex.test(host)) hosts.add(host)
  // Keep inventory order whatever matched first.
  return target.allHosts().filter((h) => hosts.has(h))
}

function userRegExp(name: string): RegExp {
  try {
    return new RegExp(`^(?:${name.slice(1)})`)
  } catch (error) {
    throw new StartError(`invalid host list pattern: ${name} (${(error as Error).message.replace(/^Invalid regular expression: /, '')})`)
  }
}

/** More hosts than this from one range line is a typo, not an inventory: ansible-core builds them all and hangs. */
export const MAX_RANGE_HOSTS = 100_000

/**
 * Expand inventory host ranges: `web[01:03]` → web01, web02, web03 (leading zeros kept), `db-[a:c]`,
 * strides `[1:10:2]`, several ranges in one name. Throws RangeError for a malformed range.
 */
export function expandHostRange(pattern: string): string[] {
  let count = 1
  for (const [, range] of pattern.matchAll(/\[([^\]]+)\]/g)) {
    const [begin = '', end = '', stride = '1'] = range!.split(':')
    const span = /^\d*$/.test(begin) && /^\d+$/.test(end) ? Number(end) - Number(begin || '0') : end.charCodeAt(0) - begin.charCodeAt(0)
    count *= Math.max(1, Math.floor(span / Math.max(1, Number(stride) || 1)) + 1)
  }
  if (count > MAX_RANGE_HOSTS) throw new RangeError(`host range '${pattern}' makes ${count} hosts, more than the ${MAX_RANGE_HOSTS} tsplay accepts (a typo? ansible-core would try to build them all and hang)`)
  return expandRange(pattern)
}

function expandRange(pattern: string): string[] {
  const m = /^(.*?)\[([^\]]+)\](.*)$/.exec(pattern)
  if (!m) return [pattern]
  const [, head, range, tail] = m as unknown as [string, string, string, string]
  const parts = range.split(':')
  if (parts.length < 2 || parts.length > 3) throw new RangeError(`invalid host range '[${range}]'`)
  const [begin = '', end = '', strideText = '1'] = parts
  const stride = Number(strideText)
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`invalid stride in host range '[${range}]'`)
  const items: string[] = []
  if (/^\d*$/.test(begin) && /^\d+$/.test(end)) {
    const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0
    const from = Number(begin || '0')
    const to = Number(end)
    if (from > to) throw new RangeError(`host range '[${range}]' goes backwards`)
    for (let i = from; i <= to; i += stride) items.push(String(i).padStart(width, '0'))
  } else if (/^[a-zA-Z]$/.test(begin) && /^[a-zA-Z]$/.test(end)) {
    const from = begin.charCodeAt(0)
    const to = end.charCodeAt(0)
    if (from > to) throw new RangeError(`host range '[${range}]' goes backwards`)
    for (let i = from; i <= to; i += stride) items.push(String.fromCharCode(i))
  } else {
    throw new RangeError(`invalid host range '[${range}]'`)
  }
  return items.flatMap((item) => expandRange(`${head}${item}${tail}`))
}
