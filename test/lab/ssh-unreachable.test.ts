import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { main } from '../../engine/cli/index.js'
import { labHostFromEnd } from '../helpers/lab-ssh.js'
import { labKeyFile, labKnownHosts, startHost, stopHost, type LabHost } from './helpers.js'

// A play over two lab hosts, one of them powered off: tsplay and ansible-playbook must both report it
// UNREACHABLE, finish the play on the other host, and exit with 4.
let dir: string
let alive: LabHost
let down: LabHost

beforeAll(async () => {
  alive = labHostFromEnd(2)
  down = labHostFromEnd(1)
  dir = mkdtempSync(join(tmpdir(), 'tsplay-unreachable-'))
  writeFileSync(join(dir, 'hosts.ini'), [
    `${alive.name} ansible_host=${alive.address}`,
    `${down.name} ansible_host=${down.address}`,
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${labKeyFile()}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes'`,
    'ansible_python_interpreter=/usr/bin/python3',
    '',
  ].join('\n'))
  writeFileSync(join(dir, 'play.yaml'), [
    '- hosts: all',
    '  gather_facts: true',
    '  tasks:',
    '    - command: echo first',
    '    - command: echo second',
    '',
  ].join('\n'))
  await stopHost(down.name)
})

afterAll(async () => {
  await startHost(down.name)
  rmSync(dir, { recursive: true, force: true })
})

const recap = (output: string, host: string): string => {
  const line = output.split('\n').find((l) => l.startsWith(`${host} `))
  return (line ?? '').replace(/\s+/g, ' ').trim()
}

describe('a stopped host in a play', () => {
  it('is unreachable for tsplay and ansible-playbook alike, the other host finishes, exit code 4', async () => {
    let output = ''
    const code = await main(['run', join(dir, 'play.yaml'), '-i', join(dir, 'hosts.ini'), '--timeout', '3'], (s) => void (output += s), (s) => void (output += s))
    const ansible = spawnSync('ansible-playbook', [join(dir, 'play.yaml'), '-i', join(dir, 'hosts.ini'), '--timeout', '3'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_NOCOLOR: '1' } })
    expect(ansible.status).toBe(4)
    expect(code).toBe(4)
    expect(recap(output, alive.name)).toBe(`${alive.name} : ok=3 changed=2 unreachable=0 failed=0 skipped=0 rescued=0 ignored=0`)
    expect(recap(output, down.name)).toBe(`${down.name} : ok=0 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0`)
    expect(recap(output, alive.name)).toBe(recap(ansible.stdout, alive.name))
    expect(recap(output, down.name)).toBe(recap(ansible.stdout, down.name))
    expect(output).toMatch(new RegExp(`fatal: \\[${down.name}\\]: UNREACHABLE!`))
  })
})
