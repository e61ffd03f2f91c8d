import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { connectLocal, sh } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { async_status, statusResult } from '../../modules/async_status.js'
import { asyncDir, jobFile, jobStatus, startCommandJob } from '../../modules/lib/async-job.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const dir = mkdtempSync(join(tmpdir(), 'tsplay-async-'))
afterAll(() => conn.close())

/** Wait until the job's file holds its result (finished), at most `seconds`. */
async function finished(jid: string, seconds = 20): Promise<Record<string, unknown>> {
  for (let i = 0; i < seconds * 5; i++) {
    const status = jobStatus(jid, await jobFile(conn, dir, jid, 'status'))
    if (status['finished'] === 1) return status
    await sleep(200)
  }
  throw new Error(`job ${jid} did not finish`)
}

describe('async jobs on the host', () => {
  it('runs a command detached and writes its result as JSON, output escaped exactly', async () => {
    const nasty = 'tab\there "quoted" back\\slash \u0001ctl ünï€ode'
    const job = await startCommandJob(conn, dir, 30, { line: sh`printf '%s\n\n' ${nasty}; printf 'e1\r\n' >&2; exit 4`, cmd: ['printf', nasty], stripEmptyEnds: true })
    expect(job.jid).toMatch(/^j\d+\.\d+$/)
    expect(job.resultsFile).toBe(join(dir, job.jid))
    const result = await finished(job.jid)
    expect(result).toMatchObject({ changed: true, cmd: ['printf', nasty], rc: 4, stdout: nasty, stderr: 'e1', msg: 'non-zero return code', failed: true, finished: 1, ansible_job_id: job.jid })
    expect(result['start']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    expect(result['delta']).toMatch(/^0:00:0\d(\.\d{6})?$/)
  })

  it('keeps trailing newlines with strip_empty_ends off, feeds stdin, and leaves no output files', async () => {
    const job = await startCommandJob(conn, dir, 30, { line: sh`cat; printf 'x\n\n'`, cmd: 'cat', stdin: 'in\n', stripEmptyEnds: false })
    const result = await finished(job.jid)
    expect(result).toMatchObject({ rc: 0, stdout: 'in\nx\n\n', stderr: '', msg: '' })
    expect(result['failed']).toBeUndefined()
    expect(existsSync(`${job.resultsFile}.out`) || existsSync(`${job.resultsFile}.in`)).toBe(false)
  })

  it('says a running job is started and not finished, then kills it past its limit as async_wrapper does', async () => {
    const job = await startCommandJob(conn, dir, 1, { line: sh`sleep 60`, cmd: ['sleep', '60'], stripEmptyEnds: true })
    expect(jobStatus(job.jid, await jobFile(conn, dir, job.jid, 'status'))).toEqual({ started: 1, finished: 0, ansible_job_id: job.jid })
    const result = await finished(job.jid, 30)
    expect(result).toMatchObject({ msg: 'Timeout exceeded', failed: true, finished: 1 })
    const pid = Number(result['child_pid'])
    // the status is written just before the kill: give the group a moment to go
    let alive = true
    for (let i = 0; i < 25 && alive; i++) {
      alive = (await conn.exec(sh`kill -0 ${pid}`, { allowFailure: true })).exitCode === 0
      if (alive) await sleep(200)
    }
    expect(alive).toBe(false)
  }, 40_000)

  it('async_status reads, reports and cleans up as ansible-core does', async () => {
    const job = await startCommandJob(conn, dir, 30, { line: sh`echo hi`, cmd: ['echo', 'hi'], stripEmptyEnds: true })
    await finished(job.jid)
    const ctx = makeContext({ conn, vars: { ansible_async_dir: dir } })
    const status = await runModule(async_status, ctx, async_status.args.parse({ jid: job.jid }))
    expect(status.status).toBe('changed')
    expect(status.values).toMatchObject({ started: 1, finished: 1, stdout: 'hi', stdout_lines: ['hi'], stderr_lines: [], results_file: job.resultsFile, ansible_job_id: job.jid })
    const cleaned = await runModule(async_status, ctx, async_status.args.parse({ jid: job.jid, mode: 'cleanup' }))
    expect(cleaned.status).toBe('ok')
    expect(cleaned.values).toMatchObject({ started: 0, finished: 0, erased: job.resultsFile })
    expect(existsSync(job.resultsFile)).toBe(false)
    const gone = await runModule(async_status, ctx, async_status.args.parse({ jid: job.jid }))
    expect(gone).toMatchObject({ status: 'failed', msg: 'could not find job', values: { started: 1, finished: 1, ansible_job_id: job.jid } })
    const checked = await runModule(async_status, makeContext({ conn, check: true, vars: { ansible_async_dir: dir } }), async_status.args.parse({ jid: job.jid }))
    expect(checked.status).toBe('skipped')
  })

  it('reads job files as ansible-core async_status does', () => {
    expect(jobStatus('j1.2', { path: '/d/j1.2', content: '{"rc": 0, "changed": true}' })).toEqual({ rc: 0, changed: true, finished: 1, ansible_job_id: 'j1.2' })
    expect(jobStatus('j1.2', { path: '/d/j1.2', content: '{"started": 1' })).toEqual({ results_file: '/d/j1.2', ansible_job_id: 'j1.2', started: 1, finished: 0 })
    expect(jobStatus('j1.2', { path: '/d/j1.2', content: '{"started": 1, "ansible_job_id": "j1.2"}' })).toMatchObject({ finished: 0 })
    expect(() => jobStatus('j1.2', { path: '/d/j1.2' })).toThrow('could not find job')
    expect(statusResult('j1.2', 'status', { path: '/d/j1.2', content: '{"stdout": "a\\nb"}' })).toMatchObject({ stdout_lines: ['a', 'b'], stderr_lines: [], started: 1, finished: 1 })
    expect(asyncDir({ ansible_async_dir: '/x' }, {})).toBe('/x')
    expect(asyncDir({}, { ANSIBLE_ASYNC_DIR: '/y' })).toBe('/y')
    expect(asyncDir({}, {})).toBe('~/.ansible_async')
  })
})
