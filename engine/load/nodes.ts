// Reading the plain values out of YAML mapping nodes, for the play, task and role loaders.
import { isScalar, type Node, type Pair, type YAMLMap } from 'yaml'

/** The plain values of a mapping, keyed by name. */
export function keywordsOf(node: YAMLMap): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const pair of node.items as Pair[]) out[String((pair.key as { value?: unknown } | null)?.value ?? pair.key)] = valueOf(pair)
  return out
}

/** The value node under `key` in a mapping node. */
export const nodeAt = (node: YAMLMap, key: string): Node | null | undefined => pairOf(node, key)?.value as Node | null | undefined
/** The pair under `key` in a mapping node. */
export const pairOf = (node: YAMLMap, key: string): Pair | undefined => (node.items as Pair[]).find((p) => isScalar(p.key) && String(p.key.value) === key)
/** A pair's value as plain data. */
export const valueOf = (pair: Pair): unknown => (isScalar(pair.value) ? pair.value.value : (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null)
/** True for a plain object (a YAML mapping). */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
