import { describe, expect, it } from 'vitest'
import { configureLookups, renderValue } from '../../../../engine/template/index.js'
import { ansiblePrinted, comparable, debugTasks, fixture, play, tsplayPrinted } from './compare.js'

const VARS = `  vars:
    greeting: hello
    templated: "{{ greeting }} world"
    my_a: 1
    my_b: 2
`

// env, vars, varnames, config and what lookup()/query() do around every lookup (wantlist, errors, joining).
const EXPRESSIONS = [
  "lookup('env', 'TSPLAY_LOOKUP_A')",
  "lookup('env', 'TSPLAY_LOOKUP_A', 'TSPLAY_LOOKUP_B')",
  "query('env', 'TSPLAY_LOOKUP_A', 'TSPLAY_LOOKUP_NONE')",
  "lookup('env', 'TSPLAY_LOOKUP_NONE', default='dflt')",
  "lookup('env', 'TSPLAY_LOOKUP_A extra words')",
  "lookup('vars', 'templated')",
  "lookup('vars', 'my_a', 'greeting')",
  "lookup('vars', 'nope', default='d')",
  "lookup('vars', 'nope')",
  "lookup('vars', 'nope', errors='ignore')",
  "query('varnames', '^my_') | sort",
  "lookup('varnames', '^my_b$')",
  "lookup('config', 'DEFAULT_BECOME_USER')",
  "lookup('config', 'NO_SUCH_SETTING', on_missing='skip')",
  "lookup('config', 'NO_SUCH_SETTING')",
  "lookup('config', 'NO_SUCH_SETTING', errors='ignore')",
  "lookup('items', [1, 2], wantlist=True)",
  "lookup('items', ['a', 'b'])",
  "lookup('items', [1, 'b'])",
  "lookup('items', [{'k': 1}])",
  "lookup('items', ['a'], allow_unsafe=True)",
  "lookup('file', 'none.txt', errors='ignore')",
  "query('file', 'none.txt', errors='warn')",
  "lookup('file', 'none.txt', errors='strict')",
  "lookup('no_such_lookup', 'x')",
  "lookup('env', undefined_var, errors='ignore')",
  "q('ansible.builtin.list', 'x')",
]

describe('variable lookups and lookup()/query() themselves', () => {
  it('print what ansible-playbook prints', { timeout: 180_000 }, async () => {
    process.env['TSPLAY_LOOKUP_A'] = 'va'
    process.env['TSPLAY_LOOKUP_B'] = 'vb'
    const dir = fixture({ 'site.yml': play(debugTasks(EXPRESSIONS), VARS) })
    const [ansible, tsplay] = await Promise.all([ansiblePrinted(dir), tsplayPrinted(dir)])
    expect(tsplay.map(comparable)).toEqual(ansible.map(comparable))
    expect(ansible.length).toBe(EXPRESSIONS.length)
  })

  it('fails with ansible`s words', () => {
    expect(() => renderValue("{{ lookup('vars', 'nope') }}", {})).toThrow('No variable found with this name: nope')
    expect(() => renderValue("{{ lookup('nope', 'x') }}", {})).toThrow('lookup plugin (nope) not found')
    expect(() => renderValue("{{ lookup('config', 'X') }}", {})).toThrow("lookup('config'): Unable to find setting X")
    expect(() => renderValue("{{ lookup('config', 'X', plugin_type='become') }}", {})).toThrow('Both plugin_type and plugin_name are required')
  })

  it('reads settings and marks results through the hooks the engine plugs in', () => {
    const marked: unknown[] = []
    configureLookups({ config: (name) => (name === 'MY' ? ['a'] : undefined), markResult: (v) => (marked.push(v), v) })
    try {
      expect(renderValue("{{ lookup('config', 'MY') }}", {})).toEqual(['a'])
      expect(renderValue("{{ lookup('items', ['x', 'y']) }}", {})).toBe('x,y')
      expect(marked).toEqual([['a'], 'x,y'])
    } finally {
      configureLookups({ config: () => undefined, markResult: (v) => v })
    }
  })
})

describe('rendered text read back as data', () => {
  // ansible's Json2Python: `{"a": null, "b": true}` from a lookup (url, pipe, file) becomes a dict
  it('accepts JSON constants as ansible-core 2.14 does', () => {
    expect(renderValue('{{ \'{"a": null, "b": true, "c": [false]}\' }}', {})).toEqual({ a: null, b: true, c: [false] })
    expect(renderValue("{{ 'true' }}", {})).toBe('true')
  })
})
