import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node } from 'yaml'

/** The offset (in UTF-16 units) of the first character PyYAML does not accept in a YAML stream, if any. */
export function firstUnprintable(text: string): number | undefined {
  const match = UNPRINTABLE.exec(text)
  return match === null ? undefined : match.index
}

// YAML 1.1 printable: tab, LF, CR, NEL, 0x20-0x7E, 0xA0-0xD7FF, 0xE000-0xFFFD and the astral planes
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u

/** The offset of the first byte of `bytes` that does not start a well-formed UTF-8 character, if any. */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!
    if (b < 0x80) { i++; continue }
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1
    if (need < 0 || i + need >= bytes.length) return i
    for (let k = 1; k <= need; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i
    const second = bytes[i + 1]!
    // overlong forms and UTF-16 surrogates
    if ((b === 0xe0 && second < 0xa0) || (b === 0xed && second > 0x9f) || (b === 0xf0 && second < 0x90) || (b === 0xf4 && second > 0x8f)) return i
    i += need + 1
  }
  return undefined
}

/** Why a parsed document is refused, and the node at fault. */
export interface Refusal {
  readonly node: Node
  readonly detail: string
}

/** Deeper than this, Python's recursion limit stops PyYAML and ansible with a stack trace: tsplay says so. */
export const MAX_DEPTH = 500
/** A file whose aliases expand to more values than this is an alias bomb ("billion laughs"), not a playbook. */
export const MAX_EXPANDED = 100_000

/**
 * Replace every alias of `doc` by a copy of its anchor's node, in place, so that every later reader (`toJSON` on
 * a single node, which cannot see the document's anchors) gets the aliased value. Refuses, with the node at
 * fault, what PyYAML refuses (an undefined alias, `<<:` merging a scalar) and what would exhaust memory or stack
 * (nesting deeper than MAX_DEPTH, aliases expanding past MAX_EXPANDED values).
 */
export function expandAliases(doc: Document.Parsed): Refusal | undefined {
  const anchors = new Map<string, Node>()
  const sizes = new WeakMap<Node, number>()
  let expanded = 0
  class Refused extends Error {
    constructor(readonly refusal: Refusal) { super(refusal.detail) }
  }
  const refuse = (node: Node, detail: string): never => { throw new Refused({ node, detail }) }
  // returns the node to keep in place of `node` (a copy of the anchor for an alias)
  const walk = (node: Node, depth: number): Node => {
    if (depth > MAX_DEPTH) refuse(node, `yaml: nesting deeper than ${MAX_DEPTH} levels`)
    if (isAlias(node)) {
      const target = anchors.get(node.source)
      if (target === undefined) return refuse(node, `yaml syntax error: found undefined alias '${node.source}'`)
      expanded += sizes.get(target) ?? 1
      if (expanded > MAX_EXPANDED) refuse(node, `yaml: aliases expand this file to more than ${MAX_EXPANDED} values (an alias bomb?)`)
      const copy = target.clone() as Node
      delete (copy as { anchor?: string }).anchor
      sizes.set(copy, sizes.get(target) ?? 1)
      return copy
    }
    let size = 1
    if (isMap(node) || isSeq(node)) {
      const items = node.items as unknown[]
      for (let i = 0; i < items.length; i++) {
        const item = items[i]
        if (isPair(item)) {
          if (item.key !== null && typeof item.key === 'object' && 'range' in (item.key as object)) item.key = walk(item.key as Node, depth + 1)
          if (item.value !== null && item.value !== undefined) item.value = walk(item.value as Node, depth + 1)
          size += (item.key ? sizes.get(item.key as Node) ?? 1 : 0) + (item.value ? sizes.get(item.value as Node) ?? 1 : 0)
          if (isScalar(item.key) && (item.key.value === '<<' || (typeof item.key.value === 'symbol' && item.key.value.description === '<<'))) {
            const v = item.value as Node | null
            if (!isMap(v) && !(isSeq(v) && v.items.every((x) => isMap(x)))) refuse(v ?? (item.key as Node), 'yaml syntax error: expected a mapping or list of mappings for merging')
          }
        } else if (item !== null && typeof item === 'object') {
          const kept = walk(item as Node, depth + 1)
          items[i] = kept
          size += sizes.get(kept) ?? 1
        }
      }
    }
    sizes.set(node, size)
    if (node.anchor) anchors.set(node.anchor, node)
    return node
  }
  try {
    if (doc.contents) doc.contents = walk(doc.contents as Node, 0) as typeof doc.contents
  } catch (error) {
    if (error instanceof Refused) return error.refusal
    throw error
  }
  return undefined
}
