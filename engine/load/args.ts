import { isMap, isScalar, type Node, type Pair } from 'yaml'
import { z } from 'zod'
import { didYouMean, type SourceLocation } from '../errors.js'
import { errorAt, nodeLocation, type SourceFile } from '../yaml/index.js'
import { isTemplated } from '../template/index.js'
import type { AnyModule } from '../module.js'

/**
 * Split Ansible `k=v` text into words the way ansible's split_args does: whitespace separates words except
 * inside quotes and inside `{{ }}`, `{% %}`, `{# #}`. As there, a line's last word keeps the line's end (`\n`),
 * except after a lone `\`, which continues the line and is dropped.
 */
export function splitArgs(text: string): string[] {
  const words: string[] = []
  let word = ''
  let quote: string | undefined
  let depth = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    const two = text.slice(i, i + 2)
    if (quote === undefined && (two === '{{' || two === '{%' || two === '{#')) {
      depth++
      word += two
      i++
    } else if (quote === undefined && depth > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      depth--
      word += two
      i++
    } else if (quote !== undefined) {
      word += c
      if (c === quote && text[i - 1] !== '\\') quote = undefined
    } else if ((c === '"' || c === "'") && depth === 0) {
      quote = c
      word += c
    } else if (/\s/.test(c) && depth === 0) {
      if (word === '\\' && c === '\n') word = ''
      else if (c === '\n' && (word !== '' || words.length > 0)) word === '' ? (words[words.length - 1] += '\n') : (word += '\n')
      if (word !== '') words.push(word)
      word = ''
    } else {
      word += c
    }
  }
  if (word !== '') words.push(word)
  return words
}

const unquote = (s: string): string => (s.length >= 2 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0] ? s.slice(1, -1) : s)

/**
 * Parse the string form of a module call (`copy: src=a dest=b`, `command: ls -l chdir=/tmp`). For a free-form
 * module, words that are not `known=value` form the free text (under `freeForm`); otherwise every word must be `k=v`.
 */
export function parseKeyValues(text: string, freeForm: string | undefined, known: ReadonlySet<string>): { args: Record<string, unknown>; stray?: string } {
  const args: Record<string, unknown> = {}
  const free: string[] = []
  for (const word of splitArgs(text)) {
    // as parse_kv: the first `=` not escaped, wherever it is; the key may be a template (`{{ item.key }}=v`),
    // named at run time, where the module checks it
    const eq = word.search(/(?<!\\)=/)
    const key = eq > 0 ? word.slice(0, eq).trim() : ''
    if (eq > 0 && (freeForm === undefined ? key !== '' : known.has(key) && key !== freeForm)) {
      args[key] = unquote(word.slice(eq + 1).trim())
    } else if (freeForm !== undefined) {
      free.push(word)
    } else {
      return { args, stray: word }
    }
  }
  // ansible's join_args: a word after a line's end follows it directly
  if (freeForm !== undefined && free.length > 0) args[freeForm] = free.reduce((text, w) => (text === '' || text.endsWith('\n') ? text + w : `${text} ${w}`), '')
  return { args }
}

/** The keys of a module's object schema (through preprocess/refine wrappers), or undefined when it takes any keys. */
export function schemaShape(schema: z.ZodTypeAny): Record<string, z.ZodTypeAny> | undefined {
  let s: z.ZodTypeAny = schema
  for (;;) {
    if (s instanceof z.ZodObject) return s._def.unknownKeys === 'strict' ? (s.shape as Record<string, z.ZodTypeAny>) : undefined
    if (s instanceof z.ZodEffects) s = s._def.schema
    else if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) s = s._def.innerType
    else return undefined
  }
}

/** The first zod issue as one lower-case line, naming the argument. */
export function describeIssue(mod: string, issue: z.ZodIssue): string {
  const path = issue.path.join('.')
  const message = issue.message.charAt(0).toLowerCase() + issue.message.slice(1)
  if (issue.code === 'unrecognized_keys') return `${mod}: unknown argument '${issue.keys[0]}'`
  return path ? `${mod}: argument '${path}': ${message}` : `${mod}: ${message}`
}

/**
 * Check a task's module arguments before anything runs: unknown keys always (with a did-you-mean), and the
 * values that are not templated. Returns the parsed arguments when nothing at all is templated, for reuse.
 */
export function validateArgs(mod: AnyModule, args: Record<string, unknown>, src: SourceFile, argsNode: Node | null, taskLocation: SourceLocation): unknown {
  const shape = schemaShape(mod.args)
  const pairs = isMap(argsNode) ? (argsNode.items as Pair[]) : []
  const where = (key: string, valueOfKey: boolean): SourceLocation => {
    const pair = pairs.find((p) => isScalar(p.key) && String(p.key.value) === key)
    const node = (valueOfKey ? pair?.value : pair?.key) as Node | undefined
    return node ? nodeLocation(src, node) : taskLocation
  }
  if (shape) {
    for (const key of Object.keys(args)) {
      if (Object.hasOwn(shape, key)) continue
      const hint = didYouMean(key, Object.keys(shape))
      throw errorAt(src, where(key, false), `${mod.name}: unknown argument '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
    }
    for (const [key, value] of Object.entries(args)) {
      if (isTemplated(value)) continue
      const parsed = shape[key]!.safeParse(value)
      if (!parsed.success) throw errorAt(src, where(key, true), describeIssue(mod.name, { ...parsed.error.issues[0]!, path: [key, ...parsed.error.issues[0]!.path] }))
    }
  }
  if (isTemplated(args)) return undefined
  const parsed = mod.args.safeParse(args)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  throw errorAt(src, typeof issue.path[0] === 'string' ? where(issue.path[0], true) : taskLocation, describeIssue(mod.name, issue))
}
