// tsplay against ansible-playbook on the same playbooks and local inventory: exit code, PLAY RECAP, the
// banners and host status lines in order, and the files written must be the same.
import { describe, expect, it } from 'vitest'
import { runAnsible, runTsplay } from './harness.js'

const CASES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['handlers', []],
  ['handlers', ['--force-handlers']],
  ['loops', []],
  ['register', []],
  ['blocks', []],
  ['failures', []],
  ['tags', []],
  ['tags', ['--tags', 'a,blk']],
  ['tags', ['--tags', 'debug']],
  ['tags', ['--skip-tags', 'b,always']],
  ['tags', ['--tags', 'untagged']],
  ['tags', ['--tags', 'tagged']],
  ['includes', []],
  ['roles', []],
  ['delegation', []],
  ['serial', []],
  ['retries', []],
  ['checkmode', []],
  ['checkmode', ['--check']],
  ['logic', []],
  ['unreachable', ['-i', 'extra.ini']],
  ['precedence', []],
  ['precedence', ['-e', 'x=extra a=extra']],
  ['sections', []],
  ['sections', ['--force-handlers']],
  ['fatal', []],
  ['meta', []],
  ['meta', ['--tags', 'applied']],
  ['meta', ['--start-at-task', 'omit drops an argument']],
  ['converge', []],
  ['converge', ['--check', '--diff']],
  ['vars', ['-e', 'extra_level=extra']],
  ['vars', ['--limit', 'web', '-e', '{"extra_level": 5}']],
]

describe.each(CASES)('%s %j', (name, args) => {
  it('behaves as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible(name, args), runTsplay(name, args)])
    expect(tsplay.log, tsplay.raw).toEqual(ansible.log)
    expect(tsplay.recap).toEqual(ansible.recap)
    expect(tsplay.files).toEqual(ansible.files)
    expect(tsplay.code).toBe(ansible.code)
  })
})

describe.each([['tags', []], ['tags', ['--tags', 'a,never']], ['roles', []], ['includes', ['--skip-tags', 'x']]] as const)('listing %s %j', (name, args) => {
  it('prints --list-tasks --list-tags as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible(name, ['--list-tasks', '--list-tags', ...args]), runTsplay(name, ['--list-tasks', '--list-tags', ...args])])
    const body = (raw: string): string => raw.slice(raw.indexOf('  play #'))
    expect(body(tsplay.raw)).toBe(body(ansible.raw))
  })
})
