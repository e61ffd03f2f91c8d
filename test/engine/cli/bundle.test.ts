// bin/tsplay.js runs the esbuild bundle (dist/tsplay.cjs), which vitest never loads: this runs it for real, over
// SSH, through facts, templates, file writes and a command, so that a dependency that breaks when bundled (one
// that needs __dirname, say) fails here rather than for users; and its V8 code cache, in a copy of the launcher and
// the bundle. Needs `npm run build` first, as `npm test` does.
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSshd, type SshdFixture } from '../../helpers/sshd.js'

const ROOT = resolve(import.meta.dirname, '../../..')
const BUNDLE = join(ROOT, 'dist/tsplay.cjs')

let sshd: SshdFixture
beforeAll(async () => {
  sshd = await startSshd()
})
afterAll(async () => {
  await sshd.stop()
})

describe('the bundled CLI (dist/tsplay.cjs)', () => {
  it('is newer than the compiled code it bundles, so bin/tsplay.js runs it', () => {
    expect(statSync(BUNDLE).mtimeMs).toBeGreaterThanOrEqual(statSync(join(ROOT, 'dist/engine/cli/main.js')).mtimeMs)
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

describe('the code cache of the bundle', () => {
  /** bin/tsplay.js and the bundle copied to a directory of their own, so that the cache there is this test's alone. */
  function copyOfCli(): { dir: string; tsplay: (...args: string[]) => Promise<string>; cache: string } {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-code-cache-'))
    mkdirSync(join(dir, 'bin'))
    mkdirSync(join(dir, 'dist/engine/cli'), { recursive: true })
    copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'))
    copyFileSync(join(ROOT, 'bin/tsplay.js'), join(dir, 'bin/tsplay.js'))
    copyFileSync(join(ROOT, 'dist/engine/cli/main.js'), join(dir, 'dist/engine/cli/main.js'))
    // copied last: the launcher runs the bundle only when it is not older than the compiled CLI
    copyFileSync(BUNDLE, join(dir, 'dist/tsplay.cjs'))
    const tsplay = async (...args: string[]): Promise<string> => (await promisify(execFile)('node', [join(dir, 'bin/tsplay.js'), ...args], { env: { ...process.env, CI: 'true' } })).stdout
    return { dir, tsplay, cache: join(dir, 'dist/tsplay.cjs.cache') }
  }

  function syntaxCheckable(dir: string): string[] {
    writeFileSync(join(dir, 'site.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: msg=hi\n')
    return ['run', join(dir, 'site.yml'), '--syntax-check']
  }

  it('is written by the first run for the bundle it was made from, and kept by later ones', async () => {
    const { dir, tsplay, cache } = copyOfCli()
    expect(await tsplay('--version')).toMatch(/^tsplay \d/)
    const bundle = statSync(join(dir, 'dist/tsplay.cjs'))
    // any command leaves a cache when there is none; a run replaces one that a lesser command made
    expect(readFileSync(cache).subarray(0, 80).toString('latin1')).toMatch(new RegExp(`^tsplay-code-cache ${bundle.size} ${bundle.mtimeMs} other\n`))
    await tsplay(...syntaxCheckable(dir))
    const made = readFileSync(cache)
    expect(made.subarray(0, 80).toString('latin1')).toMatch(/^tsplay-code-cache \d+ [\d.]+ run\n/)
    expect(made.length).toBeGreaterThan(100_000)
    await tsplay(...syntaxCheckable(dir))
    await tsplay('--version')
    expect(readFileSync(cache).equals(made)).toBe(true)
  })

  it('is replaced when V8 refuses it, and the run still works', async () => {
    const { dir, tsplay, cache } = copyOfCli()
    const bundle = statSync(join(dir, 'dist/tsplay.cjs'))
    writeFileSync(cache, Buffer.concat([Buffer.from(`tsplay-code-cache ${bundle.size} ${bundle.mtimeMs} run\n`), Buffer.alloc(4096, 7)]))
    expect(await tsplay(...syntaxCheckable(dir))).toMatch(/playbook: /)
    expect(readFileSync(cache).length).toBeGreaterThan(100_000)
  })

  it('is not used for a rebuilt bundle', async () => {
    const { dir, tsplay, cache } = copyOfCli()
    await tsplay(...syntaxCheckable(dir))
    const old = readFileSync(cache)
    // the same bytes, written again: a new modification time stands for a new build
    copyFileSync(BUNDLE, join(dir, 'dist/tsplay.cjs'))
    const rebuilt = statSync(join(dir, 'dist/tsplay.cjs'))
    await tsplay(...syntaxCheckable(dir))
    expect(readFileSync(cache).subarray(0, 80).toString('latin1')).toMatch(new RegExp(`^tsplay-code-cache ${rebuilt.size} ${rebuilt.mtimeMs} run\n`))
    expect(old.subarray(0, 80).equals(readFileSync(cache).subarray(0, 80))).toBe(false)
  })
})
