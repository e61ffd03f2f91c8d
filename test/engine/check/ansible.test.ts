// The mistakes `tsplay check` calls errors at load are mistakes to ansible-playbook too: each snippet below, alone
// in a playbook, is refused by `ansible-playbook --syntax-check` (the reference) and reported by `tsplay check`
// with the kind given.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { checkPlaybooks } from '../../../engine/check/index.js'

const run = promisify(execFile)

const CASES: ReadonlyArray<readonly [string, string]> = [
  ['unknown-keyword', '- debug:\n    msg: x\n  whenn: true'],
  ['unknown-module', '- not_a_real_module: foo=bar'],
  ['no-action', '- name: nothing to do\n  when: true'],
  ['conflicting-actions', '- debug:\n    msg: x\n  command: echo'],
  ['unknown-loop-lookup', '- debug:\n    msg: x\n  with_nosuch: [1]'],
  ['bad-tags', '- debug:\n    msg: x\n  tags: {a: 1}'],
  ['vars-not-mapping', '- debug:\n    msg: x\n  vars: [a, b]'],
  ['args-not-mapping', '- command: echo hi\n  args: chdir=/tmp'],
  ['include-missing', '- import_tasks: missing.yml'],
  ['role-not-found', '- import_role:\n    name: no_such_role'],
  ['yaml-syntax', '- debug:\n    msg: [unclosed'],
]

describe('tsplay check agrees with ansible-playbook --syntax-check', () => {
  const root = mkdtempSync(join(tmpdir(), 'tsplay-check-'))
  const playbooks = CASES.map(([kind, snippet], i) => {
    const dir = join(root, `${i}-${kind}`)
    mkdirSync(dir)
    const tasks = snippet.split('\n').map((line) => `    ${line}`).join('\n')
    writeFileSync(join(dir, 'site.yml'), `- hosts: localhost\n  gather_facts: false\n  tasks:\n${tasks}\n`)
    return join(dir, 'site.yml')
  })

  it('refuses each mistake like ansible does', { timeout: 300_000 }, async () => {
    const ansible = await Promise.all(
      playbooks.map((p) => run('ansible-playbook', ['--syntax-check', '-i', 'localhost,', p], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } }).then(() => 0, (e: { code?: number }) => e.code ?? -1)),
    )
    const tsplay = playbooks.map((p) => checkPlaybooks([p], { inventory: [] }).filter((x) => x.severity === 'error').map((x) => x.kind))
    expect(CASES.map(([kind], i) => `${kind}: ansible ${ansible[i] === 0 ? 'accepts' : 'refuses'}, tsplay ${tsplay[i]!.join(',') || 'accepts'}`)).toEqual(CASES.map(([kind]) => `${kind}: ansible refuses, tsplay ${kind}`))
  })
})
