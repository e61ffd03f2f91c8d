import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { types } from 'node:util'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TemplateError } from '../../../engine/errors.js'
import { templated } from './templated.js'
import { OMIT, evalCondition, evalExpression, isTemplated, lazyVars, pythonRepr, renderText, renderValue } from '../../../engine/template/template.js'

const at = { file: 'playbooks/site.yaml', line: 14, col: 9 }
const vars = { a: 1, l: [1, 2, 3], d: { x: 'y' }, s: 'Hello World', n: null, t: true, f: false }
const render = (text: string, extra: Record<string, unknown> = {}): unknown => renderValue(text, { ...vars, ...extra }, at)

describe('isTemplated', () => {
  it('finds template marks deep inside values', () => {
    expect(isTemplated('plain')).toBe(false)
    expect(isTemplated({ a: ['x', { b: 'x {{ y }}' }] })).toBe(true)
    expect(isTemplated(['{% if x %}'])).toBe(true)
    expect(isTemplated('{# c #}')).toBe(true)
    expect(isTemplated(42)).toBe(false)
  })
})

describe('renderValue', () => {
  it('returns native values for a lone expression', () => {
    expect(render('{{ a }}')).toBe(1)
    expect(render('{{ l }}')).toEqual([1, 2, 3])
    expect(render('{{ d }}')).toEqual({ x: 'y' })
    expect(render('{{ t }}')).toBe(true)
    expect(render('{{ n }}')).toBeNull()
  })

  it('renders Python text inside larger strings', () => {
    expect(render('x{{ l }}')).toBe('x[1, 2, 3]')
    expect(render('x{{ {"a": [1, "b"]} }}')).toBe("x{'a': [1, 'b']}")
    expect(render('{{ t }} and {{ f }}')).toBe('True and False')
    // Ansible's finalize prints None as nothing.
    expect(render('a{{ n }}b')).toBe('ab')
  })

  it('turns list/dict/bool looking text back into values, as ansible-core 2.14 does', () => {
    expect(render('[{{ a }}, 2]')).toEqual([1, 2])
    expect(render('{{ "True" }}')).toBe(true)
    expect(render('{{ text }}', { text: '[1, "a"]' })).toEqual([1, 'a'])
    expect(render('{{ text }}', { text: '[not a literal' })).toBe('[not a literal')
    expect(render('{{ "False" }}x')).toBe('Falsex')
    expect(render('{{ t }}{{ "" }}')).toBe(true)
    expect(render(' {{ l }}')).toBe(' [1, 2, 3]')
  })

  it('renders deep and leaves untemplated values alone', () => {
    const value = { k: ['{{ a }}', 'plain', 3], '{{ s }}': '{{ d.x }}' }
    expect(renderValue(value, vars)).toEqual({ k: [1, 'plain', 3], 'Hello World': 'y' })
  })

  it('renders omit to the omit sentinel', () => {
    expect(render('{{ omit }}')).toBe(OMIT)
    expect(render('{{ missing | default(omit) }}')).toBe(OMIT)
  })
})

