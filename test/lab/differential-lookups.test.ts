// getent and uri through ansible-playbook and through tsplay on the same lab host: the verdicts of a check run, a
// first and a second run, and the registered results (written to a file on the host, `elapsed` left out: a clock
// reading), compared. uri talks to a small HTTP server on the lab host itself (test/fixtures/lab/http-echo.py)
// whose Date and Server headers are fixed.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const OUT = '/tmp/tsdiff-lookups'
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_LOOKUPS_LAB_HOST', 'lab3')
  conn = await connectLabHost(lab)
  await conn.writeFile('/root/tsdiff-http-echo.py', readFileSync(join(import.meta.dirname, '../fixtures/lab/http-echo.py')))
})
afterAll(async () => {
  await conn?.exec(sh`systemctl stop tsdiff-http 2>/dev/null; rm -rf ${OUT} /root/tsdiff-http-echo.py`, { allowFailure: true })
  await conn?.close()
})

/** A task that writes the named registered results, without `elapsed`, as sorted JSON to OUT/NAME.json. */
const dump = (file: string, names: readonly string[]): string =>
  `    - name: keep ${file}\n      copy:\n        dest: ${OUT}/${file}.json\n        content: "{{ {${names.map((n) => `'${n}': ${n} | dict2items | rejectattr('key', 'equalto', 'elapsed') | items2dict`).join(', ')}} | to_nice_json }}"\n`

const state = sh`for f in ${OUT}/*.json; do echo "== $f"; cat "$f"; done; ls -ln --time-style=+ ${OUT}/dl 2>&1; cat ${OUT}/dl/* 2>&1; true`

describe('differential: getent and uri under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on getent lookups: colon and white-space databases, a missing key, an NSS service, a failure', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: passwd root, getent: {database: passwd, key: root}, register: g1}
    - {name: group with service, getent: {database: group, key: root, service: files}, register: g2}
    - {name: hosts, getent: {database: hosts, key: localhost}, register: g3}
    - {name: passwd split on slashes, getent: {database: passwd, key: root, split: /}, register: g4}
    - {name: missing key tolerated, ansible.builtin.getent: {database: passwd, key: tsdiff-nobody, fail_key: false}, register: g5}
    - {name: missing key, getent: {database: passwd, key: tsdiff-nobody}, register: g6, ignore_errors: true}
    - {name: unknown database, getent: {database: tsdiffdb}, register: g7, ignore_errors: true}
    - {name: whole group database, getent: {database: group}, register: g8}
${dump('getent', ['g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8'])}`
    const result = await runBothEngines({ host: lab, conn, playbook, reset: sh`rm -rf ${OUT} && mkdir -p ${OUT}`, state })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.ansible[2]!.at(-1)).toMatch(/ok=9 +changed=1 .*failed=0 .*ignored=2/)
    expect(result.ansible[3]![0]).toContain('"tsdiff-nobody": null')
  })

  it('agree on uri: JSON, redirects, bodies, credentials, cookies, errors, creates and dest', async () => {
    const base = 'http://127.0.0.1:18732'
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: json get, uri: {url: "${base}/data.json"}, register: r1}
    - {name: redirect safe, uri: {url: "${base}/redirect", return_content: true}, register: r2}
    - {name: redirect none, uri: {url: "${base}/redirect", follow_redirects: none, status_code: 302}, register: r3}
    - {name: post json, uri: {url: "${base}/echo", method: POST, body_format: json, body: {k: v, n: 1, u: "é", l: [1, 2]}, headers: {X-Test: "x y"}}, register: r4}
    - {name: post form, uri: {url: "${base}/echo", method: post, body_format: form-urlencoded, body: {a: "b c", d: ["1", "2"], e: "&="}}, register: r5}
    - {name: put raw, ansible.builtin.uri: {url: "${base}/echo", method: PUT, body: "raw\\ntext $(id)", return_content: true}, register: r6}
    - {name: created, uri: {url: "${base}/created", method: POST, status_code: [201]}, register: r7}
    - {name: cookies, uri: {url: "${base}/cookie"}, register: r8}
    - {name: auth after challenge, uri: {url: "${base}/auth", user: u, password: "p w"}, register: r9}
    - {name: auth forced, uri: {url: "${base}/auth", url_username: u, url_password: "p w", force_basic_auth: true}, register: r10}
    - {name: delete, uri: {url: "${base}/gone", method: DELETE, status_code: 204}, register: r11}
    - {name: head, uri: {url: "${base}/data.json", method: HEAD}, register: r12}
    - {name: not found, uri: {url: "${base}/nope", return_content: true}, register: r13, ignore_errors: true}
    - {name: creates, uri: {url: "${base}/nope", creates: /etc/hostname}, register: r14}
    - {name: post not redirected, uri: {url: "${base}/redirect", method: POST, body: x}, register: r15, ignore_errors: true}
    - {name: refused, uri: {url: "http://127.0.0.1:1/"}, register: r16, ignore_errors: true}
    - {name: dest file, uri: {url: "${base}/hello.txt", dest: ${OUT}/dl/hello.txt, mode: "0600", status_code: [200, 304]}, register: r17}
    - {name: dest directory, uri: {url: "${base}/data.json", dest: ${OUT}/dl/}, register: r18}
${dump('uri', Array.from({ length: 18 }, (_, i) => `r${i + 1}`))}`
    const reset = sh`systemctl stop tsdiff-http 2>/dev/null; rm -rf ${OUT} && mkdir -p ${OUT}/dl && systemd-run --quiet --unit=tsdiff-http python3 /root/tsdiff-http-echo.py 18732 && for i in 1 2 3 4 5 6 7 8 9 10; do curl -s -o /dev/null http://127.0.0.1:18732/ && break; sleep 0.3; done`
    const result = await runBothEngines({ host: lab, conn, playbook, reset, state })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    // check mode skips uri (it does not support check mode); the first run writes both files, the second gets a 304 for hello.txt
    expect(result.ansible[0]!.filter((l) => l.startsWith('skipping:')).length).toBe(18)
    expect(result.ansible[2]!.at(-1)).toMatch(/ok=19 +changed=3 .*ignored=3/)
    expect(result.ansible[5]![0]).toContain('"status": 304')
  })
})
