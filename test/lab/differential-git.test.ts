// git through ansible-playbook and through tsplay on the same lab host, against repositories made on the host (fixed
// dates, so the same commits each reset): clones of HEAD, an annotated tag, a branch and a commit, clone=no, a
// checkout whose remote moved and that is behind, and one with local modifications under force. Verdicts, --diff
// hunks and registered values of a check run, a first and a second run; each checkout's HEAD, branch, remote and
// status after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

let lab: LabHost
let conn: Connection
const D = '/srv/tsdiff-git'
const RESET = sh`rm -rf ${D} && mkdir -p ${D}/w && cd ${D} || exit 1
export GIT_AUTHOR_DATE=2020-01-01T00:00:00Z GIT_COMMITTER_DATE=2020-01-01T00:00:00Z GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
git init -q -b main src && cd src && echo one > f && git add f && git commit -q -m one && git tag v1 && git tag -a v2 -m v2 && echo two > f && git commit -qam two && git branch dev && echo three > g && git add g && git commit -qm three && cd .. &&
git clone -q src mirror && git clone -q src w/moved && git -C w/moved reset -q --hard HEAD~1 && git -C w/moved remote set-url origin ${D}/mirror &&
git clone -q src w/dirty && git -C w/dirty reset -q --hard HEAD~1 && echo local > w/dirty/f`

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_GIT_LAB_HOST', 'lab3')
  conn = await connectLabHost(lab)
  await conn.exec(sh`command -v git >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends git >/dev/null`)
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${D}`, { allowFailure: true })
  await conn?.close()
})

describe('differential: git under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on verdicts, diffs, registered values and checkouts, in check mode and over two runs', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: first commit, command: git -C ${D}/src rev-parse HEAD~2, register: c, changed_when: false}
    - {name: head, git: {repo: ${D}/src, dest: ${D}/w/head}, register: r1}
    - {name: tag, ansible.builtin.git: {repo: ${D}/src, dest: ${D}/w/tag, version: v2}, register: r2}
    - {name: branch, git: {repo: "file://${D}/src", dest: ${D}/w/dev, version: dev}, register: r3}
    - {name: commit, git: {repo: ${D}/src, dest: ${D}/w/sha, version: "{{ c.stdout }}"}, register: r4}
    - {name: no clone, git: {repo: ${D}/src, clone: no}, register: r5}
    - {name: moved, git: {repo: ${D}/src, dest: ${D}/w/moved}, register: r6}
    - {name: dirty, git: {repo: ${D}/src, dest: ${D}/w/dirty, force: yes}, register: r7}
    - name: recorded
      copy:
        dest: ${D}/registered
        content: |
          {% for r in [r1, r2, r3, r4, r5, r6, r7] %}
          {{ r.changed }} {{ r.before }} {{ r.after }} {{ r.remote_url_changed | default('-') }} {{ r.msg | default('-') }}
          {% endfor %}
`
    const state = sh`cd ${D}/w && for d in *; do echo "$d $(git -C $d rev-parse HEAD) $(git -C $d symbolic-ref -q --short HEAD) $(git -C $d remote get-url origin)"; git -C $d branch -a; git -C $d status --porcelain; done; cat ${D}/registered; true`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset: RESET, state, diff: true })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      // the git tasks' diffs; the recorded copy's hunk layout is the reporter's diff algorithm, not git's business
      const gitDiffs = (runs: string[][]): string[][] => runs.map((lines) => {
        const out: string[] = []
        let keep = true
        for (const l of lines) {
          if (l.startsWith('TASK [')) keep = l !== 'TASK [recorded]'
          if (keep) out.push(l)
        }
        return out
      })
      expect(gitDiffs(result.diffs.tsplay)).toEqual(gitDiffs(result.diffs.ansible))
      expect(result.ansible[3]![0]).toMatch(/^dev [0-9a-f]{40} dev file:\/\//m)
      expect(result.ansible[4]!.filter((l) => !l.startsWith('TASK ['))).toEqual([`ok: [${lab.name}]`, ...Array(4).fill(`ok: [${lab.name}]`), `changed: [${lab.name}]`, `ok: [${lab.name}]`, `ok: [${lab.name}]`, `changed: [${lab.name}]`, expect.stringMatching(/ok=9 +changed=2 /)])
    } finally {
      await conn.exec(RESET, { allowFailure: true })
    }
  })
})
