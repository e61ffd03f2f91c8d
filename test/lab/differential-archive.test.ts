// community.general.archive through ansible-playbook and through tsplay on the same lab host: a tree as tar.gz, a glob
// with exclude_path and exclusion_patterns as tar.xz, one file compressed alone (gz, with mode), one file forced into
// a tar.bz2, a missing source (incomplete), and remove. Verdicts of a check run, a first and a second run; the
// archives' member listings (names, modes, owners, sizes: the compressed bytes differ between Python and gzip) and
// the registered values after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

let lab: LabHost
let conn: Connection
const D = '/srv/tsdiff-archive'
const RESET = sh`rm -rf ${D} && mkdir -p ${D}/src/data/sub ${D}/src/data/.hid ${D}/out ${D}/gone && cd ${D}/src && echo a > data/a && echo b > data/sub/b && echo c > data/c.log && echo x > data/.hid/x && ln -s a data/l && echo one > one.txt && echo two > two.txt && echo g > ${D}/gone/g`

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_ARCHIVE_LAB_HOST', 'lab3')
  conn = await connectLabHost(lab)
  await conn.exec(sh`command -v bzip2 >/dev/null && command -v xz >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends bzip2 xz-utils >/dev/null`)
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${D}`, { allowFailure: true })
  await conn?.close()
})

describe('differential: archive under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on verdicts, archive members and registered values, in check mode and over two runs', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: tree, community.general.archive: {path: ${D}/src/data, dest: ${D}/out/data.tgz}, register: r1}
    - {name: glob, community.general.archive: {path: "${D}/src/data/*", dest: ${D}/out/glob.tar.xz, format: xz, exclusion_patterns: ["*.log"], exclude_path: [${D}/src/data/a]}, register: r2}
    - {name: single, archive: {path: ${D}/src/one.txt, mode: "0600"}, register: r3}
    - {name: forced, community.general.archive: {path: ${D}/src/two.txt, format: bz2, force_archive: true, dest: ${D}/out/two.tbz2}, register: r4}
    - {name: missing, community.general.archive: {path: [${D}/src/two.txt, ${D}/src/nope], dest: ${D}/out/m.tar, format: tar}, register: r5}
    - {name: removed, community.general.archive: {path: ${D}/gone, dest: ${D}/out/gone.tar.gz, remove: true}, register: r6}
    - name: recorded
      copy:
        dest: ${D}/registered
        content: |
          {% for r in [r1, r2, r3, r4, r5, r6] %}
          {{ r.changed }} {{ r.dest }} {{ r.dest_state }} {{ r.archived }} {{ r.arcroot }} {{ r.missing }} {{ r.expanded_paths | sort }} {{ r.expanded_exclude_paths }} {{ r.mode | default('-') }} {{ r.owner | default('-') }} {{ r.state | default('-') }}
          {% endfor %}
`
    const state = sh`cd ${D} && for f in out/*; do echo "$f"; tar -tv --numeric-owner -f "$f" | awk '{print $1, $2, $3, $6, $7, $8}' | sort -k4; done; stat -c '%n %a %U' src/one.txt.gz; gzip -dc src/one.txt.gz; ls -a gone src 2>&1; cat registered; true`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset: RESET, state })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.ansible[3]![0]).toContain('data/sub/b')
      expect(result.ansible[5]![0]).toContain(' incomplete ')
      expect(result.ansible[4]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...Array(6).fill(`ok: [${lab.name}]`), `changed: [${lab.name}]`, expect.stringMatching(/ok=7 +changed=1 /)])
    } finally {
      await conn.exec(RESET, { allowFailure: true })
    }
  })
})
