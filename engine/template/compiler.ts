import { installJinjaGrammar } from './grammar.js'
import { internals } from './runtime.js'

// nunjucks' compiler emits JavaScript operators (`||`, `!`, `==`, `+`); these patches make compiled
// templates call the Python-semantics helpers installed on nunjucks' runtime by runtime.ts.

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

/** Patch nunjucks' compiler once, process-wide. */
function installCompiler(): void {
  const proto = internals.compiler.Compiler.prototype as Proto
  const TemplateData = internals.nodes.TemplateData as new () => object
  const originalAssertType = proto.assertType as (this: unknown, node: unknown, ...types: unknown[]) => void
  const Truth = internals.nodes.Node.extend('TsplayTruth', { fields: ['target'] })
  const IterationScope = internals.nodes.Node.extend('TsplayIterationScope', { fields: ['names'] })
  proto.assertType = function (this: unknown, node: unknown, ...types: unknown[]) {
    if (node instanceof Truth || node instanceof loopFilterNode || node instanceof IterationScope) return
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
  proto.compileFor = function (this: Emitter & Lines, node: Positioned & { name: { value?: string; children?: { value: string }[] }; body: { children: unknown[] } }, frame: unknown) {
    this._emit(`${position(node)};\n`)
    // Jinja2 scopes a loop body: `{% set %}` inside it starts afresh each iteration and never leaks out.
    const names = node.name.children ? node.name.children.map((c) => c.value) : [String(node.name.value)]
    node.body.children.unshift(new IterationScope(node.lineno, node.colno, names))
    rewritingLines(this, (line) => (line === 'frame = frame.push();' ? 'frame = frame.push(true);' : line), () => originalFor.call(this, node, frame))
  }
  const originalSet = proto.compileSet as (this: unknown, node: unknown, frame: unknown) => void
  proto.compileSet = function (this: Emitter, node: Positioned, frame: unknown) {
    this._emit(`${position(node)};\n`)
    originalSet.call(this, node, frame)
  }
  for (const name of ['compileInclude', 'compileImport', 'compileFromImport']) {
    const original = proto[name] as (this: unknown, node: unknown, frame: unknown) => void
    proto[name] = function (this: Emitter & Lines, node: Positioned, frame: unknown) {
      this._emit(`${position(node)};\n`)
      // nunjucks passes a failed include's error straight up; give it the statement's position first.
      const located = (line: string): string => line.replace(/if\((t_\d+)\) \{ cb\(\1\); return; \}/g, 'if($1) { cb(runtime.handleError($1, lineno, colno)); return; }')
      rewritingLines(this, located, () => original.call(this, node, frame))
    }
  }
  proto.compileTsplayIterationScope = function (this: Emitter, node: { names: string[] }) {
    this._emit(`runtime.tsplayIterationScope(frame, ${JSON.stringify(node.names)});\n`)
  }
  // Macros return nunjucks' SafeString; templates here deal in plain strings.
  const originalMacro = proto._compileMacro as (this: unknown, ...args: unknown[]) => unknown
  proto._compileMacro = function (this: Emitter & Lines, ...args: unknown[]) {
    return rewritingLines(this, (line) => line.replace(/^return new runtime\.SafeString\((.*)\);$/, 'return String($1);'), () => originalMacro.apply(this, args))
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
    // Jinja2 yields an Undefined without an else; under Ansible it renders as nothing.
    if (node.else_ === null) this._emit('""')
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
  for (const [name, op] of Object.entries({ Neg: '-', Pos: '+' })) {
    proto[`compile${name}`] = function (this: Emitter, node: { target: unknown }, frame: unknown) {
      this._emit(`runtime.tsplayUnaryOp(${JSON.stringify(op)}, `)
      this.compile(node.target, frame)
      this._emit(')')
    }
  }
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
  // nunjucks quotes the callee's name by hand; a string literal holding a newline would break the
  // generated JavaScript (`"a\nb".splitlines()`).
  proto.compileFunCall = function (this: Emitter & { _compileExpression(node: unknown, frame: unknown): void; _getNodeName(node: unknown): string; _compileAggregate(node: unknown, frame: unknown, open: string, close: string): void }, node: Positioned & { name: unknown; args: unknown }, frame: unknown) {
    this._emit(`(${position(node)}, runtime.callWrap(`)
    this._compileExpression(node.name, frame)
    this._emit(`, ${JSON.stringify(this._getNodeName(node.name))}, context, `)
    this._compileAggregate(node.args, frame, '[', '])')
    this._emit(')')
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


interface Lines {
  _emitLine(line: string): void
}

/** Run `compile` with each line it emits passed through `rewrite` (for one-line changes to nunjucks' output). */
function rewritingLines<T>(compiler: Lines, rewrite: (line: string) => string, compile: () => T): T {
  const emitLine = compiler._emitLine
  compiler._emitLine = (line: string) => emitLine.call(compiler, rewrite(line))
  try {
    return compile()
  } finally {
    compiler._emitLine = emitLine
  }
}

type AnyNode = Positioned & Record<string, unknown>
type NodeClass = new (...args: unknown[]) => AnyNode

// `items if cond` of a for loop, with the loop variable names the condition sees.
const loopFilterNode = internals.nodes.Node.extend('TsplayLoopFilter', { fields: ['arr', 'names', 'cond'] }) as unknown as NodeClass

/**
 * Jinja2's loop filter `{% for x in items if cond %}` (nunjucks would read `items if cond` as an
 * inline if): the items are filtered before the loop, so loop.index, loop.length and `else` agree.
 */
function installLoopFilter(): void {
  const nodes = internals.nodes as unknown as Record<'For' | 'InlineIf' | 'Array', NodeClass>
  const parser = internals.parser.Parser.prototype
  const originalParseFor = parser.parseFor as (this: unknown) => AnyNode
  parser.parseFor = function (this: unknown) {
    const node = originalParseFor.call(this)
    const arr = node.arr as AnyNode
    if (node instanceof nodes.For && arr instanceof nodes.InlineIf && arr.else_ === null) {
      const target = node.name as AnyNode & { children?: AnyNode[]; value?: string }
      const names = target instanceof nodes.Array ? target.children!.map((c) => String(c.value)) : [String(target.value)]
      node.arr = new loopFilterNode(arr.lineno, arr.colno, arr.body, names, arr.cond)
    }
    return node
  }
  const proto = internals.compiler.Compiler.prototype as Proto
  proto.compileTsplayLoopFilter = function (this: Emitter, node: { arr: unknown; names: string[]; cond: unknown }, frame: unknown) {
    this._emit('runtime.tsplayLoopFilter((')
    this.compile(node.arr, frame)
    this._emit('), (tsplayItem) => { frame = frame.push(); ')
    node.names.forEach((name, i) => this._emit(`frame.set(${JSON.stringify(name)}, ${node.names.length === 1 ? 'tsplayItem' : `tsplayItem[${i}]`}); `))
    this._emit('try { return runtime.tsplayTruthy(')
    this.compile(node.cond, frame)
    this._emit('); } finally { frame = frame.pop(); } })')
  }
}

interface Tokenizer {
  trimBlocks: boolean
  nextToken(): { type: string } | null
  current(): string
  forward(): void
}

/** Jinja2's trim_blocks also takes the newline after a comment (`{# … #}`); nunjucks' lexer only does after a block tag. */
function installCommentTrim(): void {
  const lexer = (internals as unknown as { lexer: { lex(src: string, opts: object): Tokenizer } }).lexer
  const lex = lexer.lex
  lexer.lex = (src, opts) => {
    const tokenizer = lex(src, opts)
    const next = tokenizer.nextToken.bind(tokenizer)
    tokenizer.nextToken = () => {
      const token = next()
      if (token?.type === 'comment' && tokenizer.trimBlocks) {
        if (tokenizer.current() === '\r') tokenizer.forward()
        if (tokenizer.current() === '\n') tokenizer.forward()
      }
      return token
    }
    return tokenizer
  }
}

installCompiler()
installJinjaGrammar()
installLoopFilter()
installCommentTrim()
