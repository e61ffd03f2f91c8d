// A project whose ansible.cfg says where its inventory, roles, library and collections are, run from its folder
// without -i by ansible-playbook and by tsplay: both must find the same things and do the same.
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectSameOutcome, runInProject } from './harness.js'

const PROJECT = resolve(import.meta.dirname, '../fixtures/config-project')

describe('a project configured by ansible.cfg', () => {
  it('finds inventory, roles_path, library and collections_path roles and modules as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runInProject('ansible', PROJECT, 'site.yml'), runInProject('tsplay', PROJECT, 'site.yml')])
    expectSameOutcome(tsplay, ansible)
    // each file proves one setting was used: inventory (web1 ran at all), roles_path, library, collections_path, gathering
    expect(Object.keys(tsplay.files).sort()).toEqual(['calico', 'cfgrole', 'facts', 'greet', 'keyword', 'library', 'note', 'plugin'])
    // gathering = explicit: no facts (ansible writes the same text, compared above)
    expect(tsplay.files['facts']).toMatch(/^False\n?$/)
    expect(tsplay.recap).toEqual([expect.stringMatching(/^web1 +: ok=\d+/)])
  })

  it('lets ANSIBLE_ROLES_PATH override roles_path as ansible-playbook does', async () => {
    const env = { ANSIBLE_ROLES_PATH: resolve(PROJECT, 'nowhere') }
    const [ansible, tsplay] = await Promise.all([runInProject('ansible', PROJECT, 'site.yml', [], env), runInProject('tsplay', PROJECT, 'site.yml', [], env)])
    // ansible exits 1 (an AnsibleError, not a parser error), tsplay 4 as for any load error
    expect(ansible.code).not.toBe(0)
    expect(tsplay.code).not.toBe(0)
    expect(tsplay.raw).toMatch(/the role 'cfgrole' was not found in/)
  })
})