describe('undefined variables', () => {
  it('fail with the variable, the location and the template', () => {
    expect(() => render('{{ foo }}')).toThrow(new TemplateError(`playbooks/site.yaml:14:9: 'foo' is undefined in "{{ foo }}"`))
    expect(() => render('x {{ foo }}')).toThrow(`playbooks/site.yaml:14:9: 'foo' is undefined in "x {{ foo }}"`)
    expect(() => render('{{ d.z }}')).toThrow(`'dict object' has no attribute 'z'`)
    expect(() => render('{{ foo.bar }}')).toThrow(`'foo' is undefined`)
    expect(() => render('{{ foo ~ "x" }}')).toThrow(`'foo' is undefined`)
    expect(() => render('{{ -foo }}')).toThrow(`'foo' is undefined`)
    expect(() => render('{{ -s }}')).toThrow(`bad operand type for unary -: 'str'`)
    expect(() => render('{{ foo | upper }}')).toThrow(`'foo' is undefined`)
    expect(() => render('{% for i in foo %}{% endfor %}')).toThrow(`'foo' is undefined`)
  })

  it('may sit inside a list until the list is shown', () => {
    expect(render('{{ [1, foo] | length }}')).toBe('2')
    expect(render('{{ [1, foo] | first }}')).toBe('1')
    expect(() => render('{{ [foo] }}')).toThrow(`'foo' is undefined`)
    expect(() => render('a{{ {"k": foo} }}')).toThrow(`'foo' is undefined`)
    expect(() => render('{{ [foo] | to_json }}')).toThrow(`'foo' is undefined`)
    expect(() => evalExpression('[foo]', vars)).toThrow(`'foo' is undefined`)
  })

  it('are not found on the JavaScript prototype', () => {
    expect(render('{{ constructor is defined }}')).toBe(false)
    expect(() => render('{{ toString }}')).toThrow(`'toString' is undefined`)
    expect(render('{{ valueOf }}', { valueOf: 'mine' })).toBe('mine')
    expect(render('{{ d.constructor is defined }}')).toBe(false)
    expect(render('{{ "constructor" in d }}')).toBe(false)
    expect(render('{{ d.get("toString", 1) }}')).toBe('1')
  })

  it('can be tested and defaulted', () => {
    expect(render('{{ foo is defined }}')).toBe(false)
    expect(render('{{ foo is undefined }}')).toBe(true)
    expect(render('{{ foo.bar is defined }}')).toBe(false)
    expect(render('{{ d.z is defined }}')).toBe(false)
    expect(render('{{ d.x is defined }}')).toBe(true)
    expect(render('{{ foo | default(5) }}')).toBe('5')
    expect(render('{{ foo | d("x") }}')).toBe('x')
    expect(render('{{ foo.bar | default("deep") }}')).toBe('deep')
    expect(render('{{ foo is defined and foo.bar }}')).toBe(false)
  })
})

describe('python-isms', () => {
  it.each([
    ['{{ True }}', true],
    ['{{ None }}', null],
    ['{{ 2 in l }}', true],
    ['{{ 5 not in l }}', true],
    ['{{ "ell" in s }}', true],
    ['{{ "x" in d }}', true],
    ['{{ a ~ "b" }}', '1b'],
    ['{{ "yes" if t else "no" }}', 'yes'],
    ['{{ s.split() }}', ['Hello', 'World']],
    ['{{ "a,b,,c".split(",") }}', ['a', 'b', '', 'c']],
    ['{{ "  x ".strip() }}', 'x'],
    ['{{ s.startswith("Hell") and s.endswith("ld") }}', true],
    ['{{ s.lower() ~ s.upper() }}', 'hello worldHELLO WORLD'],
    ['{{ s.replace("l", "L") }}', 'HeLLo WorLd'],
    ['{{ d.items() | list }}', [['x', 'y']]],
    ['{{ d.keys() | list }}', ['x']],
    ['{{ d.values() | list }}', ['y']],
    ['{{ d.get("x") }}', 'y'],
    ['{{ d.get("z", 7) }}', 7],
    ['{{ "{}-{}".format(1, "b") }}', '1-b'],
    ['{{ "{0}{name}".format("a", name="b") }}', 'ab'],
    ['{{ l.index(2) }}', 1],
    ['{{ l[1:] }}', [2, 3]],
    ['{{ l[-1] }}', 3],
    ['{{ l[::-1] }}', [3, 2, 1]],
    ['{{ s[0:5] }}', 'Hello'],
    ['{{ range(3) | list }}', [0, 1, 2]],
    ['{{ range(1, 7, 2) | list }}', [1, 3, 5]],
    ['{{ [1] + [2] }}', [1, 2]],
    ['{{ "-" * 3 }}', '---'],
    ['{{ "%s=%d" % ("a", 3) }}', 'a=3'],
    ['{{ 7 // 2 }}', 3],
    ['{{ 7 % 3 }}', 1],
    ['{{ "1" == 1 }}', false],
    ['{{ [1, 2] == [1, 2] }}', true],
    ['{{ {"a": 1} == {"a": 1} }}', true],
    ['{{ not [] }}', true],
    ['{{ [] or "empty" }}', 'empty'],
    ['{{ "x" and 0 }}', 0],
    ['{{ 1 < 2 < 3 }}', true],
    ['{{ -a + 3 }}', 2],
    ['{{ -(l | length) }}', -3],
    ['{{ "ab".center(5) ~ "|" ~ "abc".center(6) }}', '  ab | abc  '],
    ['{{ "a b  c".split(None, 1) }}', ['a', 'b  c']],
    ['{{ "a-b-c".rsplit("-", 1) }}', ['a-b', 'c']],
    ['{{ "x".zfill(3) ~ "7".rjust(3, "0") }}', '00x007'],
    ['{{ "a\nb\n".splitlines() }}', ['a', 'b']],
    ['{{ "k=v".partition("=") }}', ['k', '=', 'v']],
  ])('%s', (text, expected) => {
    expect(render(text)).toEqual(templated(expected))
  })

  it('reads environment variables through lookup', () => {
    process.env.TSPLAY_TEMPLATE_TEST = 'value'
    expect(render('{{ lookup("env", "TSPLAY_TEMPLATE_TEST") }}')).toBe('value')
    expect(render('{{ lookup("env", "TSPLAY_NOT_SET_ANYWHERE") }}')).toBe('')
  })

  it('looks up variables and dicts like Ansible lookups', () => {
    expect(render('{{ lookup("vars", "var_" ~ a) }}', { var_1: 'one' })).toBe('one')
    expect(render('{{ lookup("vars", "nope", default=0) }}')).toBe('0')
    expect(() => render('{{ lookup("vars", "nope") }}')).toThrow('No variable found with this name: nope')
    expect(render('{{ lookup("dict", d) }}')).toEqual({ key: 'x', value: 'y' })
    expect(render('{{ query("dict", {"a": 1, "b": 2}) | map(attribute="key") | list }}')).toEqual(['a', 'b'])
    expect(render('{{ lookup("env", "TSPLAY_NOT_SET_ANYWHERE", "TSPLAY_NOT_SET_EITHER") }}')).toBe(',')
    expect(() => render('{{ lookup("nope", "date") }}')).toThrow('lookup plugin (nope) not found')
  })

  it('supports hostvars style lookups', () => {
    const hostvars = { web1: { ip: '10.0.0.1' } }
    expect(render('{{ hostvars[h].ip }}', { hostvars, h: 'web1' })).toBe('10.0.0.1')
    expect(render('{{ hostvars["web1"]["ip"] }}', { hostvars })).toBe('10.0.0.1')
  })
})

