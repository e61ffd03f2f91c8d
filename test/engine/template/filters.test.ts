import { homedir } from 'node:os'
import { describe, expect, it } from 'vitest'
import { renderValue } from '../../../engine/template/template.js'
import { templated } from './templated.js'

// Expected values were captured from ansible-core 2.14.18 (`Templar.template` with these variables).
// Numbers are written as values and compared as ansible returns them, as text (templated.ts).
const vars = {
  users: [{ name: 'bob', age: 3, groups: ['g1', 'g2'] }, { name: 'al' }],
  r_ok: { changed: true, failed: false },
  r_fail: { failed: true },
  r_skip: { skipped: true },
  r_loop: { results: [{ changed: false }, { changed: true }] },
}
const render = (text: string): unknown => renderValue(text, vars)

describe('filters, as ansible-core renders them', () => {
  it.each([
      // captured from ansible-core 2.14.18 (Templar.template); numbers are native here, strings there
      ["{{ x | default('d') }}", "d"],
      ["{{ '' | default('d') }}", ""],
      ["{{ '' | default('d', true) }}", "d"],
      ["{{ 0 | d('z', true) }}", "z"],
      ["{{ 'yes' | bool }}", true],
      ["{{ 'off' | bool }}", false],
      ["{{ 1 | bool }}", true],
      ["{{ 2 | bool }}", false],
      ["{{ '42' | int }}", 42],
      ["{{ '4.7' | int }}", 4],
      ["{{ 'abc' | int }}", 0],
      ["{{ 'abc' | int(7) }}", 7],
      ["{{ '0x1F' | int(base=16) }}", 31],
      ["{{ '1F' | int(0, 16) }}", 31],
      ["{{ '101' | int(base=2) }}", 5],
      ["{{ '3.5' | float }}", 3.5],
      ["{{ 'x' | float }}", 0],
      ["{{ 5 | string }}", "5"],
      ["{{ [1, 'a'] | string }}", "[1, 'a']"],
      ["{{ 'AbC' | lower }}", "abc"],
      ["{{ 'AbC' | upper }}", "ABC"],
      ["{{ '  a b  ' | trim }}", "a b"],
      ["{{ [1,2,3] | length }}", 3],
      ["{{ 'abc' | count }}", 3],
      ["{{ {'a':1} | length }}", 1],
      ["{{ [3,1,2] | first }}", 3],
      ["{{ [3,1,2] | last }}", 2],
      ["{{ 'abc' | first }}", "a"],
      ["{{ [1,2,3] | join('-') }}", "1-2-3"],
      ["{{ ['a','b'] | join }}", "ab"],
      ["{{ 'a,b,c' | split(',') }}", ["a", "b", "c"]],
      ["{{ 'a b  c' | split }}", ["a", "b", "c"]],
      ["{{ ['1','2'] | map('int') | list }}", [1, 2]],
      ["{{ users | map(attribute='name') | list }}", ["bob", "al"]],
      ["{{ users | map(attribute='age', default=0) | list }}", [3, 0]],
      ["{{ [1,2,3,4] | select('even') | list }}", [2, 4]],
      ["{{ [1,2,3,4] | reject('odd') | list }}", [2, 4]],
      ["{{ users | selectattr('age', 'defined') | map(attribute='name') | list }}", ["bob"]],
      ["{{ users | selectattr('name', 'equalto', 'bob') | list }}", [{"name": "bob", "age": 3, "groups": ["g1", "g2"]}]],
      ["{{ users | rejectattr('name', 'match', 'b.*') | map(attribute='name') | list }}", ["al"]],
      ["{{ ['abc', 'xbz'] | select('search', 'b') | list }}", ["abc", "xbz"]],
      ["{{ ['1.2', '1.10', '2.0'] | select('version', '1.5', '<') | list }}", ["1.2"]],
      ["{{ 'ab' | list }}", ["a", "b"]],
      ["{{ {'a':1,'b':2} | list }}", ["a", "b"]],
      ["{{ [1,2,1,3,2] | unique }}", [1, 2, 3]],
      ["{{ [3,1,2] | sort }}", [1, 2, 3]],
      ["{{ ['b','A','c'] | sort }}", ["A", "b", "c"]],
      ["{{ [3,1,2] | sort(reverse=true) }}", [3, 2, 1]],
      ["{{ users | sort(attribute='name') | map(attribute='name') | list }}", ["al", "bob"]],
      ["{{ [3,1,2] | min }}", 1],
      ["{{ [3,1,2] | max }}", 3],
      ["{{ [1,2,3] | sum }}", 6],
      ["{{ {'a':1,'b':2} | dict2items }}", [{"key": "a", "value": 1}, {"key": "b", "value": 2}]],
      ["{{ {'a':1} | dict2items(key_name='k', value_name='v') }}", [{"k": "a", "v": 1}]],
      ["{{ [{'key':'a','value':1}] | items2dict }}", {"a": 1}],
      ["{{ [{'k':'a','v':1}] | items2dict(key_name='k', value_name='v') }}", {"a": 1}],
      ["{{ {'a':1,'b':{'x':1}} | combine({'b':{'y':2}}) }}", {"a": 1, "b": {"y": 2}}],
      ["{{ {'a':1,'b':{'x':1}} | combine({'b':{'y':2}}, recursive=True) }}", {"a": 1, "b": {"x": 1, "y": 2}}],
      ["{{ {'a':[1,2]} | combine({'a':[3]}, list_merge='append') }}", {"a": [1, 2, 3]}],
      ["{{ {'a':[1,2]} | combine({'a':[2,3]}, list_merge='append_rp') }}", {"a": [1, 2, 3]}],
      ["{{ {'a':[1,2]} | combine({'a':[2,3]}, list_merge='prepend') }}", {"a": [2, 3, 1, 2]}],
      ["{{ [{'a':1},{'b':2}] | combine }}", {"a": 1, "b": 2}],
      ["{{ {'b':1,'a':[1,{}],'c':'é'} | to_json }}", "{\"b\": 1, \"a\": [1, {}], \"c\": \"\\u00e9\"}"],
      ["{{ {'b':1,'a':[1,{}]} | to_nice_json }}", "{\n    \"a\": [\n        1,\n        {}\n    ],\n    \"b\": 1\n}"],
      ["{{ {'b':1,'a':[1,{}]} | to_nice_json(indent=2) }}", "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": 1\n}"],
      ["{{ {'b':[1,2,{'x':'y z','n':none}],'a':{'k':'v','l':[]},'s':'yes','e':''} | to_yaml }}", "a:\n  k: v\n  l: []\nb:\n- 1\n- 2\n- {n: null, x: y z}\ne: ''\ns: 'yes'\n"],
      ["{{ {'b':[1,2,{'x':'y z','n':none}],'a':{'k':'v','l':[]},'s':'yes','e':''} | to_nice_yaml }}", "a:\n    k: v\n    l: []\nb:\n- 1\n- 2\n-   n: null\n    x: y z\ne: ''\ns: 'yes'\n"],
      ["{{ [[1,2],[3]] | to_nice_yaml }}", "-   - 1\n    - 2\n-   - 3\n"],
      ["{{ 'abc' | to_yaml }}", "abc\n"],
      ["{{ {'m': 'a\\nb'} | to_nice_yaml }}", "m: a\\nb\n"],
      ["{{ '{\"a\": [1, true, null]}' | from_json }}", {"a": [1, true, null]}],
      ["{{ 'hello world' | regex_replace('o', '0') }}", "hell0 w0rld"],
      ["{{ 'hello world' | regex_replace('(\\w+) (\\w+)', '\\2 \\1') }}", "world hello"],
      ["{{ 'hello world' | regex_replace('(?P<a>\\w+) (?P<b>\\w+)', '\\g<b>-\\g<a>') }}", "world-hello"],
      ["{{ 'Hello' | regex_replace('h', 'J', ignorecase=True) }}", "Jello"],
      ["{{ 'server1.example.com' | regex_search('server(\\d+)') }}", "server1"],
      ["{{ 'server1.example.com' | regex_search('server(\\d+)', '\\1') }}", ["1"]],
      ["{{ 'server1.example.com' | regex_search('(?P<n>\\d+)', '\\g<n>') }}", ["1"]],
      ["{{ 'a1b22c333' | regex_findall('\\d+') }}", ["1", "22", "333"]],
      ["{{ 'k1=v1 k2=v2' | regex_findall('(\\w+)=(\\w+)') }}", [["k1", "v1"], ["k2", "v2"]]],
      ["{{ 'a.b' | regex_escape }}", "a\\.b"],
      ["{{ 'hello' | replace('l', 'L') }}", "heLLo"],
      ["{{ 'a\\nb\\n\\nc' | indent(2) }}", "a\\nb\\n\\nc"],
      ["{{ 'a\\nb' | indent(2, first=True) }}", "  a\\nb"],
      ["{{ 'a\\nb' | indent(width=3, first=true) }}", "   a\\nb"],
      ["{{ 'hello' | b64encode }}", "aGVsbG8="],
      ["{{ 'aGVsbG8=' | b64decode }}", "hello"],
      ["{{ '/etc/hosts' | basename }}", "hosts"],
      ["{{ '/etc/hosts' | dirname }}", "/etc"],
      ["{{ '/etc/' | basename }}", ""],
      ["{{ 'hosts' | dirname }}", ""],
      ["{{ \"it's a test\" | quote }}", "'it'\"'\"'s a test'"],
      ["{{ 'simple' | quote }}", "simple"],
      ["{{ '' | quote }}", "''"],
      ["{{ true | ternary('y', 'n') }}", "y"],
      ["{{ none | ternary('y', 'n', 'z') }}", "z"],
      ["{{ 0 | ternary('y', 'n') }}", "n"],
      ["{{ [1,[2,[3,[4]]]] | flatten }}", [1, 2, 3, 4]],
      ["{{ [1,[2,[3,[4]]]] | flatten(levels=1) }}", [1, 2, [3, [4]]]],
      ["{{ [1,2,3] | difference([2]) }}", [1, 3]],
      ["{{ [1,2,3] | intersect([2,3,4]) }}", [2, 3]],
      ["{{ [1,2] | union([2,3]) }}", [1, 2, 3]],
      ["{{ [1,2] | symmetric_difference([2,3]) }}", [1, 3]],
      ["{{ [1,2] | zip(['a','b']) | list }}", [[1, "a"], [2, "b"]]],
      ["{{ dict([['a', 1]]) }}", {"a": 1}],
      ["{{ [['a', 1], ['b', 2]] | items2dict(key_name=0, value_name=1) }}", {"a": 1, "b": 2}],
      ["{{ -3 | abs }}", 3],
      ["{{ 3.456 | round(2) }}", 3.46],
      ["{{ 3.5 | round }}", 4],
      ["{{ 2.5 | round }}", 2],
      ["{{ 3.7 | round(method='floor') }}", 3],
      ["{{ 'abc' | hash('sha1') }}", "a9993e364706816aba3e25717850c26c9cd0d89d"],
      ["{{ 'abc' | hash('md5') }}", "900150983cd24fb0d6963f7d28e17f72"],
      ["{{ 'abc' | checksum }}", "a9993e364706816aba3e25717850c26c9cd0d89d"],
      ["{{ 'abc' | md5 }}", "900150983cd24fb0d6963f7d28e17f72"],
      ["{{ 'abc' | sha1 }}", "a9993e364706816aba3e25717850c26c9cd0d89d"],
      ["{{ ['/etc', 'x', 'y.conf'] | path_join }}", "/etc/x/y.conf"],
      ["{{ ['a', '/b', 'c'] | path_join }}", "/b/c"],
      ["{{ 'example.com' | to_uuid }}", "ae780c3a-a3ab-53c2-bfb4-098da300b3fe"],
      ["{{ 'b' | extract({'a':1,'b':2}) }}", 2],
      ["{{ [0,2] | map('extract', ['x','y','z']) | list }}", ["x", "z"]],
      ["{{ users | subelements('groups', skip_missing=True) | length }}", 2],
      ["{{ [1,2] | product(['a','b']) | list }}", [[1, "a"], [1, "b"], [2, "a"], [2, "b"]]],
      ["{{ '10M' | human_to_bytes }}", 10485760],
      ["{{ '1.5 GB' | human_to_bytes }}", 1610612736],
      ["{{ '2K' | human_to_bytes }}", 2048],
      ["{{ '100' | human_to_bytes }}", 100],
      ["{{ 1048576 | human_readable }}", "1.00 MB"],
      ["{{ [1,2,3] | random(seed='x') in [1,2,3] }}", true],
      ["{{ 'a' | mandatory }}", "a"],
  ])('%s', (text, expected) => {
    expect(render(text)).toEqual(templated(expected))
  })
})

