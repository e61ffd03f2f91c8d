import nunjucks from 'nunjucks'
import { TemplateError } from './errors.js'
import { pythonCompare, pythonEquals, pythonStr, pythonTruthy, pythonType } from './python-repr.js'
import { percentFormat, pythonMethod } from './template-methods.js'
import { Undefined, UndefinedUse, deepStrict, missingMember, strict, undefinedName } from './template-undefined.js'

// nunjucks evaluates expressions with JavaScript semantics ([] is true, '1' == 1, [1] + [2] is '12',
// a missing variable is silently ''). Jinja2 under Ansible uses Python's. We patch nunjucks' runtime
// and compiler once, process-wide (tsplay is the only nunjucks user), so that compiled templates call
// the Python-semantics helpers below. This is the approach of nunjucks' own installJinjaCompat, which
// we also install for slices (`a[1:]`).

interface NunjucksInternals {
  runtime: Record<string, unknown> & { Frame: new () => { topLevel: boolean } }
  compiler: { Compiler: { prototype: Record<string, unknown> } }
  nodes: { Node: { extend(name: string, props: object): new (...args: unknown[]) => object } } & Record<string, unknown>
  installJinjaCompat(): void
}

const internals = nunjucks as unknown as NunjucksInternals
const runtime = internals.runtime

/** The context nunjucks' compiled code reads variables from: our vars view, never copied (unlike nunjucks' Context). */
export class TemplateContext {
  readonly ctx: Record<string, unknown>
  constructor(
    vars: Record<string, unknown>,
    readonly env: { globals: Record<string, unknown> },
  ) {
    // `{% set %}` writes land on this object, so the caller's vars are never modified.
    this.ctx = Object.create(vars) as Record<string, unknown>
  }

