// The file modules through ansible-playbook and through tsplay on the same lab host over SSH, from the same
// starting state: the verdicts of a check run, a first run and a second run (all with --diff), the host state
// after each (types, modes, owners, link targets, link counts, sha256 of every file, what stat/slurp
// registered), the files fetch wrote on the controller, and the --diff bodies each engine printed.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Command, type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const BRIDGE_ADDRESS = '10.231.0.1'
const ROOT = '/srv/tsdiff'
let lab: LabHost
let conn: Connection
let server: Server
let archive: Buffer
const artifact = Buffer.from('an artifact served by the test\n')
const work = mkdtempSync(join(tmpdir(), 'tsplay-filediff-'))

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_FILEDIFF_LAB_HOST', 'lab2')
  conn = await connectLabHost(lab)
  mkdirSync(join(work, 'tree/sub'), { recursive: true })
  writeFileSync(join(work, 'tree/a'), 'a\n')
  writeFileSync(join(work, 'tree/sub/b'), 'b\n')
  archive = execFileSync('tar', ['-cz', '--owner=0', '--group=0', '--mtime=2024-01-01', '-C', work, 'tree'])
  server = createServer((req, res) => (req.url === '/artifact.bin' ? res.end(artifact) : req.url === '/app.tgz' ? res.end(archive) : res.writeHead(404).end()))
  await new Promise<void>((resolve) => server.listen(0, BRIDGE_ADDRESS, resolve))
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${ROOT}`, { allowFailure: true })
  await conn?.close()
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
  rmSync(work, { recursive: true, force: true })
})

const playbook = (base: string): string => `- hosts: all
  gather_facts: false
  vars:
    r: ${ROOT}
  tasks:
    - {name: directory, file: {path: '{{ r }}/d', state: directory, mode: '0750'}}
    - {name: nested directories, file: {path: '{{ r }}/d/x/y', state: directory}}
    - {name: symbolic mode, file: {path: '{{ r }}/plain', state: file, mode: 'u=rw,g=r,o='}}
    - {name: owner and group, file: {path: '{{ r }}/plain', owner: nobody, group: nogroup}}
    - {name: touch preserving times, file: {path: '{{ r }}/stamp', state: touch, modification_time: preserve, access_time: preserve}}
    - {name: touch, file: {path: '{{ r }}/touched', state: touch, mode: '0600'}}
    - {name: touch existing, file: {path: '{{ r }}/plain', state: touch}}
    - {name: a modification time, file: {path: '{{ r }}/stamp', modification_time: '202001011200.00', access_time: preserve}}
    - {name: owner and group by id, file: {path: '{{ r }}/stamp', owner: '4242', group: '4243'}}
    - {name: unknown owner, file: {path: '{{ r }}/stamp', owner: nosuchuser}, ignore_errors: true}
    - {name: link, file: {src: rec, dest: '{{ r }}/current', state: link}}
    - {name: link moved, file: {src: plain, dest: '{{ r }}/moved', state: link}}
    - {name: hard link, file: {src: '{{ r }}/plain', dest: '{{ r }}/hard', state: hard}}
    - {name: absent, file: {path: '{{ r }}/gone', state: absent}}
    - {name: absent already, file: {path: '{{ r }}/never', state: absent}}
    - {name: recurse, file: {path: '{{ r }}/rec', state: directory, recurse: true, mode: 'u=rwX,g=rX,o=', owner: nobody}}
    - {name: file that is missing, file: {path: '{{ r }}/missing', state: file}, ignore_errors: true}
    - {name: content, copy: {content: "k=v\\n# quotes ' \\" $(id) \`id\`\\n", dest: '{{ r }}/content', mode: '0640'}}
    - {name: from files, copy: {src: static.txt, dest: '{{ r }}/static.txt', backup: true}}
    - {name: a tree, copy: {src: tree/, dest: '{{ r }}/tree/', directory_mode: '0751'}}
    - {name: remote src, copy: {src: '{{ r }}/kept', dest: '{{ r }}/kept.copy', remote_src: true, mode: preserve}}
    - {name: validate passes, copy: {content: "hello\\n", dest: '{{ r }}/valid', validate: 'grep -q hello %s'}}
    - {name: validate fails, copy: {content: "bye\\n", dest: '{{ r }}/invalid', validate: 'grep -q hello %s'}, ignore_errors: true}
    - {name: force false, copy: {content: "new\\n", dest: '{{ r }}/kept', force: false}}
    - {name: into a directory, copy: {content: "x\\n", dest: '{{ r }}/d/'}, ignore_errors: true}
    - {name: template, template: {src: app.conf.j2, dest: '{{ r }}/app.conf', validate: 'grep -q listen %s', backup: true, mode: '0644'}}
    - {name: template invalid, template: {src: app.conf.j2, dest: '{{ r }}/bad.conf', validate: 'false %s'}, ignore_errors: true}
    - {name: replace by regexp, lineinfile: {path: '{{ r }}/edited', regexp: '^k=', line: k=w}}
    - {name: backrefs, lineinfile: {path: '{{ r }}/edited', regexp: '^(name)=(\\w+)$', line: '\\2=\\1', backrefs: true}}
    - {name: backrefs no match, lineinfile: {path: '{{ r }}/edited', regexp: '^nomatch=(.*)$', line: 'x=\\1', backrefs: true}}
    - {name: insert at BOF, lineinfile: {path: '{{ r }}/edited', line: '# first', insertbefore: BOF}}
    - {name: insert at EOF, lineinfile: {path: '{{ r }}/edited', line: '# last', insertafter: EOF}}
    - {name: insert after, lineinfile: {path: '{{ r }}/edited', line: after=k, insertafter: '^k='}}
    - {name: insert before, lineinfile: {path: '{{ r }}/edited', line: before=k, insertbefore: '^k='}}
    - {name: absent line, lineinfile: {path: '{{ r }}/edited', regexp: '^drop', state: absent}}
    - {name: create, lineinfile: {path: '{{ r }}/created/new.conf', line: made=1, create: true, mode: '0600'}}
    - {name: not there, lineinfile: {path: '{{ r }}/nofile', line: x}, ignore_errors: true}
    - {name: a directory, lineinfile: {path: '{{ r }}/d', line: x}, ignore_errors: true}
    - {name: block, blockinfile: {path: '{{ r }}/edited', block: "x=1\\ny=2\\n", marker: '# {mark} managed'}}
    - {name: block before, blockinfile: {path: '{{ r }}/edited', block: top, marker: '# {mark} top', insertbefore: BOF}}
    - {name: block removed, blockinfile: {path: '{{ r }}/edited', marker: '# {mark} old', state: absent}}
    - {name: block created, blockinfile: {path: '{{ r }}/block.conf', block: z=1, create: true}}
    - {name: stat, stat: {path: '{{ r }}/content'}, register: st}
    - {name: stat of a link, stat: {path: '{{ r }}/current'}, register: sl}
    - {name: stat missing, stat: {path: '{{ r }}/never'}, register: sm}
    - {name: slurp, slurp: {src: '{{ r }}/kept'}, register: sp}
    - name: record what was read
      copy:
        dest: '{{ r }}/read.txt'
        content: |
          {{ st.stat.exists }} {{ st.stat.isreg }} {{ st.stat.mode }} {{ st.stat.size }} {{ st.stat.checksum }} {{ st.stat.pw_name }} {{ st.stat.gr_name }} {{ st.stat.uid }}
          {{ sl.stat.islnk }} {{ sl.stat.lnk_target }} {{ sl.stat.lnk_source }} {{ sl.stat.isdir }}
          {{ sm.stat.exists }}
          {{ sp.encoding }} {{ sp.content }} {{ sp.source }}
    - {name: fetch flat, fetch: {src: '{{ r }}/kept', dest: '{{ playbook_dir }}/out/flat.txt', flat: true}}
    - {name: fetch tree, fetch: {src: '{{ r }}/app.conf', dest: '{{ playbook_dir }}/out/'}}
    - {name: fetch missing, fetch: {src: '{{ r }}/never', dest: '{{ playbook_dir }}/out/'}, ignore_errors: true}
    - {name: get_url, get_url: {url: '${base}/artifact.bin', dest: '{{ r }}/artifact.bin', checksum: 'sha256:${createHash('sha256').update(artifact).digest('hex')}', mode: '0640'}}
    - {name: get_url bad checksum, get_url: {url: '${base}/artifact.bin', dest: '{{ r }}/bad.bin', checksum: 'sha256:${'0'.repeat(64)}'}, ignore_errors: true}
    - {name: get_url 404, get_url: {url: '${base}/missing', dest: '{{ r }}/missing.bin'}, ignore_errors: true}
    - {name: archive by url, get_url: {url: '${base}/app.tgz', dest: '{{ r }}/fetched.tgz'}}
    - {name: unpack dir, file: {path: '{{ r }}/unpacked', state: directory}}
    - {name: unarchive remote (no dest yet in check mode), unarchive: {src: '{{ r }}/app.tgz', dest: '{{ r }}/unpacked', remote_src: true}, ignore_errors: '{{ ansible_check_mode }}'}
    - {name: unarchive creates, unarchive: {src: '{{ r }}/app.tgz', dest: '{{ r }}/unpacked', remote_src: true, creates: '{{ r }}/unpacked/tree'}}
    - {name: unarchive missing dest, unarchive: {src: '{{ r }}/app.tgz', dest: '{{ r }}/nowhere', remote_src: true}, ignore_errors: true}
`

// The starting state both engines get: files to edit, replace, keep and remove, and an archive on the host.
const reset = (): Command => sh`rm -rf ${ROOT} && mkdir -p ${ROOT}/gone/sub ${ROOT}/rec/sub && cd ${ROOT}
printf 'k=v\nname=value\ndrop me\n# BEGIN old\nold\n# END old\n' > edited
printf 'old static\n' > static.txt; printf 'old listen\n' > app.conf; printf 'kept\n' > kept; chmod 0640 kept
touch plain stamp rec/f rec/sub/g gone/a gone/sub/b; chmod 0755 rec/f; ln -s content moved
printf %s ${archive.toString('base64')} | base64 -d > app.tgz; true`

// Backup names carry a PID and a time: keep only that there is one.
const STATE = sh`cd ${ROOT} && find . -printf '%p %y %m %u %g %n %l\\n' | sed -E 's/\\.[0-9]+\\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9:]{8}~/.BACKUP~/' | sort
find . -type f | sort | xargs sha256sum | sed -E 's/\\.[0-9]+\\.[0-9]{4}-[0-9]{2}-[0-9]{2}@[0-9:]{8}~/.BACKUP~/'; cat read.txt; true`

const FILES = {
  'files/static.txt': 'static\n',
  'files/tree/a': 'a\n',
  'files/tree/sub/b': 'b\n',
  'templates/app.conf.j2': 'listen {{ 8000 + 80 }}\nhost {{ inventory_hostname }}\n',
}

/**
 * The --diff bodies with the one thing that differs between any two runs left out: the values of the times a
 * touch sets (ansible-core's atime/mtime floats; their keys stay).
 */
function comparable(lines: readonly string[]): string[] {
  return lines.map((line) => line.replace(/^([-+] {4}"(atime|mtime)": )[0-9.]+(,?)$/, '$1…$3'))
}

describe('differential: the file modules under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on every verdict, the host state, fetched files and the --diff bodies, in check mode and over two runs', async () => {
    const base = `http://${BRIDGE_ADDRESS}:${(server.address() as AddressInfo).port}`
    const result = await runBothEngines({ host: lab, conn, playbook: playbook(base), reset: reset(), state: STATE, files: FILES, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.diffs.tsplay.map(comparable)).toEqual(result.diffs.ansible.map(comparable))
    expect(result.diffs.ansible[1]!.filter((l) => l.startsWith('TASK [')).length).toBeGreaterThan(20)
    expect(result.ansible[0]!.length).toBeGreaterThan(55)
    expect(result.ansible[3]![0]).toContain('./unpacked/tree/sub/b f 644 root root')
    // the diffs compared hold what ansible-core shows for owners, a removed directory and a touch
    const shown = result.diffs.ansible[1]!.join('\n')
    for (const line of ['+    "owner": 4242,', '+    "group": 65534,', '-    "path_content": {', `-            "${ROOT}/gone/sub/b"`, '+    "mtime": 1577880000.0,']) expect(shown).toContain(line)
  })
})