describe('pythonRepr', () => {
  it.each([
    [true, 'True'],
    [null, 'None'],
    [[1, 'a'], "[1, 'a']"],
    [{ a: 1, b: [false] }, "{'a': 1, 'b': [False]}"],
    ["it's", `"it's"`],
    ['a\nb', "'a\\nb'"],
    [1.5, '1.5'],
  ])('%j', (value, text) => {
    expect(pythonRepr(value)).toBe(text)
  })
})

describe('evalExpression and evalCondition', () => {
  it('evaluates bare expressions to native values', () => {
    expect(evalExpression('l | length', vars)).toBe(3)
    expect(evalExpression('d', vars)).toEqual({ x: 'y' })
  })

  it('reads conditions as Ansible does', () => {
    expect(evalCondition(true, vars)).toBe(true)
    expect(evalCondition(false, vars)).toBe(false)
    expect(evalCondition('a == 1 and l | length > 2', vars)).toBe(true)
    expect(evalCondition(['t', 'not n', 'a == 2'], vars)).toBe(false)
    expect(evalCondition(['t', 'not n'], vars)).toBe(true)
    expect(evalCondition('s', vars)).toBe(true)
    expect(evalCondition('word', { word: 'False' })).toBe(true)
    expect(evalCondition('{{ word }}', { word: 'False' })).toBe(false)
    expect(evalCondition('{{ t }}', vars)).toBe(true)
    expect(evalCondition('"{{ a }}" == "1"', vars)).toBe(true)
  })

  it('reads a numeric attribute anywhere in a chain as a subscript, as Jinja2 does', () => {
    const r = { results: [{ changed: true, item: { n: ['x', 'y'] } }, { changed: false }] }
    expect(evalCondition('r.results.0 is changed and r.results.1 is not changed', { r })).toBe(true)
    expect(evalExpression('r.results.0.item.n.1', { r })).toBe('y')
    expect(renderValue('{{ r.results.0.item.n.0 }}-{{ 1.5 }}', { r })).toBe('x-1.5')
  })

  it('fails on undefined variables in conditions with the location', () => {
    expect(() => evalCondition('foo == 1', vars, at)).toThrow(`playbooks/site.yaml:14:9: 'foo' is undefined in "foo == 1"`)
    expect(() => evalCondition('foo', vars, at)).toThrow(`'foo' is undefined`)
    // The rendered text is evaluated as an expression, as Ansible does; the message shows what the user wrote.
    expect(() => evalCondition('{{ word }}', { word: 'yes' }, at)).toThrow(`playbooks/site.yaml:14:9: 'yes' is undefined in "{{ word }}"`)
    expect(() => evalCondition('{{ s }}', vars, at)).toThrow(/^playbooks\/site\.yaml:14:9: template syntax error: .* in "\{\{ s \}\}"$/)
  })
})

