// async, poll and async_status through ansible-playbook and through tsplay on the same lab host over SSH: a job
// polled to its end, one left running (poll 0) and waited for with an async_status until-loop after the connection
// was reset (the job outlives it), cleanup, a job past its limit, and a module other than command as a job. The
// verdicts of the check run (async refused), first and second runs and the registered results are compared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { connectLabHost } from './lab-connection.js'
import { type LabHost, labHostNamed } from './helpers.js'

const OUT = '/tmp/tsdiff-async'
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_ASYNC_LAB_HOST', 'lab2')
  conn = await connectLabHost(lab)
})
afterAll(async () => {
  await conn?.exec(sh`rm -rf ${OUT}`, { allowFailure: true })
  await conn?.close()
})

const drop = "dict2items | rejectattr('key', 'in', ['start', 'end', 'delta', 'ansible_job_id', 'results_file', 'attempts', 'erased']) | items2dict"

describe('differential: async jobs under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on polled, background, cleaned up and timed-out jobs', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  vars:
    ansible_async_dir: ${OUT}/jobs
  tasks:
    - {name: polled, command: "sh -c 'sleep 1; echo done'", async: 30, poll: 1, register: a1, ignore_errors: true}
    - {name: background, shell: "sleep 3; echo bg; touch ${OUT}/survived", async: 60, poll: 0, register: a2, ignore_errors: true}
    - meta: reset_connection
    - name: wait for it
      async_status: {jid: "{{ a2.ansible_job_id }}"}
      register: a3
      until: a3.finished
      retries: 30
      delay: 1
      when: a2.ansible_job_id is defined
    - {name: cleanup, async_status: {jid: "{{ a2.ansible_job_id }}", mode: cleanup}, register: a4, when: a2.ansible_job_id is defined}
    - {name: past its limit, command: sleep 40, async: 2, poll: 1, register: a5, ignore_errors: true}
    - {name: a file as a job, file: {path: "${OUT}/touched", state: touch, mode: "0600"}, async: 20, poll: 1, register: a6, ignore_errors: true}
    - name: keep results
      copy:
        dest: ${OUT}/registered.json
        content: "{{ {'a1': a1 | ${drop}, 'a3': (a3 | default({})) | ${drop}, 'a4': (a4 | default({})) | ${drop}, 'a5': a5.failed, 'a6': [a6.changed, a6.finished | default(none)]} | to_nice_json }}"
`
    const state = sh`cat ${OUT}/registered.json 2>&1; ls ${OUT}; true`
    const result = await runBothEngines({ host: lab, conn, playbook, reset: sh`rm -rf ${OUT} && mkdir -p ${OUT}`, state })
    expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
    expect(result.ansible[3]!.join('\n')).toContain('survived')
  }, 600_000)
})
