import { PlaybookError, type SourceLocation } from '../errors.js'
import { expandHostRange } from './host-patterns.js'
import type { InventoryBuilder } from './model.js'
import { literalEval, ShlexError, shlexSplit } from '../python/index.js'
import { displayPath, lineOf } from '../yaml/index.js'

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/

/** An INI value as Ansible reads it: a Python literal when it is one, else the text itself. */
export function iniValue(text: string): unknown {
  const value = literalEval(text)
  return value === undefined ? text : value
}

/**
 * Read Ansible's INI inventory format into `builder`: `[group]` host lines with inline variables (Python
 * literals after shlex quoting), `[group:vars]` (key=value, the raw text literal-evaluated, comments kept as
 * ansible-core does), `[group:children]`, `#`/`;` comment lines, host ranges and `host:port`.
 */
export function parseIniInventory(text: string, path: string, builder: InventoryBuilder): void {
  const file = displayPath(path)
  const fail = (line: number, col: number, detail: string): never => {
    throw new PlaybookError(detail, { file, line, col }, lineOf(text, line))
  }
  let group = 'ungrouped'
  let state: 'hosts' | 'vars' | 'children' = 'hosts'
  // Groups named in [x:vars] or [x:children] before they are defined: an error unless defined later.
  const pending = new Map<string, { line: number; col: number; detail: string }>()
  text.split('\n').forEach((rawLine, index) => {
    const lineNo = index + 1
    const line = rawLine.trim()
    const col = rawLine.indexOf(line.charAt(0)) + 1
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return
    const at: SourceLocation = { file, line: lineNo, col }
    const section = SECTION.exec(line)
    if (section) {
      group = section[1]!
      const kind = section[2] ?? 'hosts'
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') fail(lineNo, col, `section [${group}:${kind}] has unknown type: ${kind}`)
      state = kind as typeof state
      if (state === 'vars' && !builder.hasGroup(group) && !pending.has(group)) {
        pending.set(group, { line: lineNo, col, detail: `section [${group}:vars] not valid for undefined group: ${group}` })
      }
      if (state !== 'vars') {
        builder.group(group, at)
        pending.delete(group)
      }
      return
    }
    if (line.startsWith('[')) fail(lineNo, col, `invalid section entry: '${line}' (no spaces are allowed in a section header)`)
    if (state === 'vars') {
      const eq = line.indexOf('=')
      if (eq < 0) fail(lineNo, col, `expected key=value, got: ${line}`)
      builder.groupVar(group, line.slice(0, eq).trim(), iniValue(line.slice(eq + 1).trim()), at)
      return
    }
    if (state === 'children') {
      const child = line.split(/\s+/)[0]!
      if (!builder.hasGroup(child) && !pending.has(child)) {
        pending.set(child, { line: lineNo, col, detail: `section [${group}:children] includes undefined group: ${child}` })
      }
      builder.child(group, child, at)
      return
    }
    let words: string[]
    try {
      words = shlexSplit(line, { comments: true })
    } catch (error) {
      if (!(error instanceof ShlexError)) throw error
      return fail(lineNo, col, `error parsing host definition '${line}': ${error.message.toLowerCase()}`)
    }
    const [pattern, ...assignments] = words
    if (pattern === undefined) return
    const vars: Record<string, unknown> = {}
    for (const word of assignments) {
      const eq = word.indexOf('=')
      if (eq <= 0) fail(lineNo, rawLine.indexOf(word) + 1, `expected key=value host variable assignment, got: ${word}`)
      vars[word.slice(0, eq)] = iniValue(word.slice(eq + 1))
    }
    const { name, port } = splitPort(pattern)
    let names: string[]
    try {
      names = expandHostRange(name)
    } catch (error) {
      return fail(lineNo, col, (error as Error).message)
    }
    if (port !== undefined) vars['ansible_port'] = port
    for (const host of names) builder.host(host, group, vars, at)
  })
  const [unresolved] = pending.values()
  if (unresolved) fail(unresolved.line, unresolved.col, unresolved.detail)
}

/** `host:2222` → name and port; IPv6 addresses and ranges with colons inside brackets are left whole. */
function splitPort(pattern: string): { name: string; port?: number } {
  const m = /^([^:[\]]+(?:\[[^\]]*\][^:[\]]*)*):(\d+)$/.exec(pattern)
  return m ? { name: m[1]!, port: Number(m[2]) } : { name: pattern }
}
