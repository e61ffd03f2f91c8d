import { OptionsError } from '../errors.js'
import type { VarLayer } from '../inventory/index.js'
import type { Vars } from '../template/index.js'

/**
 * Ansible's variable precedence, lowest first, for every level tsplay supports (ansible-semantics.md §1.7).
 * `magic` (inventory_hostname, hostvars, groups…) and `loop` (item, ansible_loop) are set by the engine last.
 */
export const PRECEDENCE = [
  'role_defaults',
  'inventory_group',
  'inventory_group_vars_all',
  'playbook_group_vars_all',
  'inventory_group_vars',
  'playbook_group_vars',
  'inventory_host',
  'inventory_host_vars',
  'playbook_host_vars',
  'facts',
  'play_vars',
  'play_vars_files',
  'role_vars',
  'block_vars',
  'task_vars',
  'include_vars',
  'set_fact',
  'role_params',
  'include_params',
  'extra_vars',
  'magic',
  'loop',
] as const

export type Level = (typeof PRECEDENCE)[number]

/** Variables by precedence level; within a level, later layers win. */
export type Layers = Partial<Record<Level, readonly VarLayer[]>>

/** The merged variables of one host for one task, and where each came from. */
export interface MergedVars {
  readonly vars: Vars
  /** `level: source` of the layer that set `name` (for `-v`), or undefined when unset. */
  sourceOf(name: string): string | undefined
}

/**
 * THE precedence function: merge layers lowest first; a higher level replaces a variable whole
 * (hash_behaviour=replace, as ansible-core's default). Shallow: values are shared, never copied.
 */
export function mergeVars(layers: Layers): MergedVars {
  const vars: Vars = {}
  for (const level of PRECEDENCE) {
    const list = layers[level]
    if (list === undefined) continue
    for (const layer of list) Object.assign(vars, layer.vars)
  }
  return {
    vars,
    sourceOf(name) {
      for (let i = PRECEDENCE.length - 1; i >= 0; i--) {
        const level = PRECEDENCE[i]!
        const list = layers[level] ?? []
        for (let j = list.length - 1; j >= 0; j--) if (Object.hasOwn(list[j]!.vars, name)) return `${level}: ${list[j]!.source}`
      }
      return undefined
    },
  }
}

/** One layer from plain variables. */
export const layer = (source: string, vars: Vars): VarLayer => ({ source, vars })

/**
 * Parse one `-e` value: `@file` (YAML or JSON), a JSON/YAML mapping, or `k=v` words whose values stay strings.
 * `readFile` and `parseYaml` are passed in so this stays pure.
 */
export function parseExtraVars(value: string, readFile: (path: string) => string, parseYaml: (text: string, origin: string) => unknown): Vars {
  const mapping = (parsed: unknown): Vars => {
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Vars
    throw new OptionsError(`invalid extra vars data supplied. '${value}' could not be made into a dictionary`)
  }
  if (value === '') return {}
  if (value.startsWith('@')) return mapping(parseYaml(readFile(value.slice(1)), value.slice(1)))
  // as ansible-core's load_extra_vars: a path needs its @, a value opening a JSON/YAML collection must be a mapping
  if (value.startsWith('/') || value.startsWith('.')) throw new OptionsError(`please prepend extra_vars filename '${value}' with '@'`)
  if (value.startsWith('{') || value.startsWith('[')) return mapping(parseYaml(value, '--extra-vars'))
  const trimmed = value.trim()
  if (trimmed.startsWith('---')) {
    const parsed = parseYaml(trimmed, '--extra-vars')
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Vars
  }
  const out: Vars = {}
  for (const word of splitWords(trimmed)) {
    const eq = word.indexOf('=')
    if (eq <= 0) continue
    out[word.slice(0, eq)] = unquote(word.slice(eq + 1))
  }
  return out
}

function splitWords(text: string): string[] {
  const words: string[] = []
  let word = ''
  let quote: string | undefined
  for (const c of text) {
    if (quote !== undefined) {
      word += c
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") {
      quote = c
      word += c
    } else if (/\s/.test(c)) {
      if (word) words.push(word)
      word = ''
    } else word += c
  }
  if (word) words.push(word)
  return words
}

const unquote = (s: string): string => (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0] ? s.slice(1, -1) : s)
