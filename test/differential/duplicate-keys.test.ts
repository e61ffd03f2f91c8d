// ansible.cfg's `[defaults] duplicate_dict_key` (ANSIBLE_DUPLICATE_YAML_DICT_KEY over it): a key given twice in a
// mapping warns (the default), stops the run before it starts (error: exit 4), or passes silently (ignore), in
// tsplay as in ansible-playbook.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectSameOutcome, runInProject, type Outcome } from './harness.js'

const PLAYBOOK = `- hosts: localhost
  gather_facts: false
  connection: local
  tasks:
    - copy:
        content: one
        content: two
        dest: "{{ out }}/written"
`

function project(setting: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'dupkeys-'))
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK)
  writeFileSync(join(dir, 'ansible.cfg'), `[defaults]\nlocalhost_warning = False\n${setting === undefined ? '' : `duplicate_dict_key = ${setting}\n`}`)
  return dir
}

const WARNING = /found a duplicate dict key \(content\)/

async function both(dir: string, env: Record<string, string> = {}): Promise<[Outcome, Outcome]> {
  return await Promise.all([runInProject('ansible', dir, 'site.yml', [], env), runInProject('tsplay', dir, 'site.yml', [], env)])
}

describe('duplicate_dict_key', () => {
  it('warns by default and uses the last value', async () => {
    const [ansible, tsplay] = await both(project(undefined))
    expectSameOutcome(tsplay, ansible)
    expect(tsplay.files).toEqual({ written: 'two' })
    expect(tsplay.raw).toMatch(WARNING)
  })

  it('error: refuses the playbook with exit 4, naming the key', async () => {
    const [ansible, tsplay] = await both(project('error'))
    expect(ansible.code).toBe(4)
    expect(tsplay.code).toBe(4)
    expect(ansible.files).toEqual({})
    expect(tsplay.files).toEqual({})
    expect(tsplay.raw).toMatch(/site\.yml:6:9: yaml: found a duplicate dict key \(content\)/)
  })

  it('ignore, from the environment over ansible.cfg: runs without a word', async () => {
    const [ansible, tsplay] = await both(project('error'), { ANSIBLE_DUPLICATE_YAML_DICT_KEY: 'ignore' })
    expectSameOutcome(tsplay, ansible)
    expect(tsplay.files).toEqual({ written: 'two' })
    expect(tsplay.raw).not.toMatch(WARNING)
  })
})
