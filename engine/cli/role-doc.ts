import { existsSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { isMap, isScalar, type Node, type Pair } from 'yaml'
import { loadYaml } from '../yaml/index.js'

/** Whether a `tsplay doc` argument names a role: a directory with tasks/ or meta/. */
export function isRoleDir(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory() && ['tasks', 'meta'].some((d) => existsSync(join(path, d)))
}

/** One variable of a role, from defaults/main.yml and meta/argument_specs.yml merged. */
export interface RoleVariable {
  readonly name: string
  /** The default as written in defaults/main.yml (or argument_specs' default), as YAML text. */
  readonly default?: string
  /** The comment lines right above the variable in defaults/main.yml, without `#`. */
  readonly comment: readonly string[]
  readonly type?: string
  readonly required?: boolean
  readonly choices?: readonly unknown[]
  readonly description: readonly string[]
}

/** What `tsplay doc ROLE_PATH` shows: the role's description and its variables, in the order defaults lists them. */
export interface RoleDoc {
  readonly name: string
  readonly description: readonly string[]
  readonly variables: readonly RoleVariable[]
}

const yamlFile = (dir: string, name: string): string | undefined => [`${name}.yml`, `${name}.yaml`, name].map((f) => join(dir, f)).find((p) => existsSync(p))

/** Read a role's documentation from its defaults, meta/main.yml and meta/argument_specs.yml (entry point main). */
export function readRoleDoc(dir: string): RoleDoc {
  const name = basename(dir.replace(/\/+$/, ''))
  const description: string[] = []
  const metaPath = yamlFile(join(dir, 'meta'), 'main')
  const meta = metaPath === undefined ? undefined : (loadYaml(metaPath).doc.toJS() as { galaxy_info?: { description?: unknown }; argument_specs?: unknown } | null)
  if (typeof meta?.galaxy_info?.description === 'string') description.push(meta.galaxy_info.description)
  const specsPath = yamlFile(join(dir, 'meta'), 'argument_specs')
  const specs = specsPath !== undefined ? (loadYaml(specsPath).doc.toJS() as { argument_specs?: unknown } | null)?.argument_specs : meta?.argument_specs
  const main = (specs as Record<string, { short_description?: string; options?: Record<string, Option> }> | undefined)?.['main']
  if (typeof main?.short_description === 'string' && !description.includes(main.short_description)) description.push(main.short_description)
  const options = main?.options ?? {}
  const variables: RoleVariable[] = []
  const defaultsPath = yamlFile(join(dir, 'defaults'), 'main')
  if (defaultsPath !== undefined) {
    const source = loadYaml(defaultsPath)
    const lines = source.text.split('\n')
    const pairs = isMap(source.doc.contents) ? (source.doc.contents.items as Pair[]) : []
    pairs.forEach((pair, i) => {
      if (!isScalar(pair.key)) return
      const key = String(pair.key.value)
      const keyLine = source.lines.linePos((pair.key as Node).range![0]).line - 1
      let comment = commentAbove(lines, keyLine)
      // a comment that opens the file and names the role, or stands apart, is about the role rather than its first variable
      if (i === 0 && comment.start === 0 && (comment.text[0]?.startsWith(`${name}:`) || lines[keyLine - 1]?.trim() === '')) {
        description.push(comment.text.join('\n'))
        comment = { start: keyLine, text: [] }
      }
      variables.push(merge(key, valueText(source.text, source.lines.linePos, pair.value as Node | null, keyLine), comment.text, options[key]))
    })
  }
  for (const [key, option] of Object.entries(options)) if (!variables.some((v) => v.name === key)) variables.push(merge(key, undefined, [], option))
  return { name, description, variables }
}

interface Option {
  readonly type?: string
  readonly required?: boolean
  readonly choices?: unknown[]
  readonly default?: unknown
  readonly description?: string | string[]
}

function merge(name: string, value: string | undefined, comment: string[], option: Option | undefined): RoleVariable {
  const fallback = option?.default !== undefined ? JSON.stringify(option.default) : undefined
  const shown = value ?? fallback
  return {
    name,
    ...(shown !== undefined ? { default: shown } : {}),
    comment,
    ...(option?.type !== undefined ? { type: option.type } : {}),
    ...(option?.required !== undefined ? { required: option.required === true || String(option.required).toLowerCase() === 'true' } : {}),
    ...(option?.choices !== undefined ? { choices: option.choices } : {}),
    description: option?.description === undefined ? [] : [option.description].flat().map(String),
  }
}

/** A value as written: a scalar or flow value on the key's line as it is, a block below it dedented. */
function valueText(text: string, linePos: (offset: number) => { line: number }, node: Node | null, keyLine: number): string {
  if (!node?.range) return ''
  const start = linePos(node.range[0]).line - 1
  if (start === keyLine) return text.slice(node.range[0], node.range[1]).trim()
  const block = text.slice(node.range[0], node.range[1]).trimEnd().split('\n')
  const indent = /^ */.exec(text.split('\n')[start]!)![0].length
  return [block[0]!, ...block.slice(1).map((l) => l.slice(Math.min(indent, /^ */.exec(l)![0].length)))].join('\n')
}

/** The comment lines right above line `at` (0-based), `#` and one space removed, and where the block starts. */
function commentAbove(lines: readonly string[], at: number): { start: number; text: string[] } {
  let start = at
  while (start > 0 && lines[start - 1]!.trimStart().startsWith('#')) start--
  return { start, text: lines.slice(start, at).map((l) => l.trimStart().replace(/^#+ ?/, '').trimEnd()) }
}

/** `tsplay doc ROLE_PATH`: the role's description, then each variable with its default, comment and argument spec. */
export function docRole(dir: string): string {
  const role = readRoleDoc(dir)
  const out = [`${role.name}: ${role.description[0] ?? '(no description in meta/main.yml)'}`]
  for (const more of role.description.slice(1)) out.push('', ...more.split('\n').map((l) => `  ${l}`.trimEnd()))
  out.push('', role.variables.length === 0 ? 'Variables: none (no defaults/main.yml or meta/argument_specs.yml)' : 'Variables:')
  for (const v of role.variables) {
    const facts = [v.required ? 'required' : undefined, v.type, v.choices ? `choices: ${v.choices.map(String).join(', ')}` : undefined].filter((f) => f !== undefined)
    out.push(`  ${v.name}${facts.length > 0 ? ` (${facts.join(', ')})` : ''}${v.default !== undefined ? ` [default: ${v.default.includes('\n') ? 'see below' : v.default}]` : ''}`)
    for (const line of [...v.description, ...v.comment.filter((c) => !v.description.includes(c))]) out.push(`      ${line}`.trimEnd())
    if (v.default?.includes('\n')) out.push('      default:', ...v.default.split('\n').map((l) => `        ${l.trimEnd()}`))
  }
  return out.join('\n') + '\n'
}
