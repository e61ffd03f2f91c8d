import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main, parseRunArgs } from '../../../engine/cli/main.js'

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main(argv, (s) => void (out += s), (s) => void (err += s))
  return { code, out, err }
}

// What ansible-playbook 2.14 did with the same inventory and plays and `-c local` (measured side by side):
// h2 (no ansible_connection) ran locally; h1 (ansible_connection=ssh), and h2 in a play with `connection: ssh`,
// went over SSH (here to a closed port, so unreachable).
describe('tsplay run -c/--connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-conn-'))
  const marker = join(dir, 'ran-$(id)')
  writeFileSync(join(dir, 'hosts.ini'), 'h1 ansible_host=127.0.0.1 ansible_port=1 ansible_connection=ssh\nh2 ansible_host=127.0.0.1 ansible_port=1\n')
  writeFileSync(join(dir, 'play.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - file: {path: '${marker}-{{ inventory_hostname }}', state: touch}
`)
  writeFileSync(join(dir, 'keyword.yml'), `- hosts: h2
  gather_facts: false
  connection: ssh
  tasks:
    - file: {path: '${marker}-keyword', state: touch}
`)

  it('is the default below the host variable and the play keyword', async () => {
    const r = await cli('run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini'), '-c', 'local', '-T', '2')
    expect(r.out).toContain('changed: [h2]')
    expect(r.out).toMatch(/fatal: \[h1\]: UNREACHABLE!/)
    expect(r.code).toBe(4)
    expect(existsSync(`${marker}-h2`)).toBe(true)
    expect(existsSync(`${marker}-h1`)).toBe(false)
    const keyword = await cli('run', join(dir, 'keyword.yml'), '-i', join(dir, 'hosts.ini'), '-c', 'local', '-T', '2')
    expect(keyword.out).toMatch(/fatal: \[h2\]: UNREACHABLE!/)
    expect(existsSync(`${marker}-keyword`)).toBe(false)
  })

  it('defaults to ssh', async () => {
    const r = await cli('run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini'), '-T', '2')
    expect(r.out).toMatch(/fatal: \[h2\]: UNREACHABLE!/)
    expect(r.out).not.toContain('changed: [h2]')
  })

  // ansible-playbook 2.14, same inventory: play 1 (connection: local) touched its marker; play 2 (connection: ssh)
  // found h2 UNREACHABLE and touched nothing; recap ok=1 changed=1 unreachable=1.
  it('honours a later play\'s connection keyword for a host an earlier play reached another way', async () => {
    writeFileSync(join(dir, 'two.yml'), `- hosts: h2
  gather_facts: false
  connection: local
  tasks:
    - file: {path: '${marker}-first', state: touch}
- hosts: h2
  gather_facts: false
  connection: ssh
  tasks:
    - file: {path: '${marker}-second', state: touch}
`)
    const r = await cli('run', join(dir, 'two.yml'), '-i', join(dir, 'hosts.ini'), '-T', '2')
    expect(existsSync(`${marker}-first`)).toBe(true)
    expect(existsSync(`${marker}-second`)).toBe(false)
    expect(r.out).toMatch(/fatal: \[h2\]: UNREACHABLE!/)
    expect(r.out).toMatch(/h2\s+: ok=1\s+changed=1\s+unreachable=1\s+failed=0/)
    expect(r.code).toBe(4)
  })

  it('takes the long form and refuses a connection tsplay does not have', async () => {
    expect(parseRunArgs(['p.yml', '--connection', 'local'])['connection']).toBe('local')
    expect(parseRunArgs(['p.yml', '-c', 'ssh'])['connection']).toBe('ssh')
    const r = await cli('run', join(dir, 'play.yml'), '-i', join(dir, 'hosts.ini'), '-c', 'docker')
    expect(r.code).toBe(2)
    expect(r.err).toContain("--connection: tsplay knows ssh and local, got 'docker'")
  })
})
