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

// `listing`: unnamed role tasks, a role named by its path, a role named twice, named and unnamed meta and
// include_role, rescue and always (not listed), tags templated with play variables
describe.each([['tags', []], ['tags', ['--tags', 'a,never']], ['roles', []], ['includes', ['--skip-tags', 'x']], ['listing', ['--list-hosts']], ['listing', ['--tags', 'z1,t2']]] as const)('listing %s %j', (name, args) => {
  it('prints --list-tasks --list-tags as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible(name, ['--list-tasks', '--list-tags', ...args]), runTsplay(name, ['--list-tasks', '--list-tags', ...args])])
    const body = (raw: string): string => setsSorted(raw.slice(raw.indexOf('  play #')))
    expect(body(tsplay.raw)).toBe(body(ansible.raw))
  })
})

/**
 * ansible-playbook prints a play's hosts and its own tags from Python sets, in an order that changes from run to run
 * (string hashes are randomised): both sides sorted before comparing.
 */
function setsSorted(listing: string): string {
  const lines = listing.split('\n').map((line) => line.replace(/(\tTAGS: \[)([^\]]*)\]$/, (_, head: string, tags: string) => (line.startsWith('  play #') ? `${head}${tags.split(',').sort().join(',')}]` : `${head}${tags}]`)))
  for (let i = 0; i < lines.length; i++) {
    const m = /^    hosts \((\d+)\):$/.exec(lines[i]!)
    if (m) lines.splice(i + 1, Number(m[1]), ...lines.slice(i + 1, i + 1 + Number(m[1])).sort())
  }
  return lines.join('\n')
}
