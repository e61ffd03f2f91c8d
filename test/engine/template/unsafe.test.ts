// Unsafe data (ansible-core's AnsibleUnsafe): a host's output, facts and `!unsafe` text are never templated again.
import { describe, expect, it } from 'vitest'
import { evalCondition, lazyVars, markUnsafe, renderStored, renderValue, storedUnsafe, type Vars } from '../../../engine/template/index.js'
import { isUnsafe, loadYaml } from '../../../engine/yaml/index.js'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'

const HOSTILE = "Welcome {{ lookup('env', 'HOME') }}"
const render = (text: string, vars: Vars): unknown => renderValue(text, lazyVars(vars))
const registered = (): Vars => markUnsafe({ stdout: HOSTILE, stdout_lines: [HOSTILE, '{{ x }}'], rc: 0 })

describe('unsafe data', () => {
  it('leaves a registered stdout as it is', () => {
    expect(render('{{ motd.stdout }}', { motd: registered() })).toBe(HOSTILE)
    expect(render('{{ motd.stdout_lines[1] }}', { motd: registered(), x: 1 })).toBe('{{ x }}')
  })

  it('keeps the mark through filters and concatenation when the value is stored', () => {
    const vars = lazyVars({ motd: registered() })
    for (const text of ['{{ motd.stdout | upper }}', "{{ 'x ' ~ motd.stdout }}", '{{ motd.stdout | to_json }}', '{{ motd.rc }}{{ "{{" }} y }}']) {
      const stored = renderStored(text, vars)
      expect(isUnsafe(stored), text).toBe(true)
      // read back as a variable (set_fact), it is not templated
      expect(render('{{ copy }}', { copy: stored, y: 'Y' }), text).toBe(String(stored))
    }
  })

  it('marks loop lists and set_fact copies made from host data, and never renders them', () => {
    const list = renderStored('{{ motd.stdout_lines }}', lazyVars({ motd: registered() }))
    expect(isUnsafe(list)).toBe(true)
    expect(render('{{ items[1] }}', { items: list, x: 1 })).toBe('{{ x }}')
    expect(render('{{ item }}', { item: storedUnsafe('{{ x }}'), x: 1 })).toBe('{{ x }}')
  })

  it('does not run a lookup a host wrote (env, file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unsafe-'))
    writeFileSync(join(dir, 'secret'), 'SECRET')
    const motd = markUnsafe({ stdout: `{{ lookup('file', '${join(dir, 'secret')}') }} {{ lookup('env', 'HOME') }}` })
    const out = String(render('{{ motd.stdout }}', { motd }))
    expect(out).not.toContain('SECRET')
    expect(out).not.toContain(process.env['HOME'] ?? '/')
  })

  it('reads facts and hostvars-like nested views unrendered', () => {
    const facts = { ansible_facts: markUnsafe({ motd: HOSTILE }), ansible_hostname: storedUnsafe('{{ x }}') }
    expect(render('{{ ansible_facts.motd }}', facts)).toBe(HOSTILE)
    expect(render('{{ ansible_hostname }}', { ...facts, x: 1 })).toBe('{{ x }}')
    const hostvars = lazyVars({ h1: lazyVars({ motd: registered() }) })
    expect(render("{{ hostvars['h1'].motd.stdout }}", { hostvars })).toBe(HOSTILE)
  })

  it('reads YAML !unsafe as text, never templated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unsafe-'))
    writeFileSync(join(dir, 'v.yml'), 'lit: !unsafe "{{ x }}"\n')
    const vars = loadYaml(join(dir, 'v.yml')).doc.toJS() as Vars
    expect(render('{{ lit }}', { ...vars, x: 1 })).toBe('{{ x }}')
    expect(renderValue(vars['lit'], lazyVars({ x: 1 }))).toBe('{{ x }}')
    expect(isUnsafe(renderStored('{{ lit }}', lazyVars(vars)))).toBe(true)
  })

  it('refuses to evaluate a condition made from unsafe text', () => {
    expect(() => evalCondition('{{ motd.stdout }}', lazyVars({ motd: registered() }))).toThrow(/unsafe/)
  })

  it('still templates ordinary variables', () => {
    expect(render('{{ a }}', { a: '{{ b }}', b: 'B' })).toBe('B')
    expect(isUnsafe(renderStored('{{ a }}', lazyVars({ a: '{{ b }}', b: 'B' })))).toBe(false)
  })
})
