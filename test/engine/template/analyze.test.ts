// analyzeTemplate reads what a template uses from its syntax tree without rendering it, for `tsplay check`.
import { describe, expect, it } from 'vitest'
import { analyzeTemplate, isKnownFilter, isKnownLookup, isKnownTest } from '../../../engine/template/index.js'

const names = (list: ReadonlyArray<{ name: string }>): string[] => list.map((n) => n.name)

describe('analyzeTemplate', () => {
  it('finds filters, tests and lookups with their 1-based positions', () => {
    const use = analyzeTemplate("{{ a | upper }} {{ b is odd }} {{ lookup('env', 'HOME') }}", 'inline')
    expect(use.filters).toEqual([{ name: 'upper', line: 1, col: 8 }])
    expect(use.tests).toEqual([{ name: 'odd', line: 1, col: 25 }])
    expect(use.lookups).toEqual([{ name: 'env', line: 1, col: 42 }])
    expect(names(use.variables)).toEqual(['a', 'b'])
  })

  it('leaves out what the template defines itself: set, for targets, macro arguments, loop', () => {
    const use = analyzeTemplate('{% set x = 1 %}{% for k, v in d.items() %}{{ k }}{{ v }}{{ loop.index }}{% endfor %}{% macro m(p, q=1) %}{{ p }}{{ q }}{% endmacro %}{{ x }}{{ range(3) }}', 'file')
    expect(names(use.variables)).toEqual(['d'])
  })

  it('treats a variable under `is defined` or `default` as guarded, not as a use', () => {
    const use = analyzeTemplate('a is defined and b.c is undefined and (d | default(e)) and f', 'expression')
    expect([...use.guarded].sort()).toEqual(['a', 'b', 'd'])
    expect(names(use.variables)).toEqual(['e', 'f'])
  })

  it('places a bare expression’s names and syntax errors in the expression’s own columns', () => {
    expect(analyzeTemplate('rc == 0 and xyz', 'expression').variables).toEqual([{ name: 'rc', line: 1, col: 1 }, { name: 'xyz', line: 1, col: 13 }])
    expect(analyzeTemplate('rc ==', 'expression').syntaxError).toEqual({ message: 'unexpected token: }}', line: 1, col: 7 })
  })

  it('reports a syntax error of a template file at its line and column', () => {
    expect(analyzeTemplate('a\n{% if %}\n', 'file').syntaxError).toMatchObject({ line: 2, col: 7 })
  })

  it('ignores text that is not a template', () => {
    expect(analyzeTemplate('plain {text}', 'inline')).toEqual({ filters: [], tests: [], lookups: [], variables: [], guarded: new Set() })
  })

  it('knows tsplay’s plugins, collection-qualified names by their last part', () => {
    expect([isKnownFilter('to_json'), isKnownFilter('ansible.builtin.to_json'), isKnownFilter('nope')]).toEqual([true, true, false])
    expect([isKnownTest('defined'), isKnownTest('nope')]).toEqual([true, false])
    expect([isKnownLookup('file'), isKnownLookup('nope')]).toEqual([true, false])
  })
})