describe('tests, as ansible-core evaluates them', () => {
  it.each([
      ["{{ '1.2' is version('1.10', '<') }}", true],
      ["{{ '1.2' is version('1.10', 'lt') }}", true],
      ["{{ '1.10' is version('1.2', 'gt') }}", true],
      ["{{ '2.0' is version('2.0', 'eq') }}", true],
      ["{{ '2.0' is version('2.0.0', '==') }}", false],
      ["{{ '2.0' is version('2.0', '!=') }}", false],
      ["{{ '1.0a1' is version('1.0', '<', strict=True) }}", true],
      ["{{ '1.2.3' is version_compare('1.2.3', '>=') }}", true],
      ["{{ '1.0.0-rc1' is version('1.0.0', '<', version_type='semver') }}", true],
      ["{{ 'abc' is match('a') }}", true],
      ["{{ 'abc' is match('b') }}", false],
      ["{{ 'abc' is search('b') }}", true],
      ["{{ 'abc' is regex('B', ignorecase=True) }}", true],
      ["{{ 'abc' is regex('b', match_type='match') }}", false],
      ["{{ 2 is in([1,2]) }}", true],
      ["{{ 4 is even }}", true],
      ["{{ 3 is odd }}", true],
      ["{{ 9 is divisibleby(3) }}", true],
      ["{{ 'a' is string }}", true],
      ["{{ 1 is string }}", false],
      ["{{ 1 is number }}", true],
      ["{{ 1.5 is number }}", true],
      ["{{ {} is mapping }}", true],
      ["{{ [] is mapping }}", false],
      ["{{ [] is sequence }}", true],
      ["{{ 'a' is sequence }}", true],
      ["{{ 1 is sequence }}", false],
      ["{{ [] is iterable }}", true],
      ["{{ true is boolean }}", true],
      ["{{ 1 is boolean }}", false],
      ["{{ 1 is integer }}", true],
      ["{{ 1.5 is integer }}", false],
      ["{{ 1.5 is float }}", true],
      ["{{ 1 is float }}", false],
      ["{{ 2 is equalto(2) }}", true],
      ["{{ 2 is eq(2) }}", true],
      ["{{ 'x' is truthy }}", true],
      ["{{ '' is falsy }}", true],
      ["{{ 'no' is truthy(convert_bool=True) }}", false],
      ["{{ none is none }}", true],
      ["{{ x is none }}", false],
      ["{{ '/etc' is abs }}", true],
      ["{{ 'etc' is abs }}", false],
      ["{{ '/etc/hosts' is exists }}", true],
      ["{{ '/etc/hosts' is file }}", true],
      ["{{ '/etc' is directory }}", true],
      ["{{ '/etc' is file }}", false],
      ["{{ r_ok is succeeded }}", true],
      ["{{ r_ok is success }}", true],
      ["{{ r_fail is failed }}", true],
      ["{{ r_fail is failure }}", true],
      ["{{ r_ok is changed }}", true],
      ["{{ r_ok is change }}", true],
      ["{{ r_skip is skipped }}", true],
      ["{{ r_skip is skip }}", true],
      ["{{ r_ok is skipped }}", false],
      ["{{ r_loop is changed }}", true],
  ])('%s', (text, expected) => {
    expect(render(text)).toBe(templated(expected))
  })
})

