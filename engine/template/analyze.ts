// What a template uses, read from its syntax tree without rendering it (for `tsplay check`): syntax errors, the
// filters, tests and lookups it names, and the variables it reads that nothing in the template itself defines.
import nunjucks from 'nunjucks'
import { fileWhitespace, flavor } from './environment.js'
import { FILTERS } from './filters/index.js'
import { GLOBALS } from './globals.js'
import { LOOKUP_NAMES } from './lookups/index.js'
import { toNunjucks } from './lex.js'
import { MARKS } from './marks.js'
import { internals } from './runtime.js'
import { TESTS } from './tests.js'
import './template.js'

/** A name the template uses, at its 1-based line and column inside the template text. */
export interface UsedName {
  readonly name: string
  readonly line: number
  readonly col: number
}

/** What analyzeTemplate found. Positions are inside the template text, 1-based. */
export interface TemplateUse {
  readonly syntaxError?: { readonly message: string; readonly line: number; readonly col: number }
  readonly filters: readonly UsedName[]
  readonly tests: readonly UsedName[]
  readonly lookups: readonly UsedName[]
  /** Variables read and not defined in the template (`set`, `for`, macro arguments) nor guarded by it. */
  readonly variables: readonly UsedName[]
  /** Variables the template tests with `is defined`/`is undefined` or gives a `default`: they may be absent. */
  readonly guarded: ReadonlySet<string>
}

type AstNode = { readonly typename: string; readonly lineno: number; readonly colno: number; readonly fields?: readonly string[] } & Record<string, unknown>

const parser = (nunjucks as unknown as { parser: { parse(src: string, extensions: unknown[], opts: object): AstNode } }).parser
// names every template may read: Jinja2's and Ansible's globals, loop machinery, our own helpers
const ALWAYS = new Set([...Object.keys(GLOBALS), 'loop', 'caller', 'varargs', 'kwargs', 'self', 'true', 'false', 'none', 'True', 'False', 'None', 'omit', 'now', 'lipsum', 'cycler', 'joiner', 'undef', '__tsplay_ignored__'])
const GUARD_TESTS = new Set(['defined', 'undefined', 'none'])
const GUARD_FILTERS = new Set(['default', 'd', 'mandatory'])

/**
 * Analyze a template: an inline string from a playbook (`kind: 'inline'`), a bare conditional expression
 * (`'expression'`, as `when:` is written) or a template file's text (`'file'`).
 */
export function analyzeTemplate(text: string, kind: 'inline' | 'expression' | 'file'): TemplateUse {
  const empty = { filters: [], tests: [], lookups: [], variables: [], guarded: new Set<string>() }
  if (kind !== 'expression' && !MARKS.test(text)) return empty
  const { whitespace, body } = kind === 'file' ? fileWhitespace(text) : { whitespace: { trimBlocks: true, lstripBlocks: false }, body: text }
  const source = kind === 'expression' ? toNunjucks(`{{ ${text} }}`, true) : toNunjucks(body, kind === 'inline')
  const { env } = flavor(whitespace)
  let root: AstNode
  try {
    root = parser.parse(source, [], (env as unknown as { opts: object }).opts)
    // the compiler refuses a few things the parser takes (an unknown tag's body, a bad assignment target)
    ;(new nunjucks.Template(source, env, undefined, false) as unknown as { compile(): void }).compile()
  } catch (error) {
    const e = error as { message?: string; lineno?: number; colno?: number }
    const message = String(e.message ?? error).replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/, '').replace(/^\w+: /, '')
    const line = e.lineno ?? 1
    // an expression was parsed as `{{ expr }}`: columns on its first line move back by the `{{ ` added
    const col = Math.max(1, (e.colno ?? 1) - (kind === 'expression' && line === 1 ? 3 : 0))
    return { ...empty, syntaxError: { message: message.charAt(0).toLowerCase() + message.slice(1), line, col } }
  }
  const walk = new Walk(kind === 'expression' ? 3 : 0)
  walk.visit(root)
  return { filters: walk.filters, tests: walk.tests, lookups: walk.lookups, variables: walk.variables.filter((v) => !walk.bound.has(v.name) && !walk.guarded.has(v.name)), guarded: walk.guarded }
}

