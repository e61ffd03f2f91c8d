// locale_gen, capabilities, debconf and alternatives through ansible-playbook and through tsplay on the same lab
// host, with --diff: the verdicts of a check run, a first and a second run, the diffs, the registered results (written
// to a file on the host) and the host's locales, file capabilities, debconf answers and alternatives after each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const OUT = '/tmp/tsdiff-hostconf'
const CAP_FILE = '/var/tmp/tsdiff-cap'
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_HOSTCONF_LAB_HOST', 'lab3')
  conn = await connectLabHost(lab)
  await conn.exec(sh`dpkg -s locales libcap2-bin >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends locales libcap2-bin >/dev/null
[ -f /etc/locale.gen.tsdiff ] || cp /etc/locale.gen /etc/locale.gen.tsdiff`)
}, 300_000)
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${OUT} ${CAP_FILE}; cp /etc/locale.gen.tsdiff /etc/locale.gen && rm -f /etc/locale.gen.tsdiff /usr/lib/locale/locale-archive; echo PURGE | debconf-communicate tsdiff-pkg >/dev/null; true`, { allowFailure: true })
  await conn?.close()
})

const results = (names: readonly string[]): string => `    - copy: {dest: ${OUT}/results.json, content: "{{ {${names.map((n) => `'${n}': ${n}`).join(', ')}} | to_nice_json }}"}\n`

describe('differential: locale_gen under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on generating and removing locales, in check mode and over two runs, and on an unknown locale', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: generate, community.general.locale_gen: {name: de_CH.UTF-8}, register: l1}
    - {name: generate again, locale_gen: {name: de_CH.UTF-8, state: present}, register: l2}
    - {name: absent already, locale_gen: {name: en_US.UTF-8, state: absent}, register: l3}
    - {name: unknown, locale_gen: {name: xx_YY.UTF-8}, register: l4, ignore_errors: true}
    - {name: latin1 on, locale_gen: {name: fr_FR, state: present}, register: l5}
    - {name: latin1 off, locale_gen: {name: fr_FR, state: absent}, register: l6}
${results(['l1', 'l2', 'l3', 'l4', 'l5', 'l6'])}`
    const reset = sh`rm -rf ${OUT} && mkdir -p ${OUT} && cp /etc/locale.gen.tsdiff /etc/locale.gen && rm -f /usr/lib/locale/locale-archive`
    const state = sh`cat ${OUT}/results.json 2>&1; grep -v '^# [a-z]' /etc/locale.gen; locale -a; true`
    const result = await runBothEngines({ host: lab, conn, playbook, reset, state, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
    expect(result.ansible[2]!.at(-1)).toMatch(/ok=7 +changed=4 .*ignored=1/)
    expect(result.ansible[3]![0]).toContain('de_CH.utf8')
  }, 600_000)
})

describe('differential: capabilities under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on adding, re-flagging and removing file capabilities, and on a missing file', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: raw, community.general.capabilities: {path: ${CAP_FILE}, capability: cap_net_raw=ep}, register: c1}
    - {name: raw again, capabilities: {key: ${CAP_FILE}, cap: CAP_NET_RAW=ep, state: present}, register: c2}
    - {name: chown with plus, capabilities: {path: ${CAP_FILE}, capability: cap_chown+ep}, register: c3}
    - {name: drop raw, capabilities: {path: ${CAP_FILE}, capability: cap_net_raw, state: absent}, register: c4}
    - {name: drop absent one, capabilities: {path: ${CAP_FILE}, capability: cap_sys_admin, state: absent}, register: c5}
    - {name: missing file, capabilities: {path: /var/tmp/tsdiff-nosuch, capability: cap_net_raw=ep}, register: c6, ignore_errors: true}
    - {name: no operator, capabilities: {path: ${CAP_FILE}, capability: cap_net_raw}, register: c7, ignore_errors: true}
${results(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7'])}`
    const reset = sh`rm -rf ${OUT} && mkdir -p ${OUT} && rm -f ${CAP_FILE} && cp /bin/true ${CAP_FILE}`
    const state = sh`cat ${OUT}/results.json 2>&1; getcap -v ${CAP_FILE}; true`
    const result = await runBothEngines({ host: lab, conn, playbook, reset, state, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
    expect(result.ansible[3]![0]).toContain(`${CAP_FILE} cap_chown=ep`)
  }, 600_000)
})

