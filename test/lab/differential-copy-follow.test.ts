// copy's local_follow through ansible-playbook and through tsplay on the same lab host (with --diff): a controller
// tree holding links to a file, to a directory, to an ancestor (a loop), to an absolute path and to nothing, copied
// with the links followed (the default) and kept. Verdicts, diff bodies and the host's tree after each run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { makeLinkTree } from '../helpers/link-tree.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

const ROOT = '/srv/tsdiff-lf'
const work = mkdtempSync(join(tmpdir(), 'tsplay-lfdiff-'))
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_FILEDIFF_LAB_HOST', 'lab2')
  conn = await connectLabHost(lab)
  makeLinkTree(work)
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${ROOT}`, { allowFailure: true })
  await conn?.close()
  rmSync(work, { recursive: true, force: true })
})

describe('differential: copy local_follow under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on following and on keeping controller-side links, in check mode, with --diff and over two runs', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: follow, copy: {src: ${work}/tree, dest: ${ROOT}/yes/}}
    - {name: keep, copy: {src: ${work}/tree/, dest: ${ROOT}/no/, local_follow: false}}
    - {name: follow one file, copy: {src: ${work}/tree/la, dest: ${ROOT}/one, local_follow: false}}
`
    const state = sh`cd ${ROOT} && find . -printf '%p %y %l %m\n' | sort && find . -type f -exec sha1sum {} + | sort`
    const result = await runBothEngines({ host: lab, conn, playbook, reset: sh`rm -rf ${ROOT} && mkdir -p ${ROOT}`, state, diff: true })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.diffs.tsplay).toEqual(result.diffs.ansible)
    expect(result.ansible[3]![0]).toContain(`./no/ld l sub 777\n`)
    expect(result.ansible[3]![0]).toContain(`./yes/tree/ld/up l .. 777\n`)
    expect(result.ansible[3]![0]).toContain(`./one f  644\n`)
    expect(result.ansible[4]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...['ok', 'ok', 'ok'].map((v) => `${v}: [${lab.name}]`), expect.stringMatching(/ok=3 +changed=0 /)])
  })
})
