import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseYaml } from '../../../engine/yaml/source.js'

// The reference: ansible-core's own loader on the python3 it runs on, each scalar as the value of a plain key.
const SCRIPT = String.raw`
import json, math, sys, yaml, datetime
from ansible.parsing.yaml.loader import AnsibleLoader
out = []
for text in json.load(sys.stdin):
    try:
        v = yaml.load('v: ' + text, Loader=AnsibleLoader)['v']
    except Exception as e:
        out.append(['error', type(e).__name__]); continue
    if v is None: out.append(['null', None])
    elif isinstance(v, bool): out.append(['bool', v])
    elif isinstance(v, (int, float)):
        out.append(['number', 'nan' if v != v else ('inf' if v == math.inf else ('-inf' if v == -math.inf else float(v)))])
    elif isinstance(v, (datetime.date, datetime.datetime)): out.append(['string', str(v)])
    else: out.append(['string', str(v)])
print(json.dumps(out))
`

function ansibleReads(texts: readonly string[]): Array<[string, unknown]> {
  const run = spawnSync('/usr/bin/python3', ['-c', SCRIPT], { input: JSON.stringify(texts), encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as Array<[string, unknown]>
}

function tsplayReads(text: string): [string, unknown] {
  const v = (parseYaml(`v: ${text}`, 'case.yml').doc.toJS() as { v: unknown }).v
  if (v === null) return ['null', null]
  if (typeof v === 'boolean') return ['bool', v]
  if (typeof v === 'number') return ['number', Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : v]
  return ['string', String(v)]
}

const WORDS = ['yes', 'no', 'true', 'false', 'on', 'off', 'y', 'n', 'null', '~', 'none', 'None', 'nil', 'NaN', 'inf']
const cased = (w: string): string[] => [w, w.toUpperCase(), w.charAt(0).toUpperCase() + w.slice(1), w.charAt(0) + w.slice(1).toUpperCase()]
const NUMBERS = [
  '0', '-0', '+0', '00', '0755', '0o755', '0O755', '644', '0644', '08', '09', '010', '0_7', '07_7', '0x1F', '0X1F', '0x_1f', '+0x1F', '-0x1f', '0xG',
  '0b101', '-0b101', '0b102', '0B101', '1_000', '1,000', '1__0', '12345678901', '1:30', '-1:30', '+1:30', '1:30:00', '190:20:30', '1:60', '1:5',
  '01:30', '1:30.5', '1:30.', '1e3', '1E3', '1e+3', '1.e3', '1.e+3', '1.0e3', '1.0e+3', '1.0E-3', '1.5', '-1.5', '+1.5', '.5', '-.5', '+.5',
  '5.', '1_0.5', '0.1_0', '1.2.3', '.inf', '-.inf', '+.inf', '.Inf', '.INF', '.iNf', 'inf', '.nan', '.NaN', '.NAN', '.Nan', '-.nan', '1.0',
  '3.14159', '6.8523015e+5', '685.230_15e+03', '685_230.15', '1__', '_1', '0.', '-', '+', '.', '1-2', '12:', '2.5:30',
]
const DATES = ['2001-12-14', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10 -5', '2001-12-15T02:59:43.1Z', '2001-12-15 2:59:43',
  '2002-12-14', '2001-1-1', '2001-1-1 1:02:03', '2001-12-14 21:59:43.1234567', '2001-12-14T21:59:43.000+01:30', '20011214', '2001-12-14x']
const OTHERS = ['', 'hello', '0755abc', '"0755"', "'yes'", '!!str 0755', '!!int "0755"', '!!float 1', '!!bool yes', '!!int 0x1f', '!!bool off', '!!null ~', 'a: b', '~/x']

const CASES = [...WORDS.flatMap(cased), ...NUMBERS, ...NUMBERS.map((n) => `-${n}`), ...DATES, ...OTHERS]

describe('YAML scalars as ansible-core reads them (PyYAML AnsibleLoader)', () => {
  const expected = ansibleReads(CASES)
  it(`reads ${CASES.length} scalars exactly as ansible does`, () => {
    const wrong: string[] = []
    CASES.forEach((text, i) => {
      const want = expected[i]!
      if (want[0] === 'error') return
      let got: [string, unknown]
      try {
        got = tsplayReads(text)
      } catch (error) {
        got = ['error', String(error)]
      }
      if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${JSON.stringify(text)}: ansible ${JSON.stringify(want)}, tsplay ${JSON.stringify(got)}`)
    })
    expect(wrong).toEqual([])
  })

  it('an unquoted mode 0755 is the number 493, 0o755 the string', () => {
    expect(tsplayReads('0755')).toEqual(['number', 493])
    expect(tsplayReads('0o755')).toEqual(['string', '0o755'])
    expect(parseYaml('v: [0755, yes, y, {a: 0o7}]', 'l.yml').doc.toJS()).toEqual({ v: [493, true, 'y', { a: '0o7' }] })
  })

  it('merge keys, aliases as values and duplicate keys give what PyYAML gives, with the warning ansible prints', () => {
    const src = parseYaml('base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  a: 3\nd: {x: 1, y: 0, x: 2}\nl:\n  - *b\n', 'm.yml')
    expect(src.doc.toJS()).toEqual({ base: { a: 1, b: 2 }, m: { a: 3, b: 2 }, d: { x: 2, y: 0 }, l: [{ a: 1, b: 2 }] })
    expect(Object.keys((src.doc.toJS() as { d: object }).d)).toEqual(['x', 'y'])
    // ansible-playbook 2.14 on the same text: the mapping's start, the absolute file name
    expect(src.warnings).toEqual([
      `While constructing a mapping from ${resolve('m.yml')}, line 3, column 3, found a duplicate dict key (a). Using last defined value only.`,
      `While constructing a mapping from ${resolve('m.yml')}, line 5, column 4, found a duplicate dict key (x). Using last defined value only.`,
    ])
  })

  it('a merge of a list of mappings: earlier mappings win over later ones, the own keys over all', () => {
    const src = parseYaml('a: &a {k: 1, p: 1}\nb: &b {k: 2, q: 2}\nm:\n  <<: [*a, *b]\n  q: 3\n', 'm.yml')
    expect((src.doc.toJS() as { m: unknown }).m).toEqual({ k: 1, p: 1, q: 3 })
  })
})
