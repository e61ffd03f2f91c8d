// The command modules (command, shell, raw, script) and wait_for_connection through ansible-playbook and
// through tsplay on the same lab host over SSH, from the same starting state: the verdicts of a check run, a
// first run and a second run, and what each registered (rc, stdout, stderr, cmd; not the timings), written
// to a file on the host and compared with the files the commands made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const ROOT = '/srv/tscmd'
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_FILEDIFF_LAB_HOST', 'lab2')
  conn = await connectLabHost(lab)
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${ROOT}`, { allowFailure: true })
  await conn?.close()
})

// What a registered result holds apart from its timings, one line per task.
const record = (name: string): string => `{{ ${name}.rc | default('-') }} {{ ${name}.changed }} {{ ${name}.failed | default(false) }} {{ ${name}.stdout | default('') | to_json }} {{ ${name}.stdout_lines | default([]) | to_json }} {{ ${name}.stderr | default('') | to_json }} {{ ${name}.cmd | default('') | to_json }} {{ ${name}.msg | default('') | to_json }}`
// raw and script: ansible-core runs them on a pty (ssh -tt), so their stdout ends lines with \r\n and holds
// what the program wrote to stderr, and stderr holds ssh's "Shared connection ... closed." tsplay keeps the two
// streams apart, as command does (deliberate: the pty adds nothing but mixing). So only the first stdout line.
const recordPty = (name: string): string => `{{ ${name}.rc | default('-') }} {{ ${name}.changed }} {{ ${name}.failed | default(false) }} {{ (${name}.stdout_lines | default([]) + ['-']) | first }} {{ ${name}.msg | default('') | to_json }}`
const REGISTERED = ['argv', 'cmd', 'made', 'kept', 'gone', 'fails', 'input', 'sh', 'bash', 'where', 'shmade']
const PTY = ['raw', 'rawfails', 'script', 'scriptmade', 'scriptfails']

const PLAYBOOK = `- hosts: all
  gather_facts: false
  vars:
    r: ${ROOT}
    odd: "x $(touch ${ROOT}/pwned) \`id\`; 'q' \\"dq\\""
  tasks:
    - {name: argv, command: {argv: [printf, '%s|', '{{ odd }}', -n]}, register: argv}
    - {name: string, command: 'echo  one   two', register: cmd}
    - {name: creates, command: {cmd: 'touch {{ r }}/made', creates: '{{ r }}/made'}, register: made}
    - {name: creates kept, command: {cmd: 'touch {{ r }}/other', creates: '{{ r }}/kept'}, register: kept}
    - {name: removes, command: {cmd: 'rm {{ r }}/gone', removes: '{{ r }}/gone'}, register: gone}
    - {name: chdir, command: {cmd: pwd, chdir: '{{ r }}'}, register: where}
    - {name: stdin, command: {cmd: cat, stdin: "in put"}, register: input}
    - {name: fails, command: 'ls {{ r }}/nothing', register: fails, ignore_errors: true}
    - {name: changed_when false, command: 'true', changed_when: false}
    - {name: shell, shell: 'echo out; echo err >&2; printf "%s" {{ odd | quote }} | wc -c', register: sh}
    - {name: bash, shell: {cmd: 'echo $BASH_VERSION | cut -c1', executable: /bin/bash}, register: bash}
    - {name: shell creates, shell: {cmd: 'echo made > {{ r }}/shmade', creates: '{{ r }}/shmade'}, register: shmade}
    - {name: raw, raw: 'echo raw out; echo {{ r }}', register: raw}
    - {name: raw fails, raw: 'exit 3', register: rawfails, ignore_errors: true}
    - {name: script, script: 'hello.sh one "two words"', register: script}
    - {name: script creates, script: {cmd: 'hello.sh made', creates: '{{ r }}/made'}, register: scriptmade}
    - {name: script fails, script: failing.sh, register: scriptfails, ignore_errors: true}
    - {name: wait for the connection, wait_for_connection: {timeout: 20}}
    - name: record what was registered
      copy:
        dest: '{{ r }}/registered'
        content: |
${REGISTERED.map((name) => `          ${name} ${record(name)}`).join('\n')}
${PTY.map((name) => `          ${name} ${recordPty(name)}`).join('\n')}
`

const RESET = sh`rm -rf ${ROOT} && mkdir -p ${ROOT} && touch ${ROOT}/kept ${ROOT}/gone`
const STATE = sh`cd ${ROOT} && ls -A && cat registered shmade; true`

const FILES = {
  'files/hello.sh': '#!/bin/sh\necho "hello $# $1|$2"\necho "to stderr" >&2\n',
  'files/failing.sh': '#!/bin/sh\necho failing\nexit 5\n',
}

describe('differential: the command modules under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on every verdict, the registered results and the files made, in check mode and over two runs', async () => {
    const result = await runBothEngines({ host: lab, conn, playbook: PLAYBOOK, reset: RESET, state: STATE, files: FILES })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.ansible[0]!.length).toBeGreaterThan(35)
    expect(result.ansible[3]![0]).toContain('script 0 True False hello 2 one|two words ""')
    // The value with $(touch pwned) stayed data: no file of that name (ls -A lists the files first).
    expect(result.ansible[3]![0]!.split('\n')).not.toContain('pwned')
  })
})
