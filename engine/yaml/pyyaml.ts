import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node, type Pair, type Tags } from 'yaml'

// ansible-core reads YAML with PyYAML's SafeLoader resolvers (YAML 1.1 as PyYAML implements it, which is not the
// spec's 1.1): the regular expressions below are PyYAML's, tried in its order (bool, float, int, null, timestamp),
// so that `0755` is 493, `0o755` and `1e3` stay strings, `1:30` is 90 and `y`/`n` are not booleans.

const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/
const TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/
const FLOAT = /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/
const NULL = /^(?:~|null|Null|NULL|)$/
const TIMESTAMP = /^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9]{2})?))?)$/

/** Split a sign off a number's text, as PyYAML's constructors do. */
function signed(text: string): [number, string] {
  const clean = text.replace(/_/g, '')
  if (clean.startsWith('-')) return [-1, clean.slice(1)]
  return [1, clean.startsWith('+') ? clean.slice(1) : clean]
}

const sexagesimal = (digits: string, part: (s: string) => number): number => digits.split(':').reduce((sum, d) => sum * 60 + part(d), 0)

/** PyYAML's construct_yaml_int. */
export function pyInt(text: string): number {
  const [sign, v] = signed(text)
  if (v === '0') return 0
  if (v.startsWith('0b')) return sign * parseInt(v.slice(2), 2)
  if (v.startsWith('0x')) return sign * parseInt(v.slice(2), 16)
  if (v.startsWith('0')) return sign * parseInt(v, 8)
  if (v.includes(':')) return sign * sexagesimal(v, Number)
  return sign * Number(v)
}

/** PyYAML's construct_yaml_float. */
export function pyFloat(text: string): number {
  const [sign, v] = signed(text.toLowerCase())
  if (v === '.inf') return sign * Infinity
  if (v === '.nan') return NaN
  if (v.includes(':')) return sign * sexagesimal(v, Number)
  return sign * Number(v)
}

/**
 * A timestamp as the text Python's str() gives the date or datetime PyYAML builds, which is what a template
 * renders it as (`2001-12-14`, `2001-12-14 21:59:43.100000-05:00`): tsplay has no date type.
 */
export function pyTimestamp(text: string): string {
  const m = /^(\d{4})-(\d\d?)-(\d\d?)(?:(?:[Tt]|[ \t]+)(\d\d?):(\d\d):(\d\d)(?:\.(\d*))?(?:[ \t]*(Z|([-+])(\d\d?)(?::(\d\d))?))?)?$/.exec(text)
  if (!m) return text
  const two = (s: string | undefined): string => (s ?? '0').padStart(2, '0')
  const date = `${m[1]}-${two(m[2])}-${two(m[3])}`
  if (m[4] === undefined) return date
  const micro = (m[7] ?? '').slice(0, 6).padEnd(6, '0')
  const time = `${two(m[4])}:${m[5]}:${m[6]}${/^0*$/.test(micro) ? '' : `.${micro}`}`
  const zone = m[8] === undefined ? '' : m[8] === 'Z' ? '+00:00' : `${m[9]}${two(m[10])}:${two(m[11])}`
  return `${date} ${time}${zone}`
}

/** The yaml package's tags with the plain-scalar resolvers replaced by PyYAML's. */
export function pyyamlTags(tags: Tags): Tags {
  const kept = tags.filter((tag) => typeof tag !== 'object' || !('tag' in tag) || !REPLACED.has(tag.tag) || tag.tag === 'tag:yaml.org,2002:str')
  const like = (name: string): object => (tags.find((t) => typeof t === 'object' && 'tag' in t && t.tag === name) as object | undefined) ?? {}
  const scalar = (name: string, test: RegExp, resolve: (s: string) => unknown): Tags[number] =>
    ({ ...like(`tag:yaml.org,2002:${name}`), tag: `tag:yaml.org,2002:${name}`, default: true, test, resolve } as unknown as Tags[number])
  // order as PyYAML tries them; str is the fallback and must not come first in the list of tested tags
  const ours = [
    scalar('bool', BOOL, (s) => TRUE.test(s)),
    scalar('float', FLOAT, pyFloat),
    scalar('int', INT, pyInt),
    scalar('null', NULL, () => null),
    scalar('timestamp', TIMESTAMP, pyTimestamp),
  ]
  // an explicit tag (`!!int "0755"`, `!!float 1`) constructs from any text, as PyYAML does
  const explicit = ours.map((tag) => ({ ...(tag as object), default: false, test: undefined }) as unknown as Tags[number])
  return [...ours, ...explicit, ...kept]
}

const REPLACED = new Set(['bool', 'float', 'int', 'null', 'timestamp'].map((n) => `tag:yaml.org,2002:${n}`))

/** Problems PyYAML's constructor (as ansible extends it) reports but does not stop at. */
export interface Flattened {
  /** Each key given twice, with the mapping it is in (ansible's warning points at the mapping's start). */
  readonly duplicates: ReadonlyArray<{ readonly key: string; readonly node: Node; readonly mapping: Node }>
}

/**
 * Give the document the shape PyYAML's constructor gives the data: aliases replaced by the nodes they name (so a
 * task may be an alias), `<<` merge keys flattened into their mapping (merged pairs first, the mapping's own
 * after), and a key given twice kept once with its last value, as ansible does (it warns; the caller reports
 * `duplicates`). Nodes are shared, not copied: nothing changes a parsed document afterwards.
 */
export function flattenDocument(doc: Document.Parsed): Flattened {
  const duplicates: Array<{ key: string; node: Node; mapping: Node }> = []
  visit(doc, {
    Alias(_, alias) {
      const target = alias.resolve(doc)
      return target ? (target as Node) : undefined
    },
    Map(_, map) {
      const pairs = map.items as Pair[]
      if (!pairs.some((p) => isMergeKey(p.key)) && new Set(pairs.map((p) => keyText(p.key))).size === pairs.length) return undefined
      const merged: Pair[] = []
      for (const pair of pairs) {
        if (!isMergeKey(pair.key)) continue
        const value = deref(pair.value, doc)
        const sources = isSeq(value) ? value.items.map((i) => deref(i, doc)) : [value]
        for (const source of sources.reverse()) if (isMap(source)) merged.push(...(source.items as Pair[]))
      }
      const byKey = new Map<string, Pair>()
      for (const pair of [...merged, ...pairs.filter((p) => !isMergeKey(p.key))]) {
        const key = keyText(pair.key)
        // as a Python dict: the first position, the last value
        if (byKey.has(key)) duplicates.push({ key: String(isScalar(pair.key) ? pair.key.value : key), node: pair.key as Node, mapping: map })
        byKey.set(key, pair)
      }
      map.items = [...byKey.values()]
      return undefined
    },
  })
  return { duplicates }
}

function deref(node: unknown, doc: Document.Parsed): unknown {
  return isAlias(node) ? node.resolve(doc) : node
}

const isMergeKey = (key: unknown): boolean => isScalar(key) && typeof key.value === 'symbol'

function keyText(key: unknown): string {
  if (isScalar(key)) return `${typeof key.value}:${String(key.value)}`
  return `node:${JSON.stringify((key as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null)}`
}
