// Jinja2 as Ansible uses it, on nunjucks. nunjucks parses and compiles; the rest makes it behave
// like Jinja2 under ansible-core 2.14:
//   lex.ts          lexer fixes (nested dict braces, Python string escapes, a.0, ns.attr =)
//   runtime.ts      Python semantics at run time (lookups, Undefined, in, ==, +, truthiness)
//   compiler.ts     compiled code calls those helpers; loop scoping, loop filters, positions
//   environment.ts  environments per whitespace flavour, plugin lookup, {% include %}
//   filters/, tests.ts, globals.ts  Ansible's and Jinja2's plugins
//   lazy.ts         lazy variables (lazyVars); marks.ts what makes a string a template
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import nunjucks from 'nunjucks'
import { formatLocation, type SourceLocation, TemplateError, TsplayError } from '../errors.js'
import { literalEval, pythonRepr as repr, pythonTruthy, reprNumber } from '../python/index.js'
import { displayPath } from '../yaml/index.js'
import { type Compiled, extraGlobals, fileWhitespace, flavor, includes, type Whitespace } from './environment.js'
import { stringTypeResults } from './filters/index.js'
import { explainedError, explanation } from './errors.js'
import { lazyView, materialize, rawVariable } from './lazy.js'
import { isTemplated, MARKS, type Vars } from './marks.js'
import { loneExpression, toNunjucks } from './lex.js'
import { rendering } from './lookups/index.js'
import './compiler.js'
import { newFrame, TemplateContext } from './runtime.js'
import { deepStrict, UndefinedUse } from './undefined.js'
import { beginRender, endRender, storedUnsafe } from './unsafe.js'
import { UnsafeText } from '../yaml/index.js'

/** The value of `omit`: a module argument rendered to it is dropped, as in Ansible. */
export const OMIT = '__omit_place_holder__tsplay'

function located(origin: SourceLocation | string | undefined, message: string, cause?: unknown): TemplateError {
  return explainedError(`${where(origin)}${message}`, origin !== undefined, cause)
}

// Ansible's Templar sets trim_blocks for every template, strings in playbooks included (measured: 2.14)
const INLINE: Whitespace = { trimBlocks: true, lstripBlocks: false }
const CACHE_LIMIT = 20000

function where(origin: SourceLocation | string | undefined): string {
  if (origin === undefined) return ''
  return `${typeof origin === 'string' ? origin : formatLocation(origin)}: `
}

function shown(text: string): string {
  const oneLine = text.length > 200 ? `${text.slice(0, 200)}...` : text
  return JSON.stringify(oneLine)
}

function compile(text: string, whitespace: Whitespace, origin: SourceLocation | string | undefined, display = text): Compiled {
  const { env, compiled: map } = flavor(whitespace)
  let compiled = map.get(text)
  if (compiled) return compiled
  const template = new nunjucks.Template(text, env, undefined, false) as unknown as Compiled & { compile(): void }
  try {
    template.compile()
  } catch (error) {
    const e = error as { message?: string; lineno?: number; colno?: number }
    const message = String(e.message ?? error).replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/, '').replace(/^\w+: /, '')
    if (typeof origin === 'string') throw located(`${origin}:${e.lineno ?? 1}:${e.colno ?? 1}`, `template syntax error: ${lowerFirst(message)}`)
    // Positions are only meaningful when the user's text is what was compiled.
    const at = e.lineno && display === text ? ` (line ${e.lineno}, column ${e.colno ?? 0})` : ''
    throw located(origin, `template syntax error: ${lowerFirst(message)}${at} in ${shown(display)}`)
  }
  compiled = template
  if (map.size >= CACHE_LIMIT) map.clear()
  map.set(text, compiled)
  return compiled
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1)

function explain(error: unknown, text: string, origin: SourceLocation | string | undefined): Error {
  let cause: unknown = error
  let line: number | undefined
  let col: number | undefined
  while (cause instanceof Error && !(cause instanceof TsplayError) && !(cause instanceof UndefinedUse) && cause.cause !== undefined) {
    // nunjucks records where in the template the failing statement is (0-based).
    const at = cause as { lineno?: number; colno?: number }
    if (line === undefined && typeof at.lineno === 'number') [line, col] = [at.lineno + 1, (at.colno ?? 0) + 1]
    cause = cause.cause
  }
  const known = explanation(cause)
  if (known) return known.located || origin === undefined ? (cause as Error) : located(origin, (cause as Error).message, cause)
  if (cause instanceof TsplayError && !(cause instanceof TemplateError)) return cause
  const message = cause instanceof Error ? cause.message.replace(/^Error: /, '') : String(cause)
  // A template file is its own source: point into it rather than quoting it.
  if (typeof origin === 'string') return located(`${origin}:${line ?? 1}:${col ?? 1}`, message, cause)
  return located(origin, `${message} in ${shown(text)}`, cause)
}

