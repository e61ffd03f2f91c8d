// apt_key through ansible-playbook and through tsplay on the same lab host: a key made here with gpg is added
// to a keyring and removed again by its id; the verdicts of a check run, a first and a second run, and the
// keyring after each, compared.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const KEYRING = '/etc/apt/keyrings/tsdiff.gpg'
const gnupg = mkdtempSync(join(tmpdir(), 'tsplay-aptkey-'))
let lab: LabHost
let conn: Connection
let key = ''
let id = ''

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_FILEDIFF_LAB_HOST', 'lab2')
  conn = await connectLabHost(lab)
  // apt-key, which both engines run, needs gpg on the host.
  await conn.exec(sh`command -v gpg >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gnupg >/dev/null`)
  const env = { ...process.env, GNUPGHOME: gnupg }
  execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'tsplay differential <d@example.invalid>', 'ed25519', 'sign', 'never'], { env, stdio: 'pipe' })
  key = execFileSync('gpg', ['--armor', '--export', 'd@example.invalid'], { env, encoding: 'utf8' })
  id = /^pub:[^:]*:[^:]*:[^:]*:([0-9A-F]{16}):/m.exec(execFileSync('gpg', ['--with-colons', '--list-keys', 'd@example.invalid'], { env, encoding: 'utf8' }))![1]!
})
afterAll(async () => {
  await conn?.exec(sh`rm -f ${KEYRING} ${KEYRING}~`, { allowFailure: true })
  await conn?.close()
  rmSync(gnupg, { recursive: true, force: true })
})

describe('differential: apt_key under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on adding a key to a keyring and removing it by id, in check mode and over two runs', async () => {
    // The key by an absolute path: tsplay's file lookup reads a relative path from the working directory,
    // ansible-core from the playbook's directory (an open difference of the engine, not of apt_key).
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: add, apt_key: {data: "{{ lookup('file', playbook_dir + '/key.asc') }}", keyring: ${KEYRING}}}
    - {name: add again, apt_key: {data: "{{ lookup('file', playbook_dir + '/key.asc') }}", keyring: ${KEYRING}}}
    - {name: listed, shell: 'apt-key --keyring ${KEYRING} list 2>/dev/null | grep -c ^pub > /tmp/tsdiff-keys', changed_when: false}
    - {name: remove, apt_key: {id: ${id}, keyring: ${KEYRING}, state: absent}}
    - {name: remove again, apt_key: {id: ${id}, keyring: ${KEYRING}, state: absent}}
`
    const reset = sh`mkdir -p /etc/apt/keyrings && rm -f ${KEYRING} ${KEYRING}~ /tmp/tsdiff-keys`
    const state = sh`cat /tmp/tsdiff-keys; apt-key --keyring ${KEYRING} list 2>/dev/null | grep -c ^pub; true`
    const result = await runBothEngines({ host: lab, conn, playbook, reset, state, files: { 'key.asc': key } })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.ansible[2]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...['changed', 'ok', 'ok', 'changed', 'ok'].map((v) => `${v}: [${lab.name}]`), expect.stringMatching(/ok=5 +changed=2 /)])
    expect(result.ansible[3]).toEqual(['1\n0\n'])
  })
})
