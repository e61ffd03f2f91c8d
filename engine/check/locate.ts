// Finding the YAML nodes of loaded tasks and plays again, to point at the keyword or value a problem is in.
import { isScalar, visit, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml'
import type { SourceLocation } from '../errors.js'
import { nodeLocation, type SourceFile } from '../yaml/index.js'

const maps = new WeakMap<SourceFile, Map<number, YAMLMap>>()

/** The mapping node that starts at `at` in `src` (a task, block or play as the loader located it). */
export function mapAt(src: SourceFile, at: SourceLocation): YAMLMap | undefined {
  let index = maps.get(src)
  if (index === undefined) {
    const built = new Map<number, YAMLMap>()
    visit(src.doc, { Map: (_key, node) => void (node.range && built.set(node.range[0], node)) })
    maps.set(src, built)
    index = built
  }
  const offset = (src.lines.lineStarts[at.line - 1] ?? 0) + at.col - 1
  return index.get(offset)
}

/** The pair of `key` in a mapping node. */
export const pairIn = (map: YAMLMap | undefined, key: string): Pair | undefined => map?.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair | undefined

/** Where a node is, or `fallback` when there is none. */
export const whereIs = (src: SourceFile, node: unknown, fallback: SourceLocation): SourceLocation => (node && (node as Node).range ? nodeLocation(src, node as Node) : fallback)

/**
 * Where a position inside a scalar's text is in the file: exact for one-line plain and quoted scalars written
 * without escapes; the scalar's start otherwise (block scalars, escapes).
 */
export function insideScalar(src: SourceFile, node: Scalar, line: number, col: number): SourceLocation {
  const start = nodeLocation(src, node)
  if (!node.range || typeof node.value !== 'string' || line !== 1) return start
  const raw = src.text.slice(node.range[0], node.range[1])
  const offset = raw === node.value ? 0 : raw === `"${node.value}"` || raw === `'${node.value}'` ? 1 : undefined
  return offset === undefined ? start : { ...start, col: start.col + offset + col - 1 }
}

/** Every string scalar under `node`, keys left out. */
export function stringScalars(node: unknown): Scalar[] {
  const out: Scalar[] = []
  if (node === null || node === undefined) return out
  if (isScalar(node)) return typeof node.value === 'string' ? [node] : []
  visit(node as Node, { Scalar: (key, scalar) => void (key !== 'key' && typeof scalar.value === 'string' && out.push(scalar)) })
  return out
}
