import { isMap, isScalar, type Node, type YAMLMap } from 'yaml'
import { expandHostRange } from './host-patterns.js'
import type { InventoryBuilder } from './model.js'
import { errorAt, nodeLocation, type SourceFile } from '../yaml/index.js'

const GROUP_KEYS = new Set(['hosts', 'vars', 'children'])

/**
 * Read a YAML inventory (`all: {hosts: …, vars: …, children: {group: {…}}}`) into `builder`. Every top-level
 * key is a group; host names may use ranges; a misspelt group key is an error at the key.
 */
export function parseYamlInventory(src: SourceFile, builder: InventoryBuilder): void {
  const root = src.doc.contents
  if (root === null) return
  if (!isMap(root)) throw errorAt(src, nodeLocation(src, root as Node), 'inventory must be a mapping of group names')
  for (const pair of root.items) readGroup(src, builder, pair.key as Node, pair.value as Node | null, undefined)
}

function readGroup(src: SourceFile, builder: InventoryBuilder, keyNode: Node, body: Node | null, parent: string | undefined): void {
  const name = scalarText(src, keyNode)
  const at = nodeLocation(src, keyNode)
  builder.group(name, at)
  if (parent !== undefined) builder.child(parent, name, at)
  if (body === null || (isScalar(body) && body.value === null)) return
  if (!isMap(body)) throw errorAt(src, nodeLocation(src, body), `group '${name}' must be a mapping with hosts, vars or children`)
  for (const pair of (body as YAMLMap<Node, Node | null>).items) {
    const key = scalarText(src, pair.key)
    if (!GROUP_KEYS.has(key)) {
      throw errorAt(src, nodeLocation(src, pair.key), `invalid key '${key}' in group '${name}': expected hosts, vars or children`)
    }
    const value = pair.value
    if (value === null || (isScalar(value) && value.value === null)) continue
    if (!isMap(value)) throw errorAt(src, nodeLocation(src, value), `'${key}' of group '${name}' must be a mapping`)
    const entries = (value as YAMLMap<Node, Node | null>).items
    if (key === 'vars') {
      for (const v of entries) builder.groupVar(name, scalarText(src, v.key), v.value ? (v.value as Node).toJSON() : null, nodeLocation(src, v.key))
    } else if (key === 'children') {
      for (const child of entries) readGroup(src, builder, child.key, child.value, name)
    } else {
      for (const h of entries) readHost(src, builder, name, h.key, h.value)
    }
  }
}

function readHost(src: SourceFile, builder: InventoryBuilder, group: string, keyNode: Node, body: Node | null): void {
  const at = nodeLocation(src, keyNode)
  const vars = body === null ? null : (body.toJSON() as unknown)
  if (vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) {
    throw errorAt(src, nodeLocation(src, body!), `variables of host '${scalarText(src, keyNode)}' must be a mapping`)
  }
  let names: string[]
  try {
    names = expandHostRange(scalarText(src, keyNode))
  } catch (error) {
    throw errorAt(src, at, (error as Error).message)
  }
  for (const host of names) builder.host(host, group, (vars ?? {}) as Record<string, unknown>, at)
}

function scalarText(src: SourceFile, node: Node): string {
  if (!isScalar(node) || node.value === null || typeof node.value === 'object') throw errorAt(src, nodeLocation(src, node), 'expected a name')
  return String(node.value)
}
