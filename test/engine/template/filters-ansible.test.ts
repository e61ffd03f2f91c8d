import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { renderValue } from '../../../engine/template/template.js'

// Every case's value was computed by ansible-core 2.14's own Jinja2 environment with the installed
// ansible.utils and community.general collections (test/fixtures/filters/generate.py writes
// expectations.json; re-run it with /usr/bin/python3 after changing cases.py): the expression's value
// before templating turns it into text. A case ansible fails must fail here too.
interface Case {
  readonly group: string
  readonly template: string
  readonly value?: unknown
  readonly error?: string
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/filters/expectations.json', import.meta.url), 'utf8')) as { vars: Record<string, unknown>; cases: Case[] }

// Where tsplay knowingly answers differently, and why.
const DIFFERENT: Record<string, string> = {
  "{{ 'secret' | password_hash('blowfish', '1234567890123456789012') }}": 'bcrypt is not implemented: tsplay says so instead of hashing',
  "{{ 'secret' | password_hash('bcrypt', '1234567890123456789012', ident='2b') }}": 'bcrypt is not implemented: tsplay says so instead of hashing',
}

/** The value of a case's `{{ expression }}`, captured as generate.py captures it in ansible. */
function evaluate(template: string, vars: Record<string, unknown>): unknown {
  let captured: unknown
  const capture = (value: unknown): string => {
    captured = value
    return ''
  }
  renderValue(`{{ capture(${template.slice(3, -3)}) }}`, { ...vars, capture })
  return captured
}

const groups = [...new Set(fixture.cases.map((c) => c.group))]

describe.each(groups)('%s as ansible renders it', (group) => {
  const cases = fixture.cases.filter((c) => c.group === group && !(c.template in DIFFERENT))
  it.each(cases.map((c) => [c.template, c] as const))('%s', (template, c) => {
    const run = (): unknown => evaluate(template, fixture.vars)
    if (c.error !== undefined) expect(run).toThrow()
    else expect(run()).toEqual(c.value)
  }, 120_000) // password_hash's default 656000 rounds take seconds on a busy machine
})

describe('knowingly different from ansible', () => {
  it.each(Object.keys(DIFFERENT))('%s fails with a clear message', (template) => {
    expect(() => evaluate(template, {})).toThrow(/bcrypt/)
  })
})

describe('unseeded random, shuffle and password_hash', () => {
  it('draw from the range, keep the elements, and salt anew each time', () => {
    for (let i = 0; i < 20; i++) {
      const n = evaluate('{{ 60 | random(start=10, step=5) }}', {}) as number
      expect(n >= 10 && n < 60 && n % 5 === 0).toBe(true)
    }
    expect((evaluate('{{ [1, 2, 3, 4] | shuffle }}', {}) as number[]).sort()).toEqual([1, 2, 3, 4])
    const hash = evaluate("{{ 'x' | password_hash('md5') }}", {}) as string
    expect(hash).toMatch(/^\$1\$[./0-9A-Za-z]{8}\$[./0-9A-Za-z]{22}$/)
    expect(evaluate("{{ 'x' | password_hash('md5') }}", {})).not.toBe(hash)
  })
})
