// ansible's Display.warning writes `[WARNING]:` lines to stderr, never among the task lines on stdout; tsplay's
// CLI must split its output the same way (scripts grep stdout, CI logs keep the streams apart).
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { main } from '../../engine/cli/index.js'
import { FIXTURES } from './harness.js'

const run = promisify(execFile)
const playbook = join(FIXTURES, 'warnings/site.yml')
const inventory = join(FIXTURES, 'inventory.ini')
const warningLines = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('[WARNING]:'))

describe('warnings', () => {
  it('go to stderr as ansible-playbook prints them', async () => {
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_DEPRECATION_WARNINGS: '0' }
    const ansible = await run('ansible-playbook', ['-i', inventory, playbook, '-e', `out=${mkdtempSync(join(tmpdir(), 'warn-a-'))}`], { env })
    let stdout = ''
    let stderr = ''
    const code = await main(['run', '-i', inventory, playbook, '-e', `out=${mkdtempSync(join(tmpdir(), 'warn-t-'))}`], (s) => void (stdout += s), (s) => void (stderr += s))
    expect(code).toBe(0)
    expect(warningLines(ansible.stdout)).toEqual([])
    expect(warningLines(stdout)).toEqual([])
    expect(warningLines(stderr)).toEqual(warningLines(ansible.stderr))
    expect(warningLines(stderr).length).toBe(2)
  })
})