describe('filters that depend on the controller', () => {
  it('expands ~ to the home directory', () => {
    expect(render("{{ '~/x' | expanduser }}")).toBe(`${homedir()}/x`)
    expect(render("{{ 'a~/x' | expanduser }}")).toBe('a~/x')
  })

  it('resolves real paths', () => {
    expect(render("{{ '/etc/../etc/hosts' | realpath }}")).toBe('/etc/hosts')
  })
})

describe('more filters', () => {
  it('reads YAML and JSON text', () => {
    expect(renderValue('{{ text | from_yaml }}', { text: 'a: 1\nb: [x, yes]\n' })).toEqual({ a: 1, b: ['x', true] })
    expect(renderValue('{{ text | from_json }}', { text: '{"a": [1, null]}' })).toEqual({ a: [1, null] })
    expect(() => renderValue('{{ text | from_yaml }}', { text: 'a: b: c' })).toThrow(/^from_yaml: /)
  })

  it('writes YAML as PyYAML does (folding after column 80, quoted multi-line text)', () => {
    const long = `${'x'.repeat(90)} ${'y'.repeat(10)} zz`
    expect(renderValue('{{ d | to_nice_yaml }}', { d: { l: long, m: 'a\nb' } })).toBe(`l: ${'x'.repeat(90)}\n    ${'y'.repeat(10)} zz\nm: 'a\n\n    b'\n`)
    expect(renderValue('{{ d | to_yaml }}', { d: { nest: { a: { b: [1, { c: 'd' }] } } } })).toBe('nest:\n  a:\n    b:\n    - 1\n    - {c: d}\n')
  })

  it('picks the same random element for the same seed', () => {
    const pick = (seed: string): unknown => renderValue(`{{ items | random(seed='${seed}') }}`, { items: [...'abcdefghij'] })
    expect(pick('host1')).toBe(pick('host1'))
    expect([...'abcdefghij']).toContain(pick('host2'))
    const picks = new Set(['a', 'b', 'c', 'd', 'e', 'f'].map(pick))
    expect(picks.size).toBeGreaterThan(1)
  })

  it('builds dicts from pairs', () => {
    expect(render("{{ [['a', 1], ['b', 2]] | dict }}")).toEqual({ a: 1, b: 2 })
    expect(render("{{ dict([['a', 1]]) }}")).toEqual({ a: 1 })
    expect(render('{{ dict(a=1) }}')).toEqual({ a: 1 })
  })

  it('accepts collection-qualified names', () => {
    expect(render("{{ [['a', 1]] | community.general.dict }}")).toEqual({ a: 1 })
    expect(render('{{ [1] | ansible.builtin.to_json }}')).toBe('[1]')
    expect(render("{{ 'ab' is ansible.builtin.match('a') }}")).toBe(true)
  })

  it('skips None in combine, as Ansible does', () => {
    expect(render("{{ {'a': 1} | combine(none) }}")).toEqual({ a: 1 })
  })

  it('formats with % like Python', () => {
    expect(render("{{ '%05.1f|%-4s|%3d|%x' | format(3.14159, 'ab', 7, 255) }}")).toBe('003.1|ab  |  7|ff')
    expect(render("{{ '%(a)s-%(b)s' | format(a=1, b='x') }}")).toBe('1-x')
    expect(render("{{ '%s=%s' % ('k', 'v') }}")).toBe('k=v')
  })

  it('maps with the filter-name form, passing arguments', () => {
    expect(render("{{ ['a-b', 'c-d'] | map('regex_replace', '-', '_') | list }}")).toEqual(['a_b', 'c_d'])
    expect(render("{{ ['1', 'x'] | map('int', 7) | list }}")).toEqual([1, 7])
  })

  it('fails on an undefined attribute in map, as Jinja2 does when the list is used', () => {
    expect(() => render("{{ users | map(attribute='age') | list }}")).toThrow("'dict object' has no attribute 'age'")
  })
})

