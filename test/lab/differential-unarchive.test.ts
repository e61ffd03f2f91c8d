// unarchive of zip and tar archives, with include/exclude, through ansible-playbook and through tsplay on the same
// lab host over SSH from the same starting state (dests partly unpacked, edited, chmod-ed): verdicts of a check run,
// a first and a second run (with --diff), the host state after each, what the runs registered, and the itemised
// zip lists (ansible-core's prepared diff) each engine printed. Tar tasks are left out of the check run: ansible-core
// skips gtar in check mode ("does not support check mode when using gtar"), tsplay predicts.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Command, type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const ROOT = '/srv/tsdiff-unarchive'
let lab: LabHost
let conn: Connection
let zip: Buffer
let tgz: Buffer
let installed = false
const work = mkdtempSync(join(tmpdir(), 'tsplay-unarchivediff-'))

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_UNARCHIVEDIFF_LAB_HOST', 'lab3')
  conn = await connectLabHost(lab)
  // ansible-core's ZipArchive needs unzip (and zipinfo) on the host; the lab image has neither.
  installed = (await conn.exec(sh`command -v unzip`, { allowFailure: true })).exitCode !== 0
  if (installed) await conn.exec(sh`DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends unzip >/dev/null`)
  mkdirSync(join(work, 'tree/sub'), { recursive: true })
  for (const [p, c] of [['tree/a', 'a\n'], ['tree/c.log', 'c\n'], ['tree/sub/b', 'b\n'], ['tree/sp  ace', 's\n']] as const) {
    writeFileSync(join(work, p), c)
    utimesSync(join(work, p), 1704067200, 1704067200)
  }
  zip = execFileSync('zip', ['-qrX', '-', 'tree'], { cwd: work })
  tgz = execFileSync('tar', ['-cz', '--owner=0', '--group=0', '--mtime=2024-01-01', '-C', work, 'tree'])
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${ROOT}`, { allowFailure: true })
  if (installed) await conn?.exec(sh`DEBIAN_FRONTEND=noninteractive apt-get purge -y -q unzip >/dev/null`, { allowFailure: true })
  await conn?.close()
  rmSync(work, { recursive: true, force: true })
})

const unzip = (dest: string, extra: string) => `{src: '{{ r }}/app.zip', dest: '{{ r }}/${dest}', remote_src: true, list_files: true${extra}}`
const untar = (dest: string, extra: string) => `{src: '{{ r }}/app.tgz', dest: '{{ r }}/${dest}', remote_src: true, list_files: true${extra}}`
const PLAYBOOK = `- hosts: all
  gather_facts: false
  vars:
    r: ${ROOT}
  tasks:
    - {name: zip from the controller, unarchive: {src: app.zip, dest: '{{ r }}/zc'}}
    - {name: zip partly there, unarchive: ${unzip('zp', '')}, register: zp}
    - {name: zip exclude, unarchive: ${unzip('zx', ", exclude: ['*.log', 'tree/sub/b']")}, register: zx}
    - {name: zip include, unarchive: ${unzip('zi', ", include: ['tree/a', 'tree/sub/*']")}, register: zi}
    - {name: zip mode and owner, unarchive: ${unzip('zm', ", mode: 'u=rwX,go=rX', owner: nobody, group: nogroup")}}
    - {name: tar include, unarchive: ${untar('ti', ', include: [tree/a]')}, register: ti, when: not ansible_check_mode}
    - {name: tar exclude, unarchive: ${untar('tx', ", exclude: ['*.log', 'tree/sub/']")}, register: tx, when: not ansible_check_mode}
    - {name: tar strip, unarchive: ${untar('ts', ', extra_opts: [--strip-components=1]')}, register: ts, when: not ansible_check_mode}
    - name: record what was registered
      copy:
        dest: '{{ r }}/registered.txt'
        content: |-
          {% for x in [zp, zx, zi, ti, tx, ts] %}{{ x.files | default('') }} {{ x.handler | default('') }} {{ x.mode | default('') }} {{ x.state | default('') }} {{ (x.extract_results | default({})).cmd | default('') }} {{ (x.extract_results | default({})).rc | default('') }} {{ (x.extract_results | default({})).out | default('') }}
          {% endfor %}
`

// Every dest exists; zp holds an edited tree/a, a chmod-ed tree/c.log, no tree/sub.
const reset = (): Command => sh`rm -rf ${ROOT} && mkdir -p ${ROOT} && cd ${ROOT} && mkdir zc zp zx zi zm ti tx ts
printf %s ${zip.toString('base64')} | base64 -d > app.zip; printf %s ${tgz.toString('base64')} | base64 -d > app.tgz
unzip -q app.zip -d zp && rm -r zp/tree/sub && echo edited > zp/tree/a && chmod 0600 zp/tree/c.log`

const STATE = sh`cd ${ROOT} && find . -path ./app.zip -prune -o -path ./app.tgz -prune -o -printf '%p %y %m %u %g %s\\n' | sort
find . -type f ! -name registered.txt | sort | xargs -d '\\n' sha256sum; cat registered.txt 2>/dev/null; true`

/** ansible-core's itemised zip lines (`>f++++++.?? path`, `.fcst....?? path`) with their task banners. */
const itemised = (log: string): string[] => log.split('\n').filter((l) => /^(TASK \[|[.>c][dfL][.+c][.+s][.+t][.+p][.+og][.+][.+]\?\? )/.test(l)).map((l) => l.replace(/\s\*+$/, ''))

describe('differential: unarchive of zip and tar, include/exclude, under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on verdicts, host state, registered results and the itemised zip diffs, in check mode and over two runs', async () => {
    const result = await runBothEngines({ host: lab, conn, playbook: PLAYBOOK, reset: reset(), state: STATE, files: { 'files/app.zip': zip }, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.logs.tsplay.map(itemised)).toEqual(result.logs.ansible.map(itemised))
    // the comparison saw real work: itemised lines in the check run, a changed verdict per task in the first run, unzip's output recorded
    expect(itemised(result.logs.ansible[0]!).filter((l) => !l.startsWith('TASK')).length).toBeGreaterThan(8)
    expect(result.ansible[2]!.filter((l) => l.startsWith('changed:')).length).toBe(9)
    expect(result.ansible[3]![0]).toContain(`  inflating: ${ROOT}/zi/tree/a`)
  })
})