function run(text: string, vars: Vars, whitespace: Whitespace, origin: SourceLocation | string | undefined, display = text, parentFrame?: unknown): string {
  const compiled = compile(text, whitespace, origin, display)
  const { env } = flavor(whitespace)
  let result = ''
  let failure: unknown
  const context = new TemplateContext(vars, env)
  compiled.rootRenderFunc(env, context, newFrame(parentFrame), nunjucks.runtime, (err, out) => {
    if (err) failure = err
    else result = out ?? ''
  })
  if (failure !== undefined) throw explain(failure, display, origin)
  return result
}

interface Shape {
  /** The text as Jinja2 reads it: backslashes in `{{ }}` string literals doubled, as Ansible does. */
  readonly text: string
  /** The expression when the text is one `{{ expr }}`. */
  readonly lone: string | undefined
  /** The variable's name when the text is one `{{ name }}` (ansible's SINGLE_VAR). */
  readonly single: string | undefined
}

// ansible's Templar.SINGLE_VAR: Python's `$` also matches before one final newline
const SINGLE_VAR = /^\{\{\s*([\p{L}\p{N}_]*)\s*\}\}\n?$/u

const shapes = new Map<string, Shape>()

function shape(text: string): Shape {
  let known = shapes.get(text)
  if (!known) {
    const escaped = toNunjucks(text, true)
    known = { text: escaped, lone: loneExpression(escaped), single: SINGLE_VAR.exec(text)?.[1] }
    if (shapes.size >= CACHE_LIMIT) shapes.clear()
    shapes.set(text, known)
  }
  return known
}

let captured: { value: unknown } | undefined

/** Global used to get the native value of one expression out of a nunjucks render. */
function capture(value: unknown): string {
  if (captured) captured.value = value
  return ''
}
Object.assign(extraGlobals, { __tsplay_capture__: capture, omit: OMIT })

const wrappers = new Map<string, string>()

