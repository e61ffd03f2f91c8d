// package_facts and service_facts through ansible-playbook and through tsplay on the same lab host: the verdicts
// of a check run, a first and a second run, and the facts each returned (written to a file on the host as sorted
// JSON), compared whole: every installed package with its version, arch, section and origin; every service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const OUT = '/tmp/tsdiff-facts'
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_FACTS_LAB_HOST', 'lab3')
  conn = await connectLabHost(lab)
  // package lists, so that origins come from a real archive (apt-cacher-ng on the lab bridge)
  await conn.exec(sh`apt-get update -q >/dev/null 2>&1 || true`)
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${OUT}`, { allowFailure: true })
  await conn?.close()
})

const state = sh`cat ${OUT}/*.json 2>&1; true`

describe('differential: package_facts and service_facts under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on every installed package (apt) and on the rpm manager being absent', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: packages, package_facts: {}, register: p1}
    - {name: packages by apt, ansible.builtin.package_facts: {manager: [apt], strategy: all}, register: p2}
    - {name: no rpm here, package_facts: {manager: rpm}, register: p3, ignore_errors: true}
    - copy: {dest: ${OUT}/packages.json, content: "{{ {'p1': p1, 'p2': p2, 'p3': p3} | to_nice_json }}"}
`
    const result = await runBothEngines({ host: lab, conn, playbook, reset: sh`rm -rf ${OUT} && mkdir -p ${OUT} && { command -v rpm >/dev/null && dpkg -r rpm >/dev/null 2>&1; true; }`, state })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.ansible[3]![0]).toMatch(/"openssh-server": \[\s*\{\s*"arch": "amd64",\s*"category": "net",\s*"name": "openssh-server",\s*"origin": "Debian"/)
  })

  it('agree on every service systemd and SysV report', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: services, service_facts: {}, register: s1}
    - copy: {dest: ${OUT}/services.json, content: "{{ s1 | to_nice_json }}"}
`
    const result = await runBothEngines({ host: lab, conn, playbook, reset: sh`rm -rf ${OUT} && mkdir -p ${OUT}`, state })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.ansible[3]![0]).toMatch(/"ssh.service": \{\s*"name": "ssh.service",\s*"source": "systemd",\s*"state": "running",\s*"status": "enabled"/)
  })
})