describe('lazyVars', () => {
  it('renders templated values on access, deep, against the same view', () => {
    const view = lazyVars({ a: '{{ b }}', b: '{{ c | default(3) }}', nested: { k: ['{{ a }}!'] }, plain: { x: 1 } })
    expect(view.a).toBe('3')
    expect((view.nested as { k: string[] }).k[0]).toBe('3!')
    expect(renderValue('{{ nested.k[0] }} {{ a | int + 1 }}', view)).toBe('3! 4')
  })

  it('hands on a variable stored as a number, bool or None unchanged, one level deep, as ansible-core does', () => {
    const view = lazyVars({ b: 3, t: true, z: null, a: '{{ b }}', x: '{{ a }}', y: '{{ b + 1 }}', tt: '{{t}}\n', zz: '{{ z }}' })
    expect([view.a, view.x, view.y, view.tt, view.zz]).toEqual([3, '3', '4', true, null])
    expect(renderValue('{{ a + 1 }}', view)).toBe('4')
  })

  it('hands on plain data, not views, for a templated list or dict', () => {
    const view = lazyVars({ n: 2, cfg: { port: '{{ n * 40 }}', tags: ['{{ n }}', 'x'] }, plain: { a: [1] } })
    const cfg = renderValue('{{ cfg }}', view)
    expect(types.isProxy(cfg)).toBe(false)
    expect(types.isProxy((cfg as { tags: unknown }).tags)).toBe(false)
    expect(cfg).toEqual({ port: '80', tags: [2, 'x'] })
    expect(structuredClone(renderValue('{{ [cfg.tags, plain] }}', view))).toEqual([[2, 'x'], { a: [1] }])
    expect(evalExpression('cfg', view)).toEqual({ port: '80', tags: [2, 'x'] })
  })

  it('passes untemplated values through as the same objects', () => {
    const plain = { x: [1, 2] }
    const view = lazyVars({ plain, s: 'text' })
    expect(view.plain).toBe(plain)
    expect(view.s).toBe('text')
  })

  it('caches a rendered value per view', () => {
    let reads = 0
    const source = { a: '{{ counter() }}', counter: () => ++reads }
    const view = lazyVars(source)
    expect(view.a).toBe('1')
    expect(view.a).toBe('1')
    expect(lazyVars(source).a).toBe('2')
  })

  it('serves as hostvars: each host view renders only what is read', () => {
    const web1 = lazyVars({ port: '{{ base + 1 }}', base: 8000, broken: '{{ nope }}' })
    const web2 = lazyVars({ port: 9000 })
    const play = lazyVars({ hostvars: { web1, web2 }, ports: '{{ [hostvars.web1.port, hostvars["web2"]["port"]] }}' })
    expect(play.ports).toEqual(['8001', 9000])
    expect(renderValue('{{ hostvars.web1.port is defined }}', play)).toBe(true)
    expect(() => web1.broken).toThrow(`'nope' is undefined`)
  })

  it('never walks a Proxy it is given (the engine computes hostvars on read)', () => {
    const reads: string[] = []
    const hostvars = new Proxy({} as Record<string, unknown>, {
      get: (_t, name) => {
        if (typeof name === 'string') reads.push(name)
        return name === 'web1' ? { ip: '10.0.0.1' } : undefined
      },
      has: (_t, name) => name === 'web1' || name === 'web2',
      ownKeys: () => ['web1', 'web2'],
      getOwnPropertyDescriptor: (_t, name) => ({ enumerable: true, configurable: true, value: name }),
    })
    const view = lazyVars({ hostvars, ip: '{{ hostvars.web1.ip }}' })
    expect(view.ip).toBe('10.0.0.1')
    expect(renderValue('{{ hostvars }}', view)).toBe(hostvars)
    expect(reads).toEqual(['web1'])
  })

  it('reports a cycle that closes through another view', () => {
    const hostvars: Record<string, unknown> = {}
    hostvars.h1 = lazyVars({ hostvars, v: '{{ hostvars.h2.v }}' })
    hostvars.h2 = lazyVars({ hostvars, v: '{{ hostvars.h1.v }}' })
    expect(() => (hostvars.h1 as Record<string, unknown>).v).toThrow(/recursive loop detected in template: variable 'v' refers to itself \(v -> v -> v\)/)
  })

  it('names the variable and the using location when a variable fails to render', () => {
    const view = lazyVars({ a: '{{ b }}', b: '{{ c.missing }}', c: {} })
    expect(() => renderValue('x={{ a }}', view, at)).toThrow(new TemplateError(`playbooks/site.yaml:14:9: variable 'b': 'dict object' has no attribute 'missing' in "{{ c.missing }}"`))
  })

  it('reports a reference cycle naming the variable', () => {
    const view = lazyVars({ x: '{{ y }}', y: '{{ x }}' })
    expect(() => view.x).toThrow(/recursive loop detected in template: variable 'x' refers to itself \(x -> y -> x\)/)
  })
})

