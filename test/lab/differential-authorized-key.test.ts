// authorized_key through ansible-playbook and through tsplay on the same lab host: keys added to a new user's
// ~/.ssh (directory and file created), options and comment replaced, a key removed, a symlinked file written through
// with follow, and exclusive. Verdicts and --diff bodies of a check run, a first and a second run; the files'
// modes, owners and text after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

let lab: LabHost
let conn: Connection
const A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAtsdiffA alice@laptop'
const B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQtsdiffB bob@ci'
const C = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYtsdiffC'
const DIR = '/var/tmp/tsdiff-ak'
const RESET = sh`userdel -r tsdiffak 2>/dev/null; useradd -m tsdiffak; rm -rf ${DIR}; mkdir -p ${DIR}
printf '%s\n' ${B} > ${DIR}/real; ln -s real ${DIR}/link
printf '%s\n# kept?\n%s\n' ${A} ${B} > ${DIR}/excl`

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_FILEDIFF_LAB_HOST', 'lab2')
  conn = await connectLabHost(lab)
})
afterAll(async () => {
  await conn?.exec(sh`userdel -r tsdiffak; rm -rf ${DIR}; true`, { allowFailure: true })
  await conn?.close()
})

describe('differential: authorized_key under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on the files, their modes and owners, and the diffs, in check mode and over two runs', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: two keys, authorized_key: {user: tsdiffak, key: "${A}\\n${B}"}}
    - {name: options and comment, authorized_key: {user: tsdiffak, key: "${C}", key_options: 'no-pty,from="10.0.0.1"', comment: c@x}}
    - {name: remove, authorized_key: {user: tsdiffak, key: "${B}", state: absent}}
    - {name: follow, authorized_key: {user: tsdiffak, key: "${A}", path: ${DIR}/link, follow: true, manage_dir: false}}
    - {name: exclusive, authorized_key: {user: tsdiffak, key: "${C}", path: ${DIR}/excl, exclusive: true, manage_dir: false}, register: r}
    - {name: recorded, copy: {dest: ${DIR}/result, content: "{{ r | dict2items | rejectattr('key', 'in', ['diff', 'invocation']) | map(attribute='key') | sort | join(' ') }}\\n{{ r.keyfile }} {{ r.state }} {{ r.mode }} {{ r.owner }} {{ r.group }} {{ r.size }} {{ r.exclusive }} {{ r.path }}\\n"}}
`
    const state = sh`cd /home/tsdiffak && stat -c '%n %a %U %G' .ssh .ssh/authorized_keys && cat .ssh/authorized_keys
cd ${DIR} && stat -c '%n %a %U %G %F' real link excl && cat real excl result; true`
    const result = await runBothEngines({ host: lab, conn, playbook, reset: RESET, state, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
    expect(result.ansible[2]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...['changed', 'changed', 'changed', 'changed', 'changed', 'changed'].map((v) => `${v}: [${lab.name}]`), expect.stringMatching(/ok=6 +changed=6 /)])
    expect(result.ansible[3]![0]).toContain(`.ssh 700 tsdiffak tsdiffak\n.ssh/authorized_keys 600 tsdiffak tsdiffak\n${A}\nno-pty,from="10.0.0.1" ${C} c@x\n`)
    // the first task adds B again and the third removes it again: the second run changes both, under both engines
    expect(result.ansible[4]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...['changed', 'ok', 'changed', 'ok', 'ok', 'ok'].map((v) => `${v}: [${lab.name}]`), expect.stringMatching(/ok=6 +changed=2 /)])
  })
})
