import { internals } from './runtime.js'

// Jinja2's expression grammar (jinja2/parser.py) on nunjucks' parser, whose precedence differs: in Jinja2 a test
// (`is`) binds like a filter, tighter than any operator (`masters | length is divisibleby 3`), and takes one
// argument without parentheses; `in`/`not in` are comparisons that chain with the others; `~` binds between
// `+`/`-` and `*`/`/`; each level's operators are left-associative among themselves (`2 * 7 // 2` is 7); and
// `a if b else c if d else e` nests in the else branch. From loosest to tightest:
//   condexpr: or (`if` or (`else` condexpr)?)*    or: and (`or` and)*    and: not (`and` not)*
//   not: `not` not | compare                     compare: math1 ((== != < <= > >= in, not in) math1)*
//   math1: concat ((+ -) concat)*                concat: math2 (`~` math2)*
//   math2: pow ((* / // %) pow)*                 pow: unary (`**` unary)*
//   unary: (- +) unary-without-filters | primary-with-postfix, then (`|` filter | `is` test)*

interface Token {
  readonly type: string
  readonly value: string
  readonly lineno: number
  readonly colno: number
}

type Node = { readonly lineno: number; readonly colno: number } & Record<string, unknown>
type NodeClass = new (...args: unknown[]) => Node

interface Parser {
  nextToken(): Token | null
  peekToken(): Token | null
  pushToken(token: Token | null): void
  skipSymbol(value: string): boolean
  skipValue(type: string, value: string): boolean
  skip(type: string): boolean
  fail(message: string, lineno?: number, colno?: number): never
  parseOr(): Node
  parseNot(): Node
  parsePrimary(noPostfix?: boolean): Node
  parseFilter(node: Node): Node
  parseSignature(): Node
  parseUnary(noFilters?: boolean): Node
  parseJinjaCompare(): Node
  parseJinjaMath1(): Node
  parseJinjaConcat(): Node
  parseJinjaMath2(): Node
  parsePow(): Node
  parseJinjaTest(node: Node): Node
  parseInlineIf(): Node
}

const COMPARE = new Set(['==', '!=', '<', '>', '<=', '>='])
const MATH1: Record<string, string> = { '+': 'Add', '-': 'Sub' }
const MATH2: Record<string, string> = { '*': 'Mul', '/': 'Div', '//': 'FloorDiv', '%': 'Mod' }
// what may start a test's one unparenthesised argument (`is divisibleby 3`, `is sameas true`), as Jinja2 allows
const TEST_ARGUMENT = new Set(['symbol', 'string', 'int', 'float', 'boolean', 'none', 'left-paren', 'left-bracket', 'left-curly'])
const NOT_AN_ARGUMENT = new Set(['else', 'or', 'and', 'if'])

