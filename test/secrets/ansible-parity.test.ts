// What no_log leaves of a result is what ansible-playbook leaves: the same censored lines, item labels and retry
// lines, compared with the real ansible-playbook on the secrets suite's task-level playbook.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'
import { main } from '../../engine/cli/index.js'
import { writeLevel } from './cases.js'

const root = mkdtempSync(join(tmpdir(), 'tsplay-nolog-parity-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

/** The lines no_log shapes, with the run's directory taken out. */
const censoredLines = (log: string, dir: string): string[] =>
  log.split('\n').filter((l) => /censored|\(item=|RETRYING|^included:/.test(l)).map((l) => l.replaceAll(dir, 'DIR'))

// one run at -v (about a minute of ansible on a busy machine): it shows censored results, items and retries
it('censors as ansible-playbook 2.14 does (-v)', async () => {
  const flags = ['-v']
  const ansibleDir = mkdtempSync(join(root, 'ansible-'))
  // left out: ansible fails the include of a missing file in spite of ignore_errors, which ends the host's play
  const ansiblePlaybook = writeLevel('task', ansibleDir, ['includefail'])
  const ansible = await promisify(execFile)('ansible-playbook', ['-i', join(ansibleDir, 'inventory.yml'), ansiblePlaybook, ...flags], {
    env: { ...process.env, ANSIBLE_HOST_KEY_CHECKING: '0', ANSIBLE_NOCOLOR: '1' },
    maxBuffer: 1 << 24,
  })
  const ourDir = mkdtempSync(join(root, 'tsplay-'))
  const ourPlaybook = writeLevel('task', ourDir, ['includefail'])
  let out = ''
  const code = await main(['run', ourPlaybook, '-i', join(ourDir, 'inventory.yml'), '-T', '2', ...flags], (s) => void (out += s), () => {})
  expect(code, out).toBe(0)
  // tsplay names an unreachable delegate with its address, ansible (here) by its name alone: not no_log's business
  const ours = censoredLines(out, ourDir).map((l) => l.replace('[h1 -> gone(127.0.0.1)]', '[h1 -> gone]'))
  expect(ours).toEqual(censoredLines(ansible.stdout, ansibleDir))
}, 180_000)
