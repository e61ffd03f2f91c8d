// The file module's `attributes` (chattr) through ansible-playbook and through tsplay on the same lab host over SSH,
// from the same starting state, on the host's overlayfs root (lsattr answers -d, not -v) and on its tmpfs /tmp: the
// verdicts of a check run, a first and a second run (with --diff), the --diff bodies, and lsattr's flags after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, raw, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const ROOT = '/srv/tsdiff-attr'
const TMP = '/tmp/tsdiff-attr'
let lab: LabHost
let conn: Connection

// Immutable files cannot be removed: clear the flags first.
const clear = sh`for d in ${ROOT} ${TMP}; do [ -d "$d" ] && chattr -R -i -a -- "$d" 2>/dev/null; rm -rf -- "$d"; done; true`

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_ATTRDIFF_LAB_HOST', 'lab3')
  conn = await connectLabHost(lab)
})
afterAll(async () => {
  await conn?.exec(clear, { allowFailure: true })
  await conn?.close()
})

const PLAYBOOK = `- hosts: all
  gather_facts: false
  vars:
    r: ${ROOT}
    t: ${TMP}
  tasks:
    - {name: add immutable, file: {path: '{{ r }}/plus', attributes: '+i'}}
    - {name: remove immutable, file: {path: '{{ r }}/minus', attributes: '-i'}}
    - {name: exact flags, file: {path: '{{ r }}/exact', attributes: 'e'}}
    - {name: exact with another, file: {path: '{{ r }}/order', attributes: 'eA'}}
    - {name: same flags in lsattr order, file: {path: '{{ r }}/order', attributes: 'Ae'}}
    - {name: attr alias, file: {path: '{{ r }}/alias', attr: '+A'}}
    - {name: equals sign kept, file: {path: '{{ r }}/exact', attributes: '=Ae'}, ignore_errors: true}
    - {name: new directory, file: {path: '{{ r }}/newdir', state: directory, attributes: 'e'}}
    - {name: new touched file, file: {path: '{{ r }}/newfile', state: touch, attributes: 'eA', modification_time: preserve, access_time: preserve}}
    - {name: on tmpfs, file: {path: '{{ t }}/plus', attributes: '+i'}}
    - {name: with a mode, file: {path: '{{ t }}/mode', attributes: '+a', mode: '0600'}}
`

const reset = sh`${raw(clear)}
mkdir -p ${ROOT} ${TMP} && cd ${ROOT} && touch plus minus exact order alias && chattr +i minus && touch ${TMP}/plus ${TMP}/mode`

const STATE = sh`for d in ${ROOT} ${TMP}; do find "$d" -mindepth 1 | sort | while IFS= read -r p; do printf '%s %s ' "$p" "$(stat -c %a -- "$p")"; lsattr -d -- "$p" | cut -d' ' -f1; done; done`

describe('differential: file attributes under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on verdicts, --diff bodies and lsattr flags, in check mode and over two runs', async () => {
    const result = await runBothEngines({ host: lab, conn, playbook: PLAYBOOK, reset, state: STATE, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
    // real work was compared: flags were set, a chattr failed, and a diff showed lsattr's flags
    expect(result.ansible[3]![0]).toContain(`${ROOT}/plus 644 ----i---------e-------`)
    expect(result.ansible[2]!.join('\n')).toContain('fatal: [')
    expect(result.diffs.ansible[1]!.join('\n')).toContain('-    "attributes": "e",')
  })
})