describe('renderText', () => {
  it('trims the newline after a block tag, as Ansible sets trim_blocks', () => {
    expect(renderText('{% for i in l %}\n- {{ i }}\n{% endfor %}\n', vars, 'templates/x.j2')).toBe('- 1\n- 2\n- 3\n')
    expect(renderText('{% if t %}\nyes\n{% endif %}\n', vars, 'templates/x.j2')).toBe('yes\n')
  })

  it('names the template file, line and column in errors', () => {
    expect(() => renderText('line\n{{ nope }}\n', vars, 'templates/x.j2')).toThrow(new TemplateError("templates/x.j2:2:4: 'nope' is undefined"))
    expect(() => renderText('a\n  {{ d.x | upper }} and {{ d.q }}\n', vars, 'x.j2')).toThrow(new TemplateError("x.j2:2:29: 'dict object' has no attribute 'q'"))
    expect(() => renderText('{% for i in l %}\n{{ i.q }}\n{% endfor %}', vars, 'x.j2')).toThrow(new TemplateError("x.j2:2:5: 'int object' has no attribute 'q'"))
    expect(() => renderText('ok\n\n  {% set x = nope + 1 %}', vars, 'x.j2')).toThrow(new TemplateError("x.j2:3:6: 'nope' is undefined"))
    expect(() => renderText('ok\n{% if nope %}\n{% endif %}', vars, 'x.j2')).toThrow(new TemplateError("x.j2:2:7: 'nope' is undefined"))
    expect(() => renderText('ok\n{% if a + %}\n', vars, 'x.j2')).toThrow(new TemplateError('x.j2:2:11: template syntax error: unexpected token: %}'))
  })

  // expected outputs as ansible-core 2.14's template module wrote them
  it('obeys a #jinja2: first line, as the template module does', () => {
    const text = '#jinja2: trim_blocks: False, lstrip_blocks: True\n  {% if t %}\nyes\n  {% endif %}\n'
    expect(renderText(text, vars, 'x.j2')).toBe('\nyes\n')
    expect(renderText('#jinja2: lstrip_blocks: True\n  {% if t %}\nyes\n  {% endif %}\n', vars, 'x.j2')).toBe('yes\n')
    expect(renderText('  {% if t %}\nyes\n  {% endif %}\n', vars, 'x.j2')).toBe('  yes\n  \n')
  })

  it('drops the source\'s one trailing newline and gives back as many as it had, and trims after comments, as Ansible', () => {
    const x = { ...vars, x: 'a\n', y: 'b\n\n' }
    expect(renderValue('{% for i in [1,2] %}{{ i }}\n{% endfor %}\n', x)).toBe('1\n2\n')
    expect(renderValue('x\n{% if true %}\ny\n{% endif %}\nz\n\n', x)).toBe('x\ny\nz\n\n')
    expect(renderValue('a {# c #}\nb {% set q = 1 %}\nc\n', x)).toBe('a b c\n')
    expect(renderValue('pre {{ y }}\n', x)).toBe('pre b\n\n')
    expect(renderValue('  {% if true %}\nq\n  {% endif %}\nr', x)).toBe('  q\n  r')
    expect(renderText('line {{ x }}\n', x, 'x.j2')).toBe('line a\n')
    expect(renderText('{% if true %}\n  {{ y }}\n{% endif %}\n# end {# c #}\nz', x, 'x.j2')).toBe('  b\n\n\n# end z')
  })

  it('keeps backslashes in string literals as written (no inline-template escaping)', () => {
    expect(renderText("{{ 'a.b' | regex_replace('\\.', '-') }}", vars, 'x.j2')).toBe('a-b')
    // Python's unicode-escape: known escapes decode, unknown ones keep the backslash.
    expect(renderText("{{ 'A\\x42\\u00e9\\d|\\n|\\\\' }}", vars, 'x.j2')).toBe('ABé\\d|\n|\\')
  })

  it('filters loops with for ... if', () => {
    expect(renderText('{% for i in l if i != 2 %}{{ i }},{% endfor %}', vars, 'x.j2')).toBe('1,3,')
    expect(renderText('{% for i in l if i > 5 %}{{ i }}{% else %}none{% endfor %}', vars, 'x.j2')).toBe('none')
    expect(renderText('{% for i in l if i > 1 %}{{ loop.index }}/{{ loop.length }} {% endfor %}', vars, 'x.j2')).toBe('1/2 2/2 ')
    expect(renderText('{% for k, v in d.items() if v == "y" %}{{ k }}{% endfor %}', vars, 'x.j2')).toBe('x')
  })

  it('scopes {% set %} in a loop body as Jinja2 does', () => {
    expect(renderText('{% set x = 1 %}{% for i in [1, 2] %}{% set x = x + i %}{{ x }},{% endfor %}{{ x }}', vars, 'x.j2')).toBe('2,3,1')
  })

  it('carries state out of loops in a namespace', () => {
    const text = '{% set ns = namespace(found=false, n=0) %}{% for i in l %}{% if i == 2 %}{%- set ns.found = true -%}{% endif %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.found }} {{ ns.n }}'
    expect(renderText(text, vars, 'x.j2')).toBe('True 6')
  })

  it('returns macro output as text', () => {
    expect(renderText('{% macro m(a, b=2) %}{{ a + b }}{% endmacro %}{{ m(1) }}|{{ m(1) ~ "x" }}', vars, 'x.j2')).toBe('3|3x')
  })

  it('includes files next to the including template, with its variables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-template-'))
    writeFileSync(join(dir, 'part.j2'), '{{ prefix }}{{ i }}\n')
    writeFileSync(join(dir, 'broken.j2'), 'x\n{{ nope }}\n')
    const main = join(dir, 'main.j2')
    expect(renderText('{% set prefix = "n" %}{% for i in l %}{% include "part.j2" %}{% endfor %}', vars, main)).toBe('n1\nn2\nn3\n')
    expect(renderText('a{% include "missing.j2" ignore missing %}b', vars, main)).toBe('ab')
    expect(() => renderText('x\n{% include "missing.j2" %}', vars, 'templates/main.j2')).toThrow(new TemplateError("templates/main.j2:2:4: template not found: 'missing.j2'"))
    expect(() => renderText('{% include "broken.j2" %}', vars, main)).toThrow(/broken\.j2:2:4: 'nope' is undefined$/)
    expect(() => renderText('{% include "main.j2" %}', vars, main)).toThrow(/recursive include of .*main\.j2/)
  })

  it('keeps the newline after an expression', () => {
    expect(renderText('a={{ a }}\nb\n', vars, 'x.j2')).toBe('a=1\nb\n')
  })
})

describe('template errors', () => {
  it('reports syntax errors with the location and template', () => {
    expect(() => render('{{ a + }}')).toThrow(/^playbooks\/site\.yaml:14:9: template syntax error: .* in "\{\{ a \+ \}\}"$/)
    expect(() => evalExpression('a +', vars, at)).toThrow(/^playbooks\/site\.yaml:14:9: template syntax error: /)
  })

  it('names an unknown filter with a suggestion', () => {
    expect(() => render('{{ s | lowr }}')).toThrow(`no filter named 'lowr' (did you mean 'lower'?)`)
    expect(() => render('{{ s is defind }}')).toThrow(`no test named 'defind' (did you mean 'defined'?)`)
  })
})