/** The native value of `expression`; `text` (what the user wrote) and `source` (its nunjucks form) are for syntax errors. */
function native(expression: string, vars: Vars, origin: SourceLocation | undefined, text: string, source = `{{ ${expression} }}`): unknown {
  const saved = captured
  const slot = { value: undefined as unknown }
  captured = slot
  try {
    let wrapped = wrappers.get(expression)
    if (wrapped === undefined) {
      wrapped = toNunjucks(`{{ __tsplay_capture__((${expression}\n)) }}`, false)
      if (wrappers.size >= CACHE_LIMIT) wrappers.clear()
      wrappers.set(expression, wrapped)
    }
    run(wrapped, vars, INLINE, origin)
  } catch (error) {
    // Report the user's text, not our wrapper.
    if (error instanceof TemplateError && error.message.includes('template syntax error')) compile(source, INLINE, origin, text)
    if (error instanceof TemplateError && error.message.includes('__tsplay_capture__')) {
      throw explainedError(error.message.replace(/ in "\{\{ __tsplay_capture__\(\(.*$/s, ` in ${shown(text)}`), origin !== undefined, error.cause)
    }
    throw error
  } finally {
    captured = saved
  }
  try {
    return materialize(deepStrict(slot.value))
  } catch (error) {
    throw explain(error, text, origin)
  }
}

// Whether the last renderString read unsafe data (unsafe.ts); read right after the call.
let lastUnsafe = false

/** renderString, noting in lastUnsafe whether the template read unsafe data. */
function renderTracked(text: string, vars: Vars, origin: SourceLocation | undefined): unknown {
  const outer = beginRender()
  try {
    return renderUntracked(text, vars, origin)
  } finally {
    lastUnsafe = endRender(outer)
  }
}

/** Render one string: native value for a lone `{{ expr }}`, else text, with Ansible 2.14's list/dict/bool literal conversion. */
function renderString(text: string, vars: Vars, origin: SourceLocation | undefined): unknown {
  if (!MARKS.test(text)) {
    lastUnsafe = false
    return text
  }
  return renderTracked(text, vars, origin)
}

function renderUntracked(text: string, vars: Vars, origin: SourceLocation | undefined): unknown {
  const { text: source, lone, single } = shape(text)
  if (single !== undefined && single in vars) {
    // ansible hands a variable stored as a number, a bool or None on unchanged, before any templating
    const raw = rawVariable(vars, single)
    if (raw === null || typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return raw
  }
  if (lone !== undefined) {
    const saved = stringTypeResults.current
    stringTypeResults.current = new Set()
    try {
      const value = native(lone, vars, origin, text, source)
      if (typeof value === 'string') return stringTypeResults.current.has(value) ? value : jinja2Native ? fromNativeText(value) : fromLiteral(value)
      return jinja2Native ? (value ?? null) : nativeToText(value)
    } finally {
      stringTypeResults.current = saved
    }
  }
  const out = run(dropTrailingNewline(source), vars, INLINE, origin, text)
  return keepNewlines(text, jinja2Native ? fromNativeText(out) : fromLiteral(out))
}

let jinja2Native = false

/** ansible.cfg's jinja2_native (ANSIBLE_JINJA2_NATIVE): templates give native values as ansible's NativeEnvironment does. */
export function useJinja2Native(on: boolean): void {
  jinja2Native = on
}

/** Whether templates give native values (jinja2_native); set_fact then keeps 'yes'/'true' text as text. */
export const isJinja2Native = (): boolean => jinja2Native

/**
 * ansible_native_concat: rendered text that is a Python literal is that value (`'1'` is 1); a string literal keeps
 * its quotes. Python's parser refuses leading blanks, so ` [1]` stays text.
 */
function fromNativeText(out: string): unknown {
  if (out === '' || out.charCodeAt(0) <= 32) return out
  const value = literalEval(out)
  if (value === undefined) return out
  return typeof value === 'string' ? `${out[0]}${value}${out[0]}` : value
}

/**
 * ansible-core 2.14 (jinja2_native off) turns a lone expression's value into text and reads back only lists, dicts
 * and bools: a number comes back as its text (`"{{ 1 }}"` is `'1'`), None as `''` (its finalize).
 */
function nativeToText(value: unknown): unknown {
  if (typeof value === 'number') return reprNumber(value)
  if (typeof value === 'bigint') return value.toString()
  return value === undefined || value === null ? '' : value
}

/** Jinja2 (keep_trailing_newline off) renders a source without its one trailing newline, `\n`, `\r\n` or `\r`. */
const dropTrailingNewline = (source: string): string => source.replace(/(\r\n|\r|\n)$/, '')

/** Ansible's preserve_trailing_newlines: text ends with at least as many newlines as its source did. */
function keepNewlines<T>(source: string, rendered: T): T | string {
  if (typeof rendered !== 'string') return rendered
  const wanted = trailing(source) - trailing(rendered)
  return wanted > 0 ? rendered + '\n'.repeat(wanted) : rendered
}

function trailing(text: string): number {
  let n = 0
  while (n < text.length && text[text.length - 1 - n] === '\n') n++
  return n
}

/** ansible-core 2.14 reads rendered text that looks like a list, a dict or a bool back as that value. */
function fromLiteral(out: string): unknown {
  if (out.startsWith('{') || out.startsWith('[') || out === 'True' || out === 'False') {
    const value = literalEval(out, { jsonNames: true })
    if (value !== undefined) return value
  }
  return out
}

/**
 * Render a value deeply. Strings are Jinja2 templates; a string that is exactly one `{{ expr }}` keeps
 * the expression's native type; other strings render values Python-style (`True`, `[1, 2]`, `{'a': 1}`).
 * Throws TemplateError naming the undefined variable and `origin`.
 */
export function renderValue(value: unknown, vars: Vars, origin?: SourceLocation): unknown {
  return renderDeep(value, vars, origin, false)
}

/**
 * renderValue for a value that is stored as a variable (set_fact, loop items): what a template made from unsafe
 * data (a host's output, `!unsafe`, a lookup) comes back unsafe (an UnsafeText, a marked list or dict), never
 * to be templated again, as ansible-core wraps such results.
 */
export function renderStored(value: unknown, vars: Vars, origin?: SourceLocation): unknown {
  return renderDeep(value, vars, origin, true)
}

function renderDeep(value: unknown, vars: Vars, origin: SourceLocation | undefined, stored: boolean): unknown {
  if (typeof value === 'string') {
    const rendered = renderString(value, vars, origin)
    return stored && lastUnsafe ? storedUnsafe(rendered) : rendered
  }
  if (value === null || typeof value !== 'object') return value
  // `!unsafe` text is used as written.
  if (value instanceof UnsafeText) return stored ? value : value.valueOf()
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, vars, origin, stored))
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) out[MARKS.test(key) ? String(renderString(key, vars, origin)) : key] = renderDeep(item, vars, origin, stored)
  return out
}