  lookup(name: string): unknown {
    const value = this.ctx[name]
    if (value !== undefined || name in this.ctx) return value
    return this.env.globals[name]
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
  if (name in LITERALS) return LITERALS[name]
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
    if (value !== undefined && Object.prototype.hasOwnProperty.call(obj, String(key))) return value
    if (value !== undefined && typeof value !== 'function') return value
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
  if (c !== null && typeof c === 'object') return typeof item === 'string' && item in c
  throw new TemplateError(`argument of type '${pythonType(c)}' is not iterable`)
}

function compare(first: unknown, rest: unknown[]): boolean {
  let left = strict(first)
  for (let i = 0; i < rest.length; i += 2) {
    const op = rest[i] as string
    const right = strict(rest[i + 1])
    let holds: boolean
    if (op === '==' || op === '===') holds = pythonEquals(left, right)
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

// Jinja2 yields an Undefined here; under Ansible it renders as nothing.
const NO_ELSE = ''

type Emitter = {
  _emit(code: string): void
  _compileAggregate(node: unknown, frame: unknown): void
  compile(node: unknown, frame: unknown): void
}
type Proto = Record<string, unknown>

interface Positioned {
  readonly lineno: number
  readonly colno: number
}

const position = (node: Positioned): string => `lineno = ${Number(node.lineno)}, colno = ${Number(node.colno)}`

interface TestNode {
  readonly typename: string
  readonly value?: unknown
  readonly target?: TestNode
  readonly val?: TestNode
}

/** The test's name: `defined`, `none` (a literal to nunjucks), or a dotted `ansible.builtin.match`. */
function testName(node: TestNode): string {
  if (node.typename === 'LookupVal') return `${testName(node.target!)}.${testName(node.val!)}`
  return node.value === null ? 'none' : String(node.value)
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
    tsplayNoElse: NO_ELSE,
  })

  const proto = internals.compiler.Compiler.prototype as Proto
  const TemplateData = internals.nodes.TemplateData as new () => object
  const originalAssertType = proto.assertType as (this: unknown, node: unknown, ...types: unknown[]) => void
  const Truth = internals.nodes.Node.extend('TsplayTruth', { fields: ['target'] })
  proto.assertType = function (this: unknown, node: unknown, ...types: unknown[]) {
    if (node instanceof Truth) return
    originalAssertType.call(this, node, ...types)
  }
  proto.compileTsplayTruth = function (this: Emitter, node: Positioned & { target: unknown }, frame: unknown) {
    this._emit(`(${position(node)}, runtime.tsplayTruthy(`)
    this.compile(node.target, frame)
    this._emit('))')
  }
  // Record where each printed expression and loop is, so errors in template files can name the line.
  proto.compileOutput = function (this: Emitter & { buffer: string; compileLiteral(node: unknown, frame: unknown): void }, node: { children: (Positioned & { value?: unknown })[] }, frame: unknown) {
    for (const child of node.children) {
      if (child instanceof TemplateData) {
        if (child.value) {
          this._emit(`${this.buffer} += `)
          this.compileLiteral(child, frame)
          this._emit(';\n')
        }
        continue
      }
      this._emit(`${position(child)};\n${this.buffer} += runtime.suppressValue(`)
      this.compile(child, frame)
      this._emit(', false);\n')
    }
  }
  const originalFor = proto.compileFor as (this: unknown, node: unknown, frame: unknown) => void
  proto.compileFor = function (this: Emitter, node: Positioned, frame: unknown) {
    this._emit(`${position(node)};\n`)
    originalFor.call(this, node, frame)
  }
  const originalIf = proto.compileIf as (this: unknown, node: { cond: unknown }, ...rest: unknown[]) => void
  proto.compileIf = function (this: unknown, node: { cond: { lineno: number; colno: number } }, ...rest: unknown[]) {
    if (!(node.cond instanceof Truth)) node.cond = new Truth(node.cond.lineno, node.cond.colno, node.cond) as typeof node.cond
    originalIf.call(this, node, ...rest)
  }
  proto.compileInlineIf = function (this: Emitter, node: { cond: unknown; body: unknown; else_: unknown }, frame: unknown) {
    this._emit('(runtime.tsplayTruthy(')
    this.compile(node.cond, frame)
    this._emit(') ? (')
    this.compile(node.body, frame)
    this._emit(') : (')
    if (node.else_ === null) this._emit('runtime.tsplayNoElse')
    else this.compile(node.else_, frame)
    this._emit('))')
  }
  proto.compileNot = function (this: Emitter, node: { target: unknown }, frame: unknown) {
    this._emit('!runtime.tsplayTruthy(')
    this.compile(node.target, frame)
    this._emit(')')
  }
  const logical = (truthyBranch: 'left' | 'right') =>
    function (this: Emitter, node: { left: unknown; right: unknown }, frame: unknown) {
      // Python's and/or return an operand and evaluate the right side only when needed.
      this._emit('((tsplayLeft) => runtime.tsplayTruthy(tsplayLeft) ? ')
      this._emit(truthyBranch === 'left' ? 'tsplayLeft : (' : '(')
      this.compile(node.right, frame)
      this._emit(truthyBranch === 'left' ? ')' : ') : tsplayLeft')
      this._emit(')((')
      this.compile(node.left, frame)
      this._emit('))')
    }
  proto.compileOr = logical('left')
  proto.compileAnd = logical('right')
  const binary = (op: string) =>
    function (this: Emitter, node: { left: unknown; right: unknown }, frame: unknown) {
      this._emit(`runtime.tsplayBinaryOp(${JSON.stringify(op)}, (`)
      this.compile(node.left, frame)
      this._emit('), (')
      this.compile(node.right, frame)
      this._emit('))')
    }
  for (const [name, op] of Object.entries({ Add: '+', Concat: '~', Sub: '-', Mul: '*', Div: '/', Mod: '%' })) proto[`compile${name}`] = binary(op)
  proto.compileCompare = function (this: Emitter, node: { expr: unknown; ops: { type: string; expr: unknown }[] }, frame: unknown) {
    this._emit('runtime.tsplayCompare((')
    this.compile(node.expr, frame)
    this._emit('), [')
    for (const op of node.ops) {
      this._emit(`${JSON.stringify(op.type)}, (`)
      this.compile(op.expr, frame)
      this._emit('),')
    }
    this._emit('])')
  }
  // A parenthesised list is a Python tuple; nunjucks would emit a JavaScript comma expression.
  proto.compileGroup = function (this: Emitter & { _compileAggregate(node: unknown, frame: unknown, open: string, close: string): void }, node: { children: unknown[] }, frame: unknown) {
    if (node.children.length > 1) this._compileAggregate(node, frame, '[', ']')
    else this._compileAggregate(node, frame, '(', ')')
  }
  proto.compileIs = function (this: Emitter, node: { left: unknown; right: TestNode & { name?: TestNode; args?: unknown } }, frame: unknown) {
    const test = testName(node.right.typename === 'FunCall' ? node.right.name! : node.right)
    this._emit(`(env.getTest(${JSON.stringify(test)}).call(context, `)
    this.compile(node.left, frame)
    if (node.right.args) {
      this._emit(',')
      this._compileAggregate(node.right.args, frame)
    }
    this._emit(') === true)')
  }
}

install()

/** A fresh top-level frame for one render. */
export function newFrame(): unknown {
  const frame = new runtime.Frame()
  frame.topLevel = true
  return frame
}
