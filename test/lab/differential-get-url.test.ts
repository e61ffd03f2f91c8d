// get_url's conditional GET, force, directory dest and checksum lists through ansible-playbook and through tsplay
// on the same lab host, against an HTTP server here that honours If-Modified-Since. Verdicts of a check run, a
// first and a second run, the files after each, and the requests each engine made (method, conditional or not,
// no-cache or not), run by run.
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Command, type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

const BRIDGE_ADDRESS = '10.231.0.1'
const ROOT = '/srv/tsdiff-geturl'
const body = Buffer.from('the artifact, version 2\n')
const sha256 = createHash('sha256').update(body).digest('hex')
// The artifact last changed on 2024-01-01: a dest written later is up to date, one dated 2020 is not.
const LAST_MODIFIED = new Date('2024-01-01T00:00:00Z')
const log: string[] = []
let lab: LabHost
let conn: Connection
let server: Server
let base = ''

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_FILEDIFF_LAB_HOST', 'lab2')
  conn = await connectLabHost(lab)
  server = createServer((req, res) => {
    const since = req.headers['if-modified-since']
    log.push(`${req.method} ${req.url}${since ? ' if-modified-since' : ''}${req.headers['cache-control'] ? ` ${req.headers['cache-control']}` : ''}`)
    const lists: Record<string, string> = {
      '/SHA256SUMS': `${'0'.repeat(64)}  other.bin\n${sha256.toUpperCase()} *./art.bin\n`,
      '/art.sha256': `${sha256}\n`,
      '/NOSUMS': `${sha256}  other.bin\n`,
    }
    if (req.url === '/art.bin') {
      if (since && new Date(since) >= LAST_MODIFIED) return res.writeHead(304).end()
      res.writeHead(200, { 'Last-Modified': LAST_MODIFIED.toUTCString(), 'Content-Length': body.length })
      return res.end(req.method === 'HEAD' ? undefined : body)
    }
    if (req.url && lists[req.url] !== undefined) return res.end(lists[req.url])
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, BRIDGE_ADDRESS, resolve))
  base = `http://${BRIDGE_ADDRESS}:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${ROOT}`, { allowFailure: true })
  await conn?.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('differential: get_url conditional requests and checksum lists under ansible-playbook and tsplay', () => {
  it('agree on verdicts, files and the requests made, in check mode and over two runs', async () => {
    const url = `${base}/art.bin`
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: fresh, get_url: {url: '${url}', dest: ${ROOT}/fresh.bin}, register: fresh}
    - {name: stale, get_url: {url: '${url}', dest: ${ROOT}/stale.bin}}
    - {name: current, get_url: {url: '${url}', dest: ${ROOT}/current.bin}, register: current}
    - {name: force, get_url: {url: '${url}', dest: ${ROOT}/current.bin, force: true}}
    - {name: into a directory, get_url: {url: '${url}', dest: ${ROOT}/dir/}}
    - {name: checksum list, get_url: {url: '${url}', dest: ${ROOT}/listed.bin, checksum: 'sha256:${base}/SHA256SUMS'}}
    - {name: one digest, get_url: {url: '${url}', dest: ${ROOT}/single.bin, checksum: 'sha256:${base}/art.sha256', mode: '0600'}}
    - {name: not listed, get_url: {url: '${url}', dest: ${ROOT}/unlisted.bin, checksum: 'sha256:${base}/NOSUMS'}, ignore_errors: true}
    - {name: recorded, copy: {dest: ${ROOT}/recorded, content: "{{ current.status_code | default('none') }} {{ current.msg | default('none') }}"}}
`
    // current.bin is newer than the artifact (304), stale.bin older and different, dir/art.bin different and new.
    const reset = sh`rm -rf ${ROOT} && mkdir -p ${ROOT}/dir && printf %s ${body.toString()} > ${ROOT}/current.bin
printf old > ${ROOT}/stale.bin && touch -d 2020-01-01 ${ROOT}/stale.bin && printf old > ${ROOT}/dir/art.bin`
    const state = sh`cd ${ROOT} && find . -type f -printf '%p %m ' -exec sha1sum {} \\; | sort; cat recorded 2>&1; true`
    // The log is cut per run at the state reads, which follow every run.
    const runs: string[][] = []
    const marking: Pick<Connection, 'exec'> = {
      exec: async (command: Command, options) => {
        runs.push(log.splice(0))
        return conn.exec(command, options)
      },
    }
    const result = await runBothEngines({ host: lab, conn: marking, playbook, reset, state })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    // runs: [reset, check, first, second] per engine.
    expect(runs.slice(4).map((r) => r.sort()), runs.map((r) => r.join('\n')).join('\n--\n')).toEqual(runs.slice(0, 4).map((r) => r.sort()))
    const verdicts = ['changed', 'changed', 'ok', 'ok', 'changed', 'changed', 'changed', 'fatal', 'changed'].map((v) => (v === 'fatal' ? `fatal: [${lab.name}]: FAILED!` : `${v}: [${lab.name}]`))
    expect(result.ansible[2]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...verdicts, expect.stringMatching(/ok=9 +changed=6 .* ignored=1/)])
    expect(result.ansible[3]![0]).toContain('304 HTTP Error 304: Not Modified')
    expect(runs[2]).toContain('GET /art.bin if-modified-since')
    expect(runs[2]).toContain('GET /art.bin no-cache')
  })
})
