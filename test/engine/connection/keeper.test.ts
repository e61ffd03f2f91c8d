// The connection keeper: with ControlMaster/ControlPersist in the ssh arguments (ansible's default ssh_args, so
// tsplay's default too), a second run reuses the first run's connection; unreachable stays unreachable; an idle
// keeper goes away. The test projects turn the keeper off (TSPLAY_NO_KEEPER, vitest.config.ts) so that their runs
// stay independent; this file turns it back on.
// The keeper runs bin/tsplay.js, so this needs `npm run build` first, as `npm test` does.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../../engine/cli/index.js'
import { keeperSocket } from '../../../engine/connection/keeper-protocol.js'
import { startSshd, type SshdFixture } from '../../helpers/sshd.js'

let sshd: SshdFixture
let dir: string

beforeAll(async () => {
  delete process.env['TSPLAY_NO_KEEPER']
  sshd = await startSshd()
  dir = mkdtempSync(join(tmpdir(), 'tsplay-keeper-'))
  writeFileSync(join(dir, 'site.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.command: echo hello from {{ inventory_hostname }}
      register: said
      changed_when: false
    - ansible.builtin.assert:
        that: said.stdout == 'hello from ' ~ inventory_hostname
`)
})
afterAll(async () => {
  await sshd.stop()
})

/** An inventory of one host on the test sshd (or on `port`), kept for `persist` (unset: tsplay's default ssh_args). */
function inventory(name: string, persist?: string, port = sshd.port): string {
  const file = join(dir, `${name}.ini`)
  const sshArgs = persist === undefined ? '' : ` ansible_ssh_args='-o ControlMaster=auto -o ControlPersist=${persist}'`
  writeFileSync(file, `${name} ansible_host=127.0.0.1 ansible_port=${port} ansible_user=${userInfo().username} ansible_ssh_private_key_file=${sshd.clientKey} ansible_ssh_common_args='-o UserKnownHostsFile=${sshd.knownHosts}'${sshArgs}\n`)
  return file
}

/** All descendants of a process, from /proc. */
function descendants(pid: number): number[] {
  const children = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
    try {
      return Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) === pid
    } catch {
      return false
    }
  })
  return children.flatMap((c) => [c, ...descendants(c)])
}

async function run(inventoryFile: string): Promise<{ code: number; output: string }> {
  let output = ''
  const code = await main(['run', '-i', inventoryFile, join(dir, 'site.yml')], (s) => void (output += s), (s) => void (output += s))
  return { code, output }
}

describe('the connection keeper (ControlPersist)', () => {
  it('serves a second run on the first run\'s connection: one login for two runs', async () => {
    const file = inventory('kept', '10s')
    const before = sshd.logins()
    const first = await run(file)
    const second = await run(file)
    expect([first.code, second.code], first.output + second.output).toEqual([0, 0])
    expect(second.output).toMatch(/kept\s+: ok=2\s+changed=0\s+unreachable=0\s+failed=0/)
    expect(sshd.logins() - before).toBe(1)
  })

  it('keeps connections without any ssh arguments, as ansible-core\'s default ssh_args do', async () => {
    const file = inventory('default')
    const before = sshd.logins()
    expect((await run(file)).code).toBe(0)
    expect((await run(file)).code).toBe(0)
    expect(sshd.logins() - before).toBe(1)
  })

  it('opens a connection per run when ansible_ssh_args has no ControlPersist (a later -o ControlPersist does not count, as in ansible)', async () => {
    const file = join(dir, 'plain.ini')
    writeFileSync(file, `plain ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${userInfo().username} ansible_ssh_private_key_file=${sshd.clientKey} ansible_ssh_args='-o ControlMaster=no' ansible_ssh_common_args='-o UserKnownHostsFile=${sshd.knownHosts} -o ControlMaster=auto -o ControlPersist=10s'\n`)
    const before = sshd.logins()
    expect((await run(file)).code).toBe(0)
    expect((await run(file)).code).toBe(0)
    expect(sshd.logins() - before).toBe(2)
  })

  it('passes on what connecting logged (an accepted new host key) to the verbose output of the run that asked', async () => {
    const knownHosts = join(dir, 'empty_known_hosts')
    writeFileSync(knownHosts, '')
    const file = join(dir, 'newkey.ini')
    writeFileSync(file, `newkey ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${userInfo().username} ansible_ssh_private_key_file=${sshd.clientKey} ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts}'\n`)
    let output = ''
    const code = await main(['run', '-vvv', '--accept-new-host-keys', '-i', file, join(dir, 'site.yml')], (s) => void (output += s), (s) => void (output += s))
    expect(code, output).toBe(0)
    expect(output).toMatch(/newkey: .*accepted new host key \(.+\) and recorded it in /)
    expect(readFileSync(knownHosts, 'utf8')).toMatch(/ ssh-ed25519 AAAA/)
  })

  // A play's variables are rendered when read; connecting must read only its own (this play's `later` needs facts
  // that the connection exists to gather). A copy of all the variables once rendered them all: ansible_distribution
  // is undefined, at Gathering Facts.
  it('renders no variable but the connection\'s own when it connects', async () => {
    writeFileSync(join(dir, 'lazy.yml'), `- hosts: all
  vars:
    later: "{{ ansible_distribution | lower }}"
  tasks:
    - ansible.builtin.assert:
        that: later | length > 0
`)
    let output = ''
    const code = await main(['run', '-i', inventory('lazy'), join(dir, 'lazy.yml')], (s) => void (output += s), (s) => void (output += s))
    expect(code, output).toBe(0)
    expect(output).toMatch(/lazy\s+: ok=2\s+changed=0\s+unreachable=0\s+failed=0/)
  })

  it('reports a host nobody answers for as UNREACHABLE, exit code 4', async () => {
    const result = await run(inventory('nowhere', '10s', 1))
    expect(result.code).toBe(4)
    expect(result.output).toMatch(/UNREACHABLE!/)
    expect(result.output).toMatch(/nowhere\s+: ok=0\s+changed=0\s+unreachable=1/)
  })

  it('closes a connection once idle for ControlPersist: the next run logs in again', async () => {
    expect((await run(inventory('brief', '1s'))).code).toBe(0)
    const before = sshd.logins()
    // well past the 1 s, even on a busy machine
    await new Promise((r) => setTimeout(r, 3000))
    expect((await run(inventory('brief', '1s'))).code).toBe(0)
    expect(sshd.logins() - before).toBe(1)
  })

  it('checks a connection idle for a while before using it, and replaces one that no longer answers', async () => {
    const file = inventory('frozen', '10s')
    expect((await run(file)).code).toBe(0)
    // freeze the processes that serve the kept connection: TCP stays up, nothing answers (a host gone silent)
    const servers = descendants(sshd.pid)
    for (const pid of servers) process.kill(pid, 'SIGSTOP')
    try {
      await new Promise((r) => setTimeout(r, 3000))
      const before = sshd.logins()
      const started = Date.now()
      const again = await run(file)
      expect(again.code, again.output).toBe(0)
      expect(sshd.logins() - before).toBe(1)
      // the check gives up after 3 s, not after keepalives (45 s)
      expect(Date.now() - started).toBeLessThan(10_000)
    } finally {
      for (const pid of servers) process.kill(pid, 'SIGKILL')
    }
  }, 20_000)

  it('checks the host key of a kept connection against known_hosts again: a key changed since is refused', async () => {
    const known = join(dir, 'rekeyed_known_hosts')
    writeFileSync(known, readFileSync(sshd.knownHosts))
    const file = join(dir, 'rekeyed.ini')
    writeFileSync(file, `rekeyed ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${userInfo().username} ansible_ssh_private_key_file=${sshd.clientKey} ansible_ssh_common_args='-o UserKnownHostsFile=${known}' ansible_ssh_args='-o ControlMaster=auto -o ControlPersist=30s'\n`)
    const first = await run(file)
    expect(first.code, first.output).toBe(0)
    // another key for the same name and port (the client's own public key will do): the host now looks reinstalled
    const impostor = readFileSync(`${sshd.clientKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
    writeFileSync(known, `[127.0.0.1]:${sshd.port} ${impostor}\n`)
    const second = await run(file)
    expect(second.code).toBe(4)
    expect(second.output).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED')
    expect(second.output).toMatch(/rekeyed\s+: ok=0\s+changed=0\s+unreachable=1/)
  })

  it('exits when it holds nothing more, removing its socket', async () => {
    const socket = keeperSocket()!
    expect(existsSync(socket)).toBe(true)
    // the longest ControlPersist above is the default's 60 s, then the keeper lingers 2 s
    await expect.poll(() => existsSync(socket), { timeout: 75_000, interval: 250 }).toBe(false)
  }, 80_000)
})
