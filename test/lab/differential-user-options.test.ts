// user's expires and generate_ssh_key through ansible-playbook and through tsplay on the same lab host: a new user
// with an expiry and a default key, the expiry removed from another, keys of two types (one under a passphrase,
// one with a comment holding quotes and $(…)). Verdicts of a check run, a first and a second run; the shadow
// expiry fields, the key files (mode, owner), what the keys say of themselves, and the registered key values.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

let lab: LabHost
let conn: Connection
const RESET = sh`userdel -r tsdiffn 2>/dev/null; userdel -r tsdiffk 2>/dev/null; useradd -m -e 2029-06-01 tsdiffk; rm -f /var/tmp/tsdiff-keys`

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_PACKAGES_LAB_HOST', 'lab5')
  conn = await connectLabHost(lab)
})
afterAll(async () => {
  await conn?.exec(sh`userdel -r tsdiffn; userdel -r tsdiffk; rm -f /var/tmp/tsdiff-keys; true`, { allowFailure: true })
  await conn?.close()
})

// Keys differ between engines by nature: the registered values are compared with the key material masked.
const shape = (v: string): string => `{{ ${v}.ssh_fingerprint | default('none') | regex_replace('SHA256:\\\\S+', 'FP') }}|{{ ${v}.ssh_key_file | default('none') }}|{{ (${v}.ssh_public_key | default('none') or 'null') | regex_replace('^(\\\\S+) \\\\S+', '\\\\1 KEY') }}`

describe('differential: user expires and generate_ssh_key under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on expiry days, key files and the returned key values, in check mode and over two runs', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: new, user: {name: tsdiffn, expires: 1893456000, generate_ssh_key: true}, register: n}
    - {name: same day, user: {name: tsdiffn, expires: 1893499999.5}}
    - {name: never, user: {name: tsdiffk, expires: -1}}
    - {name: key, user: {name: tsdiffk, generate_ssh_key: true, ssh_key_bits: 2048, ssh_key_comment: "a 'b' $(id)", ssh_key_file: .ssh/id_tsdiff}, register: k}
    - {name: passphrase, user: {name: tsdiffk, generate_ssh_key: true, ssh_key_type: ed25519, ssh_key_passphrase: "p w"}, register: p}
    - {name: recorded, copy: {dest: /var/tmp/tsdiff-keys, content: "${shape('n')}\\n${shape('k')}\\n${shape('p')}\\n"}}
`
    const state = sh`getent shadow tsdiffn tsdiffk | cut -d: -f1,8
for d in /home/tsdiffn/.ssh /home/tsdiffk/.ssh; do [ -d $d ] && stat -c '%n %a %U %G' $d $d/*; done
for f in /home/tsdiffn/.ssh/id_rsa /home/tsdiffk/.ssh/id_tsdiff /home/tsdiffk/.ssh/id_ed25519; do [ -e $f ] && ssh-keygen -l -f $f | sed 's/SHA256:[^ ]*/FP/'; done
ssh-keygen -y -P '' -f /home/tsdiffk/.ssh/id_ed25519 >/dev/null 2>&1 && echo no passphrase
ssh-keygen -y -P 'p w' -f /home/tsdiffk/.ssh/id_ed25519 >/dev/null 2>&1 && echo opens with the passphrase
cat /var/tmp/tsdiff-keys; true`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset: RESET, state })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.ansible[2]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...['changed', 'ok', 'changed', 'changed', 'changed', 'changed'].map((v) => `${v}: [${lab.name}]`), expect.stringMatching(/ok=6 +changed=5 /)])
      expect(result.ansible[3]![0]).toMatch(/^tsdiffn:21915\ntsdiffk:\n/)
      expect(result.ansible[3]![0]).toContain(`2048 FP a 'b' $(id) (RSA)|/home/tsdiffk/.ssh/id_tsdiff|ssh-rsa KEY a 'b' $(id)\n`)
      expect(result.ansible[3]![0]).toContain('opens with the passphrase')
      expect(result.ansible[4]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...Array(6).fill(`ok: [${lab.name}]`), expect.stringMatching(/ok=6 +changed=0 /)])
    } finally {
      await conn.exec(RESET, { allowFailure: true })
    }
  })
})