describe('differential: alternatives under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on installing, selecting, returning to auto and removing alternatives, with their diffs', async () => {
    const bin = '/usr/local/bin/tsdiff'
    const slaves = `[{name: tsdiff-alt.1, path: /usr/local/share/tsdiff-b.1, link: /usr/local/share/tsdiff.1}]`
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: install b, community.general.alternatives: {name: tsdiff-alt, path: ${bin}-b, link: ${bin}, priority: 20, state: present, subcommands: ${slaves}}, register: a1}
    - {name: select a, alternatives: {name: tsdiff-alt, path: ${bin}-a}, register: a2}
    - {name: back to auto, alternatives: {name: tsdiff-alt, path: ${bin}-b, state: auto}, register: a3}
    - {name: auto again, alternatives: {name: tsdiff-alt, path: ${bin}-b, state: auto, slaves: ${slaves}}, register: a4}
    - {name: remove a, alternatives: {name: tsdiff-alt, path: ${bin}-a, state: absent}, register: a5}
    - {name: missing path, alternatives: {name: tsdiff-alt, path: ${bin}-nosuch, state: present}, register: a6, ignore_errors: true}
    - {name: new priority, alternatives: {name: tsdiff-alt, path: ${bin}-b, priority: 30, state: present}, register: a7}
${results(['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'])}`
    const reset = sh`rm -rf ${OUT} && mkdir -p ${OUT} /usr/local/share && { update-alternatives --remove-all tsdiff-alt >/dev/null 2>&1; true; } && cp /bin/true ${bin}-a && cp /bin/true ${bin}-b && touch /usr/local/share/tsdiff-b.1 && update-alternatives --install ${bin} tsdiff-alt ${bin}-a 10 >/dev/null`
    const state = sh`cat ${OUT}/results.json 2>&1; LC_ALL=C update-alternatives --display tsdiff-alt; readlink /etc/alternatives/tsdiff-alt /etc/alternatives/tsdiff-alt.1; true`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset, state, diff: true })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
      expect(result.ansible[3]![0]).toContain(`link currently points to ${bin}-b`)
    } finally {
      await conn.exec(sh`update-alternatives --remove-all tsdiff-alt; rm -f ${bin}-a ${bin}-b /usr/local/share/tsdiff-b.1; true`, { allowFailure: true })
    }
  }, 600_000)
})

describe('differential: assemble under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on assembling fragments from the host and from the controller, skipped in check mode', async () => {
    const frags = '/var/tmp/tsdiff-frags'
    const dest = '/var/tmp/tsdiff-assembled'
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: assemble, assemble: {src: ${frags}, dest: ${dest}, mode: '0640'}, register: s1}
    - {name: assemble again, ansible.builtin.assemble: {src: ${frags}, dest: ${dest}, mode: '0640'}, register: s2}
    - {name: delimited, assemble: {src: ${frags}, dest: ${dest}-2, delimiter: '### part\\n', ignore_hidden: true, regexp: '^[0-9]'}, register: s3}
    - {name: missing src, assemble: {src: ${frags}-nosuch, dest: ${dest}-3}, register: s4, ignore_errors: true}
    - {name: from the controller, assemble: {src: frags, dest: ${dest}-4, remote_src: false}}
${results(['s1', 's2', 's3', 's4'])}`
    const reset = sh`rm -rf ${OUT} ${frags} ${dest} ${dest}-2 ${dest}-3 ${dest}-4 && mkdir -p ${OUT} ${frags} && printf a > ${frags}/10-a && printf 'b\\n' > ${frags}/20-b && printf 'h\\n' > ${frags}/.hidden && mkdir ${frags}/30-dir`
    const state = sh`cat ${OUT}/results.json 2>&1; for f in ${dest} ${dest}-2 ${dest}-3 ${dest}-4; do stat -c '%n %a %s' $f && cat $f; done; true`
    const files = { 'files/frags/1-x': 'x\n', 'files/frags/2-y': 'y' }
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset, state, diff: true, files })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
      expect(result.ansible[3]![0]).toContain(`${dest} 640 6\nh\na\nb\n`)
    } finally {
      await conn.exec(sh`rm -rf ${frags} ${dest} ${dest}-2 ${dest}-3 ${dest}-4`, { allowFailure: true })
    }
  }, 600_000)
})