describe("Jinja2's less common filters, as ansible-core renders them", () => {
  const people = { users: [{ name: 'bob', g: 1 }, { name: 'al', g: 1 }] }
  it.each([
    ["{{ users | groupby('name') }}", [['al', [{ name: 'al', g: 1 }]], ['bob', [{ name: 'bob', g: 1 }]]]],
    ['{{ [1,2,3,4,5] | slice(2) | list }}', [[1, 2, 3], [4, 5]]],
    ["{{ 'hello world foo' | truncate(9) }}", 'hello...'],
    ["{{ {'a': 'b c', 'd': 1} | urlencode }}", 'a=b+c&d=1'],
    ["{{ 'a b&c' | urlencode }}", 'a%20b%26c'],
    ['{{ 100 | log(10) }}', 2],
    ['{{ 2 | pow(3) }}', 8],
    ['{{ 27 | root(3) }}', 3],
    ['{{ 16 | root }}', 4],
    ["{{ 'http://u:p@h:8/p?q=1#f' | urlsplit('hostname') }}", 'h'],
    ["{{ ('http://u:p@h:8/p?q=1#f' | urlsplit).port }}", 8],
    ['{{ [1,2] | tojson }}', [1, 2]],
    ['{{ 10 | filesizeformat }}', '10 Bytes'],
    ['{{ 1500000 | filesizeformat }}', '1.5 MB'],
    ["{{ [3,1] | shuffle | sort }}", [1, 3]],
    ["{{ 'ab' | attr('upper') is defined }}", true],
  ])('%s', (text, expected) => {
    expect(renderValue(text, people)).toEqual(templated(expected))
  })
})

