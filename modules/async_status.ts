// - name: start the upgrade in the background
//   apt: { upgrade: dist }
//   async: 3600
//   poll: 0
//   register: upgrade
// - name: wait for it
//   async_status:
//     jid: "{{ upgrade.ansible_job_id }}"
//   register: job
//   until: job.finished
//   retries: 360
//   delay: 10
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { text } from './lib/args.js'
import { asyncDir, jobFile, jobStatus, type JobFile } from './lib/async-job.js'
import { splitLines } from './lib/command-words.js'

const args = z
  .object({
    jid: text.describe('The job id an `async` task returned as `ansible_job_id`'),
    mode: z.enum(['status', 'cleanup']).default('status').describe("'status' reads the job's state and result, 'cleanup' removes its file"),
  })
  .strict()

/** stdout_lines and stderr_lines beside a module's stdout and stderr, as ansible adds them to every module result. */
export function withLines(data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data }
  for (const key of ['stdout', 'stderr']) if (key in out && !(`${key}_lines` in out)) out[`${key}_lines`] = splitLines(typeof out[key] === 'string' ? out[key] : '')
  return out
}

/** The async_status result for a job file: the action's defaults under what the module returned. */
export function statusResult(jid: string, mode: 'status' | 'cleanup', file: JobFile): Record<string, unknown> {
  const base = { started: 0, finished: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], ansible_job_id: jid, ...(mode === 'cleanup' ? { erased: file.path } : { results_file: file.path, started: 1 }) }
  try {
    const own = mode === 'cleanup' ? (file.content === undefined ? jobStatus(jid, file) : { ansible_job_id: jid, erased: file.path }) : jobStatus(jid, file)
    return { ...base, ...withLines(own) }
  } catch (error) {
    if (error instanceof ModuleError) throw new ModuleError(error.message, { ...base, ...error.values })
    throw error
  }
}

/** Ansible's `async_status`: the state of a job an `async` task started, and its result once finished; or remove it. */
export const async_status = defineModule({
  name: 'async_status',
  args,
  description: 'Report the status of an async task (finished, and its result) or clean its job file up',
  example: 'async_status:\n  jid: "{{ upgrade.ansible_job_id }}"\nregister: job\nuntil: job.finished\nretries: 30',
  // the status read; cleanup's removal is its apply
  gather: (ctx, a) => jobFile(ctx.conn, asyncDir(ctx.vars), a.jid, 'status'),
  plan: (a, file, ctx) => {
    // ansible-core's module does not support check mode, so the whole task is skipped in a check run
    if (ctx.check) return { changes: [], skip: 'remote module (async_status) does not support check mode' }
    const values = statusResult(a.jid, a.mode, file)
    if (a.mode === 'cleanup') return { changes: [{ kind: 'cleanup', summary: `remove ${file.path}` }], values }
    if (values['failed'] === true || values['failed'] === 1) throw new ModuleError(typeof values['msg'] === 'string' ? values['msg'] : 'the job failed', values)
    return { changes: values['changed'] === true ? [{ kind: 'job', summary: `job ${a.jid} changed the host` }] : [], values }
  },
  apply: async (ctx, _plan, a) => {
    if (a.mode === 'status') return
    await jobFile(ctx.conn, asyncDir(ctx.vars), a.jid, 'cleanup')
    return { changed: false }
  },
})
