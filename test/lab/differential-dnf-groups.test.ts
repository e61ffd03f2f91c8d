// dnf `@group` names through ansible-playbook and through tsplay on the same lab host, with Debian's dnf and rpm
// and a local repository built here (rpmbuild, createrepo_c -g comps.xml): a group installed by id, upgraded by
// name, one that does not exist, and the group removed. Verdicts of a check run, a first and a second run; the
// packages, the installed groups and the registered results after each.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, raw, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'
import { buildRpmRepo, canBuildRpms, repoFile } from './rpm-repo.js'

const REPO = '/srv/tsdiff-rpmgroups'
const COMPS = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">
<comps>
  <group>
    <id>tsdiff-group</id>
    <name>Tsdiff Group</name>
    <description>packages built by the tsplay tests</description>
    <default>false</default>
    <uservisible>true</uservisible>
    <packagelist>
      <packagereq type="mandatory">tsdiff-grp-a</packagereq>
      <packagereq type="default">tsdiff-grp-b</packagereq>
      <packagereq type="optional">tsdiff-grp-c</packagereq>
    </packagelist>
  </group>
</comps>
`
const work = mkdtempSync(join(tmpdir(), 'tsplay-dnfgroups-'))
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_PACKAGES_LAB_HOST', 'lab5')
  conn = await connectLabHost(lab)
  // tsdiff-grp-a comes in 1.0 and 1.1, so a group installed with 1.0 has an upgrade.
  const repo = buildRpmRepo(work, [...['a', 'b', 'c'].map((x) => ({ name: `tsdiff-grp-${x}`, version: '1.0' })), { name: 'tsdiff-grp-a', version: '1.1' }])
  writeFileSync(join(work, 'comps.xml'), COMPS)
  execFileSync('createrepo_c', ['-q', '-g', join(work, 'comps.xml'), repo], { stdio: 'pipe' })
  await conn.exec(sh`command -v dnf >/dev/null && command -v rpm >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dnf rpm >/dev/null
rm -rf ${REPO} && mkdir -p ${REPO}/repodata /etc/yum.repos.d`)
  for (const file of walk(repo)) await conn.writeFile(`${REPO}/${relative(repo, file)}`, readFileSync(file))
  await conn.writeFile('/etc/yum.repos.d/tsdiff-groups.repo', repoFile('tsdiff-groups', REPO))
}, 180_000)
afterAll(async () => {
  await conn?.exec(sh`${raw(RESET)}; rm -rf ${REPO} /etc/yum.repos.d/tsdiff-groups.repo`, { allowFailure: true })
  await conn?.close()
  rmSync(work, { recursive: true, force: true })
})

// One rpm -e per package: rpm removes nothing when one of the names it is given is not installed.
const RESET = sh`dnf -y -q --releasever=1 group remove tsdiff-group >/dev/null 2>&1; for p in a b c; do rpm -e tsdiff-grp-$p >/dev/null 2>&1; done; rm -f /tmp/tsdiff-groups; true`
const STATE = sh`rpm -q tsdiff-grp-a tsdiff-grp-b tsdiff-grp-c; dnf -q --releasever=1 group list --installed 2>&1 | grep -v expiration; cat /tmp/tsdiff-groups 2>&1; true`

describe.runIf(canBuildRpms())('differential: dnf @group under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on installing a group by id, upgrading it by name and failing on a missing one', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: group, dnf: {name: '@tsdiff-group', releasever: '1'}, register: g1}
    - {name: by name, dnf: {name: '@Tsdiff Group', releasever: '1', state: latest}, register: g2}
    - {name: missing, dnf: {name: '@tsdiff-nope', releasever: '1'}, ignore_errors: true, register: g3}
    - {name: results, copy: {dest: /tmp/tsdiff-groups, content: "{{ g1.results }} {{ g2.results }} {{ g3.msg }}"}}
`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset: RESET, state: STATE })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.ansible[3]![0]).toContain("['Group tsdiff-group installed.', 'Installed: tsdiff-grp-a-1.1-1.noarch', 'Installed: tsdiff-grp-b-1.0-1.noarch'] ['Group tsdiff-group upgraded.'] No group tsdiff-nope available.")
      expect(result.ansible[3]![0]).toMatch(/^tsdiff-grp-a-1.1-1.noarch\ntsdiff-grp-b-1.0-1.noarch\npackage tsdiff-grp-c is not installed\nInstalled Groups:\n   Tsdiff Group\n/)
      // The second run changes no package; only the recorded results differ from the first run's.
      expect(result.ansible[4]!.filter((l) => /^(ok|changed|fatal):/.test(l))).toEqual([...['ok', 'ok'].map((v) => `${v}: [${lab.name}]`), `fatal: [${lab.name}]: FAILED!`, `changed: [${lab.name}]`])
    } finally {
      await conn.exec(RESET)
    }
  })

  it('agree on removing an installed group', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: remove, dnf: {name: '@tsdiff-group', releasever: '1', state: absent}, register: g}
    - {name: results, copy: {dest: /tmp/tsdiff-groups, content: "removed={{ g.results }} msg={{ g.msg }}"}}
`
    const reset = sh`${raw(RESET)}; dnf -y -q --releasever=1 group install tsdiff-group >/dev/null 2>&1`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset, state: STATE })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.ansible[1]![0]).toMatch(/^tsdiff-grp-a-1.1-1.noarch\n/)
      expect(result.ansible[3]![0]).toMatch(/^package tsdiff-grp-a is not installed\n.*\n.*\nremoved=\['Removed: tsdiff-grp-a-1.1-1.noarch', 'Removed: tsdiff-grp-b-1.0-1.noarch'\] msg=$/)
    } finally {
      await conn.exec(RESET)
    }
  })
})

describe.runIf(canBuildRpms())('differential: dnf @group upgrade', () => {
  it('agree on upgrading the packages of an installed group with state latest', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: latest, dnf: {name: '@tsdiff-group', releasever: '1', state: latest}, register: g}
    - {name: results, copy: {dest: /tmp/tsdiff-groups, content: "upgraded={{ g.results }}"}}
`
    // The group installed while only 1.0 of tsdiff-grp-a was there to take: installed first, then marked.
    const reset = sh`${raw(RESET)}; dnf -y -q --releasever=1 install tsdiff-grp-a-1.0 tsdiff-grp-b >/dev/null 2>&1 && dnf -y -q --releasever=1 group install tsdiff-group >/dev/null 2>&1`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset, state: STATE })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.ansible[1]![0]).toMatch(/^tsdiff-grp-a-1.0-1.noarch\n/)
      expect(result.ansible[3]![0]).toMatch(/^tsdiff-grp-a-1.1-1.noarch\n[^]*upgraded=\['Group tsdiff-group upgraded.', 'Installed: tsdiff-grp-a-1.1-1.noarch', 'Removed: tsdiff-grp-a-1.0-1.noarch'\]$/)
    } finally {
      await conn.exec(RESET)
    }
  })
})

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}