describe('version operators and test names in selectattr, as ansible-core evaluates them', () => {
  it.each([
    ["{{ '1.10' is version('1.2', 'ge') }}", true],
    ["{{ '1.10' is version('1.2', 'ne') }}", true],
    ["{{ '1.10' is version('1.10', '<=') }}", true],
    ["{{ '1.10' is version('1.9', '>') }}", true],
    ["{{ '1.10' is version('1.10', '=') }}", true],
    ["{{ '1.2.3' is version('1.2.4', 'lt', strict=True) }}", true],
    ["{{ '2.0' is version_compare('10.0', 'lt') }}", true],
    ["{{ users | selectattr('name', 'in', ['al']) | map(attribute='name') | list }}", ['al']],
    ["{{ users | selectattr('name', '==', 'bob') | map(attribute='name') | list }}", ['bob']],
  ])('%s', (text, expected) => {
    expect(render(text)).toEqual(templated(expected))
  })

  it('fails comparing a missing attribute, as Jinja2 does', () => {
    expect(() => render("{{ users | selectattr('age', '==', 3) | list }}")).toThrow("'dict object' has no attribute 'age'")
  })
})

describe('filter and test errors', () => {
  it.each([
      ["{{ users | sum(attribute='age') }}", "'dict object' has no attribute 'age'"],
      ["{{ users | subelements('groups') | map(attribute='1') | list }}", "subelements: could not find 'groups' key in iterated item {'name': 'al'}"],
      ["{{ x | mandatory }}", "mandatory variable 'x' not defined"],
      ["{{ x | mandatory('custom msg') }}", "custom msg"],
      ["{{ 1 is failed }}", "the 'failed' test expects a dictionary"],
  ])('%s', (text, message) => {
    expect(() => render(text)).toThrow(message)
  })
})