/** True when tsplay has a filter of this name (a collection-qualified name is looked up by its last part). */
export const isKnownFilter = (name: string): boolean => FILTERS[name] !== undefined || FILTERS[lastPart(name)] !== undefined
/** True when tsplay has a test of this name. */
export const isKnownTest = (name: string): boolean => TESTS[name] !== undefined || TESTS[lastPart(name)] !== undefined
/** True when tsplay has a lookup plugin of this name. */
export const isKnownLookup = (name: string): boolean => LOOKUP_NAMES.includes(name) || LOOKUP_NAMES.includes(lastPart(name))

const lastPart = (name: string): string => name.slice(name.lastIndexOf('.') + 1)

const nodes = internals.nodes as unknown as Record<string, new (...args: unknown[]) => object>
const isNode = (v: unknown): v is AstNode => typeof v === 'object' && v !== null && v instanceof (nodes['Node'] as new () => object)

class Walk {
  readonly filters: UsedName[] = []
  readonly tests: UsedName[] = []
  readonly lookups: UsedName[] = []
  readonly variables: UsedName[] = []
  readonly bound = new Set<string>(ALWAYS)
  readonly guarded = new Set<string>()
  // an expression is analyzed as `{{ expr }}`: columns shift by the three characters added in front
  constructor(private readonly shift: number) {}

  private at(node: AstNode, name: string): UsedName {
    return { name, line: node.lineno + 1, col: Math.max(1, node.colno + 1 - (node.lineno === 0 ? this.shift : 0)) }
  }

  visit(node: unknown): void {
    if (Array.isArray(node)) return node.forEach((n) => this.visit(n))
    if (!isNode(node)) return
    switch (node.typename) {
      case 'Symbol':
        this.variables.push(this.at(node, String(node['value'])))
        return
      case 'Filter':
      case 'FilterAsync': {
        const name = symbolName(node['name'])
        if (name !== undefined) this.filters.push(this.at(node['name'] as AstNode, name))
        const args = childrenOf(node['args'])
        if (name !== undefined && GUARD_FILTERS.has(name) && args[0] !== undefined) this.guard(args[0])
        return this.visit(args)
      }
      case 'Is': {
        const right = node['right'] as AstNode
        const nameNode = right.typename === 'FunCall' ? (right['name'] as AstNode) : right
        const name = symbolName(nameNode)
        if (name !== undefined) this.tests.push(this.at(nameNode, name))
        if (name !== undefined && GUARD_TESTS.has(name)) this.guard(node['left'])
        this.visit(node['left'])
        return right.typename === 'FunCall' ? this.visit(childrenOf(right['args'])) : undefined
      }
      case 'FunCall': {
        const name = symbolName(node['name'])
        const args = childrenOf(node['args'])
        if ((name === 'lookup' || name === 'query' || name === 'q') && args[0]?.typename === 'Literal') this.lookups.push(this.at(args[0], String(args[0]['value'])))
        break
      }
      case 'For':
      case 'Set':
      case 'Macro':
        for (const target of [node['name'], node['targets'], node['args']].flat().flatMap((t) => (isNode(t) && t.typename !== 'Symbol' ? childrenOf(t) : [t]))) {
          const name = symbolName(target)
          if (name !== undefined) this.bound.add(name)
          if (isNode(target) && target.typename === 'KeywordArgs') childrenOf(target).forEach((p) => this.bindPair(p))
        }
        if (node.typename === 'Macro') return this.visit(node['body'])
        break
      case 'KeywordArgs':
        return childrenOf(node).forEach((pair) => this.visit(pair['value']))
    }
    for (const field of node.fields ?? []) {
      if ((node.typename === 'For' && field === 'name') || (node.typename === 'Set' && field === 'targets')) continue
      this.visit(node[field])
    }
  }

  private bindPair(pair: AstNode): void {
    const name = symbolName(pair['key'])
    if (name !== undefined) this.bound.add(name)
  }

  // the variable at the root of `a.b['c']`, which `is defined` or `default` may find missing
  private guard(node: unknown): void {
    let n = node
    while (isNode(n) && n.typename === 'LookupVal') n = n['target']
    const name = symbolName(n)
    if (name !== undefined) this.guarded.add(name)
  }
}

const symbolName = (node: unknown): string | undefined => (isNode(node) && node.typename === 'Symbol' ? String(node['value']) : undefined)
const childrenOf = (node: unknown): AstNode[] => (isNode(node) && Array.isArray(node['children']) ? (node['children'] as AstNode[]) : [])