// Files being rendered, innermost last: `{% include 'x.j2' %}` is found next to the file including it.
const fileStack: string[] = []

function renderFile(text: string, vars: Vars, whitespace: Whitespace, origin: string, parentFrame?: unknown): string {
  fileStack.push(origin)
  try {
    return keepNewlines(text, run(dropTrailingNewline(toNunjucks(text, false)), vars, whitespace, origin, text, parentFrame))
  } finally {
    fileStack.pop()
  }
}

includes.render = (name, vars, whitespace, frame) => {
  const path = resolve(dirname(fileStack[fileStack.length - 1] ?? '.'), name)
  if (fileStack.some((f) => resolve(f) === path)) throw new TemplateError(`recursive include of ${displayPath(path)}`)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
  return renderFile(text, vars, whitespace, displayPath(path), frame)
}

/**
 * Render template file text (the `template` module): trim_blocks on, as Ansible sets it, unless `options` (the
 * module's arguments) or a `#jinja2:` first line say otherwise.
 */
export function renderText(text: string, vars: Vars, origin: string, options?: Whitespace): string {
  const { whitespace, body } = fileWhitespace(text, options)
  return renderFile(body, vars, whitespace, origin)
}

rendering.text = (text, vars) => renderValue(text, vars)
rendering.file = (text, vars, origin, convertData) => {
  const out = renderText(text, vars, displayPath(origin))
  if (convertData) return fromLiteral(out)
  // ansible's NativeJinjaText: text that stays text even where a lone expression would read it as a literal
  stringTypeResults.current.add(out)
  return out
}

/** Evaluate a bare expression (`when`, `changed_when`, `failed_when`, `until`, `that`). */
export function evalExpression(expression: string, vars: Vars, origin?: SourceLocation): unknown {
  const outer = beginRender()
  try {
    const value = native(expression, vars, origin, expression)
    return value === undefined ? null : value
  } finally {
    endRender(outer)
  }
}

/** A condition as Ansible reads it: a bool, a bare expression, or a list of them (all must hold). */
export function evalCondition(condition: unknown, vars: Vars, origin?: SourceLocation): boolean {
  if (condition === undefined || condition === null) return true
  if (Array.isArray(condition)) return condition.every((c) => evalCondition(c, vars, origin))
  if (typeof condition === 'boolean') return condition
  if (typeof condition === 'number') return condition !== 0
  if (typeof condition !== 'string') return pythonTruthy(condition)
  const text = condition.trim()
  if (text === '') return true
  if (MARKS.test(text)) {
    // Ansible warns about templating delimiters in conditionals, renders the text, then evaluates the result.
    const rendered = renderString(text, vars, origin)
    if (typeof rendered !== 'string') return pythonTruthy(rendered)
    // As ansible-core: text made from unsafe data is never evaluated as an expression.
    if (lastUnsafe && rendered !== '') throw located(origin, `conditional is marked as unsafe, and cannot be evaluated: ${shown(text)}`)
    return rendered !== '' && pythonTruthy(native(rendered, vars, origin, text))
  }
  return pythonTruthy(evalExpression(text, vars, origin))
}

/** Python-style text of a value, as Jinja2 under Ansible prints it inside a larger string. */
export function pythonRepr(value: unknown): string {
  return repr(value)
}

export { isTemplated, type Vars }

/**
 * A view of `vars` in which every string value is templated when read (Ansible's lazy variables:
 * `a: "{{ b }}"` resolves `b` at use), recursively, with a clear error on a reference cycle; see lazy.ts.
 */
export const lazyVars = (vars: Vars): Vars => lazyView(vars, renderValue)
