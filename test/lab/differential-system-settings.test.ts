// timezone and dpkg_selections through ansible-playbook and through tsplay on the same lab host, with --diff: the
// verdicts of a check run, a first and a second run, the diffs, the registered results (written to a file on the
// host) and the host's zone and selections after each, compared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const OUT = '/tmp/tsdiff-settings'
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_SETTINGS_LAB_HOST', 'lab3')
  conn = await connectLabHost(lab)
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${OUT}; timedatectl set-timezone Etc/UTC; echo 'curl install' | dpkg --set-selections`, { allowFailure: true })
  await conn?.close()
})

describe('differential: pam_limits under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on adding, keeping and lowering limits in limits.conf and in a new limits.d file, with --diff', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: nofile, community.general.pam_limits: {domain: '*', limit_type: '-', limit_item: nofile, value: 1048576}, register: l1}
    - {name: nproc with comment, pam_limits: {domain: '@adm', limit_type: soft, limit_item: nproc, value: 100, comment: few}, register: l2}
    - {name: nproc use_max, pam_limits: {domain: '@adm', limit_type: soft, limit_item: nproc, value: 50, use_max: true}, register: l3}
    - {name: memlock in limits.d, pam_limits: {dest: /etc/security/limits.d/90-tsdiff.conf, domain: root, limit_type: hard, limit_item: memlock, value: unlimited}, register: l4}
    - {name: invalid nice, pam_limits: {domain: root, limit_type: hard, limit_item: nice, value: 30}, register: l5, ignore_errors: true}
    - copy: {dest: ${OUT}/results.json, content: "{{ {'l1': l1, 'l2': l2, 'l3': l3, 'l4': l4, 'l5': l5} | to_nice_json }}"}
`
    const reset = sh`rm -rf ${OUT} /etc/security/limits.d/90-tsdiff.conf* && mkdir -p ${OUT} /etc/security/limits.d && { [ -f /etc/security/limits.conf.tsdiff ] || cp /etc/security/limits.conf /etc/security/limits.conf.tsdiff 2>/dev/null || printf '# limits\\n' > /etc/security/limits.conf.tsdiff; } && cp /etc/security/limits.conf.tsdiff /etc/security/limits.conf`
    const state = sh`cat ${OUT}/results.json 2>&1; sha1sum /etc/security/limits.conf; cat /etc/security/limits.d/90-tsdiff.conf; true`
    const result = await runBothEngines({ host: lab, conn, playbook, reset, state, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
    expect(result.ansible[2]!.at(-1)).toMatch(/ok=6 +changed=4 .*ignored=1/)
    await conn.exec(sh`cp /etc/security/limits.conf.tsdiff /etc/security/limits.conf && rm -f /etc/security/limits.conf.tsdiff /etc/security/limits.d/90-tsdiff.conf*`)
  })
})

describe('differential: timezone and dpkg_selections under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on setting a zone and a hold, in check mode and over two runs, and on their failures', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: zone, community.general.timezone: {name: Asia/Tokyo}, register: t1}
    - {name: zone again, timezone: {name: Asia/Tokyo}, register: t2}
    - {name: unknown zone, timezone: {name: Mars/Base}, register: t3, ignore_errors: true}
    - {name: hold, dpkg_selections: {name: curl, selection: hold}, register: d1}
    - {name: hold again, ansible.builtin.dpkg_selections: {name: curl, selection: hold}, register: d2}
    - {name: unknown package, dpkg_selections: {name: tsdiff-nosuch, selection: install}, register: d3}
    - copy: {dest: ${OUT}/results.json, content: "{{ {'t1': t1, 't2': t2, 't3': t3, 'd1': d1, 'd2': d2, 'd3': d3} | to_nice_json }}"}
`
    // the link as timedatectl writes it (relative), whatever the host started with
    const reset = sh`rm -rf ${OUT} && mkdir -p ${OUT} && timedatectl set-timezone Etc/UTC && ln -sfn ../usr/share/zoneinfo/Etc/UTC /etc/localtime && echo 'curl install' | dpkg --set-selections`
    const state = sh`cat ${OUT}/results.json 2>&1; timedatectl show -p Timezone; readlink /etc/localtime; cat /etc/timezone; dpkg --get-selections curl; true`
    const result = await runBothEngines({ host: lab, conn, playbook, reset, state, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
    expect(result.ansible[2]!.at(-1)).toMatch(/ok=7 +changed=4 .*ignored=1/)
    expect(result.ansible[3]![0]).toContain('Timezone=Asia/Tokyo')
    expect(result.ansible[3]![0]).toMatch(/curl\s+hold/)
  })
})
