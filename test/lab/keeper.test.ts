// The connection keeper on a real host: runs with ControlMaster/ControlPersist share one login, and a reboot in
// the middle of a run (the kept connection dies with the host) is survived, the run going on after it.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../engine/cli/index.js'
import { labHostNamed, labKeyFile, labKnownHosts, sshCheck, type LabHost } from './helpers.js'

let host: LabHost
let dir: string

beforeAll(() => {
  // the test projects turn the keeper off (vitest.config.ts); this file is about it
  delete process.env['TSPLAY_NO_KEEPER']
  host = labHostNamed('TSPLAY_KEEPER_LAB_HOST', 'lab5')
  dir = mkdtempSync(join(tmpdir(), 'tsplay-keeper-lab-'))
})

/** An inventory for the host with persistent connections; `extra` ssh options make it a connection of its own. */
function inventory(name: string, extra = ''): string {
  const file = join(dir, `${name}.ini`)
  writeFileSync(file, `${host.name} ansible_host=${host.address} ansible_user=root ansible_ssh_private_key_file=${labKeyFile()} ansible_ssh_common_args='-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes -o ControlMaster=auto -o ControlPersist=30s ${extra}'\n`)
  return file
}

async function run(inventoryFile: string, playbook: string): Promise<{ code: number; output: string }> {
  const file = join(dir, `play-${Math.random().toString(36).slice(2)}.yml`)
  writeFileSync(file, playbook)
  let output = ''
  const code = await main(['run', '-i', inventoryFile, file], (s) => void (output += s), (s) => void (output += s))
  return { code, output }
}

/** Logins sshd on the host accepted so far (its journal); the counting login itself is included. */
const logins = async (): Promise<number> => Number((await sshCheck(host.name, "journalctl -b -u ssh.service -o cat | grep -c 'Accepted publickey' || true")).trim())

describe('the connection keeper on a lab host', () => {
  it('serves two runs with one login', async () => {
    const file = inventory('twice', '-o ServerAliveInterval=17')
    const play = `- hosts: all\n  tasks:\n    - ansible.builtin.command: uname -n\n      changed_when: false\n`
    const before = await logins()
    for (let i = 0; i < 2; i++) {
      const result = await run(file, play)
      expect(result.code, result.output).toBe(0)
    }
    // one for the kept connection, one for this count
    expect((await logins()) - before).toBe(2)
  })

  it('goes on after a reboot that kills the kept connection mid-run', async () => {
    const file = inventory('reboot', '-o ServerAliveInterval=18')
    const play = `- hosts: all
  gather_facts: false
  tasks:
    - ansible.builtin.command: cat /proc/sys/kernel/random/boot_id
      register: before
      changed_when: false
    - ansible.builtin.reboot:
        reboot_timeout: 300
    - ansible.builtin.command: cat /proc/sys/kernel/random/boot_id
      register: after
      changed_when: false
    - ansible.builtin.assert:
        that: before.stdout != after.stdout
`
    const result = await run(file, play)
    expect(result.code, result.output).toBe(0)
    expect(result.output).toMatch(new RegExp(`${host.name}\\s+: ok=4\\s+changed=1\\s+unreachable=0\\s+failed=0`))
  }, 400_000)
})
