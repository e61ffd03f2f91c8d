// tsplay against ansible-playbook on the same playbooks and local inventory: exit code, PLAY RECAP, the
// banners and host status lines in order, and the files written must be the same.
import { describe, expect, it } from 'vitest'
import { PLAYBOOK_CASES } from './cases.js'
import { expectSameOutcome, runAnsible, runTsplay } from './harness.js'

describe.each(PLAYBOOK_CASES)('%s %j', (name, args) => {
  it('behaves as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible(name, args), runTsplay(name, args)])
    expectSameOutcome(tsplay, ansible)
  })
})

describe.each([['tags', []], ['tags', ['--tags', 'a,never']], ['roles', []], ['includes', ['--skip-tags', 'x']]] as const)('listing %s %j', (name, args) => {
  it('prints --list-tasks --list-tags as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible(name, ['--list-tasks', '--list-tags', ...args]), runTsplay(name, ['--list-tasks', '--list-tags', ...args])])
    const body = (raw: string): string => raw.slice(raw.indexOf('  play #'))
    expect(body(tsplay.raw)).toBe(body(ansible.raw))
  })
})
