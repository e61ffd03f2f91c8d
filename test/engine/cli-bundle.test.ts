// bin/tsplay.js runs the esbuild bundle (dist/tsplay.mjs), which vitest never loads: this runs it for real, over
// SSH, through facts, templates, file writes and a command, so that a dependency that breaks when bundled (one
// that needs __dirname, say) fails here rather than for users. Needs `npm run build` first, as `npm test` does.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSshd, type SshdFixture } from '../helpers/sshd.js'

const ROOT = resolve(import.meta.dirname, '../..')
const BUNDLE = join(ROOT, 'dist/tsplay.mjs')

let sshd: SshdFixture
beforeAll(async () => {
  sshd = await startSshd()
})
afterAll(async () => {
  await sshd.stop()
})

describe('the bundled CLI (dist/tsplay.mjs)', () => {
  it('is newer than the compiled code it bundles, so bin/tsplay.js runs it', () => {
    expect(statSync(BUNDLE).mtimeMs).toBeGreaterThanOrEqual(statSync(join(ROOT, 'dist/engine/cli.js')).mtimeMs)
  })

  it('runs a playbook over SSH: facts, a template, a file write and a command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-bundle-'))
    writeFileSync(join(dir, 'inventory.ini'), `box ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${userInfo().username} ansible_ssh_private_key_file=${sshd.clientKey} ansible_ssh_common_args='-o UserKnownHostsFile=${sshd.knownHosts}'\n`)
    writeFileSync(join(dir, 'site.yml'), `- hosts: box
  tasks:
    - ansible.builtin.copy:
        content: "{{ ansible_facts.hostname | upper }} {{ [3, 1, 2] | sort | join(',') }}\\n"
        dest: ${dir}/out.txt
        mode: "0640"
    - ansible.builtin.command: cat ${dir}/out.txt
      register: shown
      changed_when: false
    - ansible.builtin.assert:
        that: shown.stdout is search('1,2,3')
`)
    const { stdout } = await promisify(execFile)('node', [join(ROOT, 'bin/tsplay.js'), 'run', join(dir, 'site.yml'), '-i', join(dir, 'inventory.ini')], { env: { ...process.env, CI: 'true' } })
    expect(stdout).toMatch(/box\s+: ok=4\s+changed=1\s+unreachable=0\s+failed=0/)
    const hostname = (await promisify(execFile)('hostname', ['-s'])).stdout.trim()
    expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe(`${hostname.toUpperCase()} 1,2,3\n`)
    expect(statSync(join(dir, 'out.txt')).mode & 0o777).toBe(0o640)
  })
})