/** Replace nunjucks' expression levels by Jinja2's, once, process-wide. */
export function installJinjaGrammar(): void {
  const nodes = internals.nodes as unknown as Record<string, NodeClass>
  const parser = internals.parser.Parser.prototype as unknown as Parser

  parser.parseInlineIf = function (this: Parser) {
    let node = this.parseOr()
    while (this.skipSymbol('if')) {
      const cond = this.parseOr()
      const inline = new nodes['InlineIf']!(node.lineno, node.colno)
      inline['body'] = node
      inline['cond'] = cond
      inline['else_'] = this.skipSymbol('else') ? this.parseInlineIf() : null
      node = inline
    }
    return node
  }
  // nunjucks' `not` level calls its `in` level next: that becomes Jinja2's comparison level
  ;(parser as unknown as Record<string, unknown>)['parseIn'] = function (this: Parser) {
    return this.parseJinjaCompare()
  }
  parser.parseJinjaCompare = function (this: Parser) {
    const expr = this.parseJinjaMath1()
    const ops: Node[] = []
    for (;;) {
      const tok = this.nextToken()
      let op: string | undefined
      if (tok?.type === 'operator' && COMPARE.has(tok.value)) op = tok.value
      else if (tok?.type === 'symbol' && tok.value === 'in') op = 'in'
      else if (tok?.type === 'symbol' && tok.value === 'not') {
        if (!this.skipSymbol('in')) this.fail("expected 'in' after 'not'", tok.lineno, tok.colno)
        op = 'not in'
      }
      if (op === undefined || tok === null) {
        this.pushToken(tok)
        break
      }
      ops.push(new nodes['CompareOperand']!(tok.lineno, tok.colno, this.parseJinjaMath1(), op))
    }
    return ops.length ? new nodes['Compare']!(ops[0]!.lineno, ops[0]!.colno, expr, ops) : expr
  }
  const leftAssociative = (operators: Record<string, string>, operand: (p: Parser) => Node) =>
    function (this: Parser): Node {
      let node = operand(this)
      for (;;) {
        const tok = this.nextToken()
        const kind = tok?.type === 'operator' ? operators[tok.value] : undefined
        if (kind === undefined || tok === null) {
          this.pushToken(tok)
          return node
        }
        node = new nodes[kind]!(node.lineno, node.colno, node, operand(this))
      }
    }
  parser.parseJinjaMath1 = leftAssociative(MATH1, (p) => p.parseJinjaConcat())
  parser.parseJinjaConcat = function (this: Parser) {
    let node = this.parseJinjaMath2()
    while (this.skip('tilde')) node = new nodes['Concat']!(node.lineno, node.colno, node, this.parseJinjaMath2())
    return node
  }
  parser.parseJinjaMath2 = leftAssociative(MATH2, (p) => p.parsePow())
  parser.parseUnary = function (this: Parser, noFilters?: boolean) {
    const tok = this.peekToken()
    let node: Node
    if (this.skipValue('operator', '-')) node = new nodes['Neg']!(tok!.lineno, tok!.colno, this.parseUnary(true))
    else if (this.skipValue('operator', '+')) node = new nodes['Pos']!(tok!.lineno, tok!.colno, this.parseUnary(true))
    else node = this.parsePrimary()
    if (noFilters) return node
    for (;;) {
      const next = this.peekToken()
      if (next?.type === 'pipe') node = this.parseFilter(node)
      else if (next?.type === 'symbol' && next.value === 'is') node = this.parseJinjaTest(node)
      else return node
    }
  }
  parser.parseJinjaTest = function (this: Parser, node: Node) {
    const is = this.nextToken()!
    const negated = this.skipSymbol('not')
    const first = this.nextToken()
    if (first === null || !['symbol', 'none', 'boolean'].includes(first.type)) this.fail('expected a test name after is', is.lineno, is.colno)
    let name = first.type === 'none' ? 'none' : String(first.value)
    while (this.skipValue('operator', '.')) {
      const part = this.nextToken()
      if (part?.type !== 'symbol') this.fail('expected a name in the test name', is.lineno, is.colno)
      name += `.${part.value}`
    }
    let test = new nodes['Symbol']!(first.lineno, first.colno, name)
    const next = this.peekToken()
    if (next?.type === 'left-paren') {
      test = new nodes['FunCall']!(first.lineno, first.colno, test, this.parseSignature())
    } else if (next !== null && TEST_ARGUMENT.has(next.type) && !(next.type === 'symbol' && NOT_AN_ARGUMENT.has(next.value))) {
      if (next.type === 'symbol' && next.value === 'is') this.fail('you cannot chain multiple tests with is', next.lineno, next.colno)
      const argument = this.parsePrimary()
      test = new nodes['FunCall']!(first.lineno, first.colno, test, new nodes['NodeList']!(argument.lineno, argument.colno, [argument]))
    }
    const result = new nodes['Is']!(is.lineno, is.colno, node, test)
    return negated ? new nodes['Not']!(is.lineno, is.colno, result) : result
  }
}
