import nunjucks from 'nunjucks'
import { TemplateError } from '../errors.js'
import { pythonCompare, pythonEquals, pythonStr, pythonTruthy, pythonType } from '../python/index.js'
import { percentFormat, pythonMethod } from './methods.js'
import { Undefined, UndefinedUse, deepStrict, hasKey, missingMember, strict, undefinedName } from './undefined.js'

// nunjucks evaluates expressions with JavaScript semantics ([] is true, '1' == 1, [1] + [2] is '12',
// a missing variable is silently ''). Jinja2 under Ansible uses Python's. We patch nunjucks' runtime
// and compiler once, process-wide (tsplay is the only nunjucks user), so that compiled templates call
// the Python-semantics helpers below. This is the approach of nunjucks' own installJinjaCompat, which
// we also install for slices (`a[1:]`). The compiler half lives in compiler.ts.

interface NunjucksInternals {
  runtime: Record<string, unknown> & { Frame: new () => { topLevel: boolean } }
  compiler: { Compiler: { prototype: Record<string, unknown> } }
  parser: { Parser: { prototype: Record<string, unknown> } }
  nodes: { Node: { extend(name: string, props: object): new (...args: unknown[]) => object } } & Record<string, unknown>
  installJinjaCompat(): void
}

/** nunjucks' internals that the compiler patches in compiler.ts also need. */
export const internals = nunjucks as unknown as NunjucksInternals
const runtime = internals.runtime

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key)

/** The context nunjucks' compiled code reads variables from: our vars view, never copied (unlike nunjucks' Context). */
export class TemplateContext {
  readonly ctx: Record<string, unknown>
  constructor(
    private readonly vars: Record<string, unknown>,
    readonly env: { globals: Record<string, unknown> },
  ) {
    // `{% set %}` writes land on this object, so the caller's vars are never modified.
    this.ctx = Object.create(vars) as Record<string, unknown>
  }

  lookup(name: string): unknown {
    const value = this.ctx[name]
    // `constructor`, `toString` & co. are variables only when someone defined them.
    if (value !== undefined && (!(name in Object.prototype) || hasOwn(this.ctx, name) || hasOwn(this.vars, name))) return value
    const global = this.env.globals[name]
    return global !== undefined && !(name in Object.prototype) ? global : undefined
  }

  setVariable(name: string, value: unknown): void {
    this.ctx[name] = value
  }

  getVariables(): Record<string, unknown> {
    return this.ctx
  }

  addExport(): void {}

  getBlock(name: string): never {
    throw new TemplateError(`blocks are not supported in templates: '${name}'`)
  }
}

const LITERALS: Record<string, unknown> = { True: true, False: false, None: null }

function lookup(context: TemplateContext, frame: { lookup(name: string): unknown }, name: string): unknown {
  const local = frame.lookup(name)
  if (local !== undefined) return local
  const value = context.lookup(name)
  if (value !== undefined) return value
  if (hasOwn(LITERALS, name)) return LITERALS[name]
  return undefinedName(name)
}

function index(length: number, key: number): number {
  return key < 0 ? length + key : key
}

function slice(obj: unknown, [start, stop, step]: unknown[]): unknown {
  if (obj instanceof Undefined) return obj
  const seq = typeof obj === 'string' ? [...obj] : Array.isArray(obj) ? obj : strict<never>(missingMember(obj, 'slice'))
  const n = seq.length
  const by = typeof step === 'number' ? step : 1
  const clamp = (v: unknown, fallback: number): number => {
    if (typeof v !== 'number') return fallback
    const i = v < 0 ? v + n : v
    return by > 0 ? Math.min(Math.max(i, 0), n) : Math.min(Math.max(i, -1), n - 1)
  }
  const from = clamp(start, by > 0 ? 0 : n - 1)
  const to = clamp(stop, by > 0 ? n : -1)
  const out: unknown[] = []
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(seq[i])
  return typeof obj === 'string' ? out.join('') : out
}

/** Jinja2's `a.b` / `a['b']`: item or attribute, Python methods on str/list/dict, Undefined when missing. */
export function memberLookup(obj: unknown, key: unknown, ...sliceRest: unknown[]): unknown {
  if (obj instanceof Undefined) return obj
  // installJinjaCompat compiles `a[1:2:1]` to memberLookup(a, 1, 2, 1).
  if (sliceRest.length === 2) return slice(obj, [key, ...sliceRest])
  if (typeof obj === 'string' || Array.isArray(obj)) {
    if (typeof key === 'number') {
      const value: unknown = obj[index(obj.length, key)]
      return value === undefined ? missingMember(obj, key) : value
    }
    if (key === 'length' && Array.isArray(obj)) return missingMember(obj, key)
  } else if (obj !== null && typeof obj === 'object') {
    const value = (obj as Record<string, unknown>)[String(key)]
    // One read on the common path: views compute values on read, so do not ask twice.
    if (value !== undefined && (typeof value !== 'function' || hasKey(obj, String(key)))) return value
  }
  return (typeof key === 'string' && pythonMethod(obj, key)) || missingMember(obj, key)
}

function callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (fn instanceof Undefined) throw new UndefinedUse(fn.reason)
  if (typeof fn !== 'function') throw new TemplateError(`'${pythonType(fn)}' object is not callable: ${name}`)
  return (fn as (...a: unknown[]) => unknown).apply(context, args)
}

function fromIterator(value: unknown): unknown {
  if (value instanceof Undefined) throw new UndefinedUse(value.reason)
  if (typeof value === 'string') return [...value]
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return Object.keys(value)
  return value
}

/** Python's `in`. */
export function inOperator(item: unknown, container: unknown): boolean {
  strict(item)
  const c = strict(container)
  if (typeof c === 'string') {
    if (typeof item !== 'string') throw new TemplateError(`'in <string>' requires string as left operand, not ${pythonType(item)}`)
    return c.includes(item)
  }
  if (Array.isArray(c)) return c.some((x) => pythonEquals(item, x))
  if (c !== null && typeof c === 'object') return typeof item === 'string' && hasKey(c, item)
  throw new TemplateError(`argument of type '${pythonType(c)}' is not iterable`)
}

function compare(first: unknown, rest: unknown[]): boolean {
  let left = strict(first)
  for (let i = 0; i < rest.length; i += 2) {
    const op = rest[i] as string
    const right = strict(rest[i + 1])
    let holds: boolean
    if (op === 'in' || op === 'not in') holds = inOperator(left, right) === (op === 'in')
    else if (op === '==' || op === '===') holds = pythonEquals(left, right)
    else if (op === '!=' || op === '!==') holds = !pythonEquals(left, right)
    else {
      const c = pythonCompare(left, right)
      holds = op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0
    }
    if (!holds) return false
    left = right
  }
  return true
}

function numeric(op: string, a: unknown, b: unknown): number {
  const x = typeof a === 'boolean' ? Number(a) : a
  const y = typeof b === 'boolean' ? Number(b) : b
  if (typeof x !== 'number' || typeof y !== 'number') {
    throw new TemplateError(`unsupported operand type(s) for ${op}: '${pythonType(a)}' and '${pythonType(b)}'`)
  }
  switch (op) {
    case '+':
      return x + y
    case '-':
      return x - y
    case '*':
      return x * y
    case '/':
      if (y === 0) throw new TemplateError('division by zero')
      return x / y
    default:
      if (y === 0) throw new TemplateError('integer division or modulo by zero')
      return ((x % y) + y) % y
  }
}


/** Python's binary operators (`+` concatenates lists and strings, `'-' * 3`, `'%s' % x`), strict about undefined. */
export function binaryOp(op: string, left: unknown, right: unknown): unknown {
  const a = strict(left)
  const b = strict(right)
  if (op === '~') return pythonStr(a) + pythonStr(b)
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b]
  }
  if (op === '*') {
    if (typeof a === 'string' && typeof b === 'number') return a.repeat(Math.max(0, b))
    if (Array.isArray(a) && typeof b === 'number') return Array.from({ length: Math.max(0, b) }, () => a).flat()
  }
  if (op === '%' && typeof a === 'string') return percentFormat(a, b)
  return numeric(op, a, b)
}

/** Python's unary minus and plus: numbers (and bools) only, strict about undefined. */
export function unaryOp(op: string, operand: unknown): number {
  const v = strict(operand)
  const n = typeof v === 'boolean' ? Number(v) : v
  if (typeof n !== 'number') throw new TemplateError(`bad operand type for unary ${op}: '${pythonType(v)}'`)
  return op === '-' ? -n : n
}

/** Text of a value printed by `{{ }}` inside a larger string: None prints as '' (Ansible's finalize). */
export function outputText(value: unknown): string {
  if (value instanceof Undefined) throw new UndefinedUse(value.reason)
  if (value === null || value === undefined) return ''
  return pythonStr(deepStrict(value))
}

/** Python truthiness; using an undefined value as a condition is an error, as under Ansible. */
export function truthy(value: unknown): boolean {
  return pythonTruthy(strict(value))
}

function install(): void {
  internals.installJinjaCompat()
  Object.assign(runtime, {
    contextOrFrameLookup: lookup,
    memberLookup,
    callWrap,
    fromIterator,
    inOperator,
    suppressValue: outputText,
    tsplayTruthy: truthy,
    tsplayCompare: compare,
    tsplayBinaryOp: binaryOp,
    tsplayUnaryOp: unaryOp,
    tsplayIterationScope: (frame: { variables: Record<string, unknown> }, keep: string[]) => {
      for (const name of Object.keys(frame.variables)) if (!keep.includes(name) && name !== 'loop' && !name.startsWith('loop.')) delete frame.variables[name]
    },
    tsplayLoopFilter: (items: unknown, keep: (item: unknown) => boolean) => (fromIterator(items) as unknown[]).filter(keep),
  })
}

install()

/** A fresh top-level frame for one render, or one on top of an includer's frame. */
export function newFrame(parent?: unknown): unknown {
  // An included template sees the includer's loop variables, as in Jinja2.
  const frame = parent ? (parent as { push(isolate: boolean): { topLevel: boolean } }).push(true) : new runtime.Frame()
  frame.topLevel = true
  return frame
}
