// Templates in playbook values and template files: syntax, unknown filters, tests and lookups, variables read.
import { readFileSync } from 'node:fs'
import { isScalar, isSeq, type Node, type Scalar } from 'yaml'
import type { SourceLocation } from '../errors.js'
import { analyzeTemplate, isKnownFilter, isKnownLookup, isKnownTest, type TemplateUse } from '../template/index.js'
import { displayPath, type SourceFile } from '../yaml/index.js'
import type { Findings } from './findings.js'
import { insideScalar, stringScalars } from './locate.js'

/** Keywords holding a bare conditional expression (or a list of them). */
export const CONDITIONS: ReadonlySet<string> = new Set(['when', 'changed_when', 'failed_when', 'until'])

const MARKS = /\{\{|\{%|\{#/

/**
 * Check every templated string under `node` (keys left out) as an inline template. `uses: false` for a task's
 * `name`, which ansible shows as written when a variable in it is undefined rather than failing.
 */
export function checkStrings(f: Findings, src: SourceFile, node: unknown, uses = true): void {
  for (const scalar of stringScalars(node)) if (MARKS.test(scalar.value as string)) checkScalar(f, src, scalar, 'inline', 'template-syntax', uses)
}

/**
 * Check a conditional keyword's value: each string is a bare expression; `{{ }}` in it is what ansible warns
 * about for `when` (and still renders), so it is checked as a template then.
 */
export function checkCondition(f: Findings, src: SourceFile, keyword: string, node: Node | null | undefined): void {
  const items = isSeq(node) ? (node.items as Node[]) : [node]
  for (const item of items) {
    if (!isScalar(item) || typeof item.value !== 'string' || item.value.trim() === '') continue
    if (MARKS.test(item.value)) {
      if (keyword === 'when') f.add(insideScalar(src, item, 1, 1), 'warning', 'when-templated', 'conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}')
      checkScalar(f, src, item, 'inline', 'bad-conditional')
    } else {
      checkScalar(f, src, item, 'expression', 'bad-conditional')
    }
  }
}

function checkScalar(f: Findings, src: SourceFile, scalar: Scalar, kind: 'inline' | 'expression', syntaxKind: string, uses = true): void {
  const use = analyzeTemplate(String(scalar.value), kind)
  report(f, uses ? use : { ...use, variables: [] }, (line, col) => insideScalar(src, scalar, line, col), syntaxKind, displayScalar(scalar))
}

const displayScalar = (s: Scalar): string => JSON.stringify(String(s.value).length > 80 ? `${String(s.value).slice(0, 80)}...` : s.value)

/** Check a template file (`template: src=`): located inside the file itself. */
export function checkTemplateFile(f: Findings, path: string): void {
  const shown = displayPath(path)
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    f.add({ file: shown, line: 1, col: 1 }, 'error', 'template-missing', `cannot read template ${shown}`)
    return
  }
  report(f, analyzeTemplate(text, 'file'), (line, col) => ({ file: shown, line, col }), 'template-syntax', shown)
}

function report(f: Findings, use: TemplateUse, at: (line: number, col: number) => SourceLocation, syntaxKind: string, what: string): void {
  if (use.syntaxError) {
    const e = use.syntaxError
    f.add(at(e.line, e.col), 'error', syntaxKind, `template syntax error: ${e.message} in ${what}`)
    return
  }
  for (const n of use.filters) if (!isKnownFilter(n.name)) f.add(at(n.line, n.col), 'error', 'unknown-filter', `no filter named '${n.name}'`)
  for (const n of use.tests) if (!isKnownTest(n.name)) f.add(at(n.line, n.col), 'error', 'unknown-test', `no test named '${n.name}'`)
  for (const n of use.lookups) if (!isKnownLookup(n.name)) f.add(at(n.line, n.col), 'error', 'unknown-lookup', `no lookup plugin named '${n.name}'`)
  for (const n of use.variables) f.uses.push({ name: n.name, at: at(n.line, n.col) })
  for (const name of use.guarded) f.guarded.add(name)
}
