// Operator precedence and associativity as Jinja2's parser has them, compared with Jinja2 itself (the python3
// ansible runs on) on every pair of binary operators and on filters, tests and unary signs mixed with them.
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { renderText } from '../../../engine/template/template.js'

const VARS = { a: 7, b: 3, c: 2, l: [1, 2, 3], s: 'ab', masters: ['m1', 'm2', 'm3'], t: true, f: false }

const SCRIPT = String.raw`
import json, sys, jinja2
env = jinja2.Environment()
vars = json.loads(sys.argv[1])
out = []
for text in json.load(sys.stdin):
    try: out.append(['ok', env.from_string(text).render(**vars)])
    except Exception as e: out.append(['error', type(e).__name__])
print(json.dumps(out))
`

function jinja2Renders(texts: readonly string[]): Array<[string, string]> {
  const run = spawnSync('/usr/bin/python3', ['-c', SCRIPT, JSON.stringify(VARS)], { input: JSON.stringify(texts), encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as Array<[string, string]>
}

// no `/`: it makes floats, whose printing is another matter than precedence
const BINARY = ['+', '-', '*', '//', '%', '**', '~', '==', '!=', '<', '>=', 'and', 'or', 'in', 'not in']
const pairs = BINARY.flatMap((x) => BINARY.map((y) => `{{ a ${x} b ${y} c }}`))
const lists = ['in', 'not in'].flatMap((op) => [`{{ c ${op} l == t }}`, `{{ c ${op} l and a }}`, `{{ 1 + 1 ${op} l }}`])
const MIXED = [
  '{{ masters | length is divisibleby 3 }}', '{% if masters | length is divisibleby 3 %}y{% else %}n{% endif %}', '{{ a is divisibleby 7 }}',
  '{{ a is divisibleby(7) }}', '{{ a + b is odd }}', '{{ not a is odd }}', '{{ -a | abs }}', '{{ - a ** c }}', '{{ -c ** c }}', '{{ a is defined | string }}',
  '{{ s ~ s | upper }}', '{{ a is odd and b is not even }}', '{{ a is sameas 7 }}', '{{ a is not none }}', '{{ l | length > 2 }}',
  '{{ a - b - c }}', '{{ a // b * c }}', '{{ c * a // c }}', '{{ a % b * c }}', '{{ c ** b ** c }}', '{{ a ~ b + c }}', '{{ a + b ~ c }}',
  "{{ 'x' if a is none else 'y' if a is number else 'z' }}", "{{ 'x' if f }}", '{{ a if f else b if f else c }}', '{{ not f and f }}',
  '{{ not t or t }}', '{{ not a == b }}', '{{ a < b < c }}', '{{ c < b < a }}', '{{ 1 in l in [[1, 2, 3]] }}', '{{ l | first is odd }}',
  '{{ a is odd is sameas true }}', '{{ (a is odd) is sameas true }}', '{{ a | string | length is divisibleby 1 }}', '{{ -l | length }}',
  '{{ [a, b] | max is number }}', '{{ a is ansible }}', '{{ a is number and b }}',
]
const CASES = [...pairs, ...lists, ...MIXED]

describe('Jinja2 operator precedence', () => {
  const expected = jinja2Renders(CASES)
  it(`renders ${CASES.length} expressions as Jinja2 does (or fails where it fails)`, () => {
    const wrong: string[] = []
    CASES.forEach((text, i) => {
      const want = expected[i]!
      let got: [string, string]
      try {
        got = ['ok', renderText(text, VARS, 'precedence.j2')]
      } catch {
        got = ['error', '']
      }
      const same = want[0] === 'error' ? got[0] === 'error' : JSON.stringify(got) === JSON.stringify(want)
      if (!same) wrong.push(`${text}: jinja2 ${JSON.stringify(want)}, tsplay ${JSON.stringify(got)}`)
    })
    expect(wrong).toEqual([])
  })
})
