import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { roleArgumentSpecs, validateRoleArguments } from '../../../engine/load/index.js'
import { validateArgumentSpec, type ArgumentSpec } from '../../../modules/index.js'
import { parseYaml } from '../../../engine/yaml/index.js'

// The reference: ansible-core's own ArgumentSpecValidator, as its validate_argument_spec action calls it.
const SCRIPT = String.raw`
import json, sys
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
out = []
for spec, params in json.load(sys.stdin):
    result = ArgumentSpecValidator(spec).validate(params, validate_role_argument_spec=True)
    out.append(result.error_messages)
print(json.dumps(out))
`

type Case = readonly [spec: ArgumentSpec, params: Record<string, unknown>]

function ansibleErrors(cases: readonly Case[]): string[][] {
  const run = spawnSync('/usr/bin/python3', ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`)
  return JSON.parse(run.stdout) as string[][]
}

// values that come from JSON are plain str in Python
const pythonNames = (v: unknown, _option: string): string => (typeof v === 'string' ? "<class 'str'>" : Array.isArray(v) ? "<class 'list'>" : v === null ? "<class 'NoneType'>" : typeof v === 'object' ? "<class 'dict'>" : typeof v === 'boolean' ? "<class 'bool'>" : Number.isInteger(v) ? "<class 'int'>" : "<class 'float'>")

const CASES: readonly Case[] = [
  [{ name: { type: 'str', required: true } }, {}],
  [{ name: { type: 'str', required: true }, port: { type: 'int', required: true } }, { port: 1 }],
  [{ port: { type: 'int' } }, { port: 'abc' }],
  [{ port: { type: 'int' } }, { port: '42' }],
  [{ port: { type: 'int' } }, { port: 4.5 }],
  [{ port: { type: 'int' } }, { port: [1] }],
  [{ ratio: { type: 'float' } }, { ratio: 'x' }],
  [{ ratio: { type: 'float' } }, { ratio: '1.5' }],
  [{ flag: { type: 'bool' } }, { flag: 'yes' }],
  [{ flag: { type: 'bool' } }, { flag: [true] }],
  [{ items: { type: 'list' } }, { items: { a: 1 } }],
  [{ items: { type: 'list' } }, { items: 'a,b' }],
  [{ items: { type: 'list', elements: 'int' } }, { items: [1, 'x', 3, 'y'] }],
  [{ items: { type: 'list', elements: 'str' } }, { items: [1, 'x'] }],
  [{ conf: { type: 'dict' } }, { conf: [1, 2] }],
  [{ conf: { type: 'dict' } }, { conf: 'plain' }],
  [{ conf: { type: 'dict' } }, { conf: 'a=1 b=2' }],
  [{ conf: { type: 'dict', options: { x: { type: 'int', required: true }, y: { choices: ['a', 'b'] } } } }, { conf: { y: 'c', z: 1 } }],
  [{ servers: { type: 'list', elements: 'dict', options: { host: { required: true }, port: { type: 'int' } } } }, { servers: [{ host: 'a', port: 'x' }, { port: 1 }, 'nope'] }],
  [{ mode: { choices: ['a', 'b'] } }, { mode: 'c' }],
  [{ modes: { type: 'list', choices: ['a', 'b'] } }, { modes: ['a', 'c', 'd'] }],
  [{ level: { type: 'int', choices: [1, 2] } }, { level: '2' }],
  [{ level: { type: 'int', choices: [1, 2] } }, { level: 3 }],
  [{ name: { type: 'str' } }, { name: 'x', extra: 1, other: 2 }],
  [{ name: { type: 'str', aliases: ['n'] } }, { n: 'x', bad: 1 }],
  [{ name: { type: 'str', required: true, default: 'x' } }, {}],
  [{ p: { type: 'path' } }, { p: '/tmp/x' }],
  [{ r: { type: 'raw' } }, { r: [1, { a: 2 }] }],
  [{ j: { type: 'json' } }, { j: 3 }],
  [{ s: { type: 'bytes' } }, { s: 'lots' }],
  [{ s: { type: 'string' } }, { s: 'x' }],
  [{ c: { type: 'dict', options: { a: {}, b: {} }, mutually_exclusive: [['a', 'b']], required_one_of: [['a', 'b']] } }, { c: { a: 1, b: 2 } }],
  [{ c: { type: 'dict', options: { a: {}, b: {} }, required_together: [['a', 'b']], required_by: { a: ['b'] } } }, { c: { a: 1 } }],
  [{ c: { type: 'dict', options: { state: {}, path: {} }, required_if: [['state', 'present', ['path']]] } }, { c: { state: 'present' } }],
  [{ c: { type: 'dict', apply_defaults: true, options: { a: { required: true } } } }, {}],
  [{ e: { type: 'str', elements: 'int' } }, { e: 'abc' }],
  [{ b: { choices: [true, 'x'] } }, { b: 'True' }],
  [{ l: { type: 'list' } }, { l: 5 }],
  [{ s: { type: 'str', choices: ['[1, 2]'] } }, { s: [1, 2] }],
  [{ j: { type: 'jsonarg' } }, { j: { a: [1] } }],
  [{ n: { type: 'int', required: true } }, { n: null }],
  [{ c: { type: 'dict', options: { a: { type: 'int' } } } }, { c: 'a=1' }],
  [{ c: { type: 'dict', options: { a: { type: 'int' } } } }, { c: 'junk' }],
  [{ d: { type: 'dict', options: { e: { type: 'dict', options: { f: { type: 'int' } } } } } }, { d: { e: { f: 'x', g: 1 } } }],
]

describe('argument spec validation (validate_argument_spec, role argument specs)', () => {
  it("gives ansible-core's ArgumentSpecValidator messages, in its order", () => {
    const expected = ansibleErrors(CASES)
    expect(expected.filter((e) => e.length > 0).length).toBeGreaterThan(25)
    expect(CASES.map(([spec, params]) => validateArgumentSpec(spec, params, pythonNames).errors)).toEqual(expected)
  })

  it('names a YAML string AnsibleUnicode and lists the valid booleans, as ansible-playbook printed them', () => {
    // ansible-playbook 2.14 on a role parameter `flag: maybe` against `flag: {type: bool}` (the booleans' order is a
    // Python set's: it changes from run to run there, tsplay prints one of them)
    expect(validateArgumentSpec({ flag: { type: 'bool' }, port: { type: 'int' } }, { flag: 'maybe', port: 'abc' }).errors).toEqual([
      "argument 'flag' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to bool: The value 'maybe' is not a valid boolean.  Valid booleans include: 0, 1, '0', '1', 'n', 'yes', 't', 'f', 'false', 'off', 'y', 'on', 'no', 'true'",
      "argument 'port' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to int: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to an int",
    ])
  })

  it('finds a role’s specs where ansible does and validates variables against an entry point', () => {
    const role = mkdtempSync(join(tmpdir(), 'argspec-'))
    mkdirSync(join(role, 'meta'))
    const metaText = 'argument_specs:\n  main:\n    options:\n      a: {type: int}\n'
    writeFileSync(join(role, 'meta', 'main.yml'), metaText)
    const src = parseYaml(metaText, join(role, 'meta', 'main.yml'))
    const meta = { value: src.doc.toJS() as unknown, src }
    expect(validateRoleArguments(roleArgumentSpecs(role, meta)!.entryPoints['main']!, { a: 'b' }).length).toBe(1)
    // meta/argument_specs.yaml wins outright over meta/main.yml
    writeFileSync(join(role, 'meta', 'argument_specs.yaml'), 'argument_specs:\n  main:\n    short_description: d\n    options:\n      port: {type: int, required: true}\n      name: {type: str}\n')
    const specs = roleArgumentSpecs(role, meta)
    expect(Object.keys(specs?.entryPoints ?? {})).toEqual(['main'])
    expect(validateRoleArguments(specs!.entryPoints['main']!, { port: 'x', unrelated: 1 })).toEqual([
      { message: "argument 'port' is of type <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> and we were unable to convert to int: <class 'ansible.parsing.yaml.objects.AnsibleUnicode'> cannot be converted to an int" },
    ])
    expect(validateRoleArguments(specs!.entryPoints['main']!, {})).toEqual([{ message: 'missing required arguments: port' }])
    expect(validateRoleArguments(specs!.entryPoints['main']!, { port: 80 })).toEqual([])
  })
})
