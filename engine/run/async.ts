// The `async` and `poll` task keywords, as ansible-core 2.14's TaskExecutor and async_wrapper do them: the module's
// work starts as a job on the host whose status and result sit in `<async_dir>/<jid>`; `poll: 0` returns the job id
// at once, `poll: P` reads the status every P seconds until the job is done or `async` seconds have passed.
import { setTimeout as sleep } from 'node:timers/promises'
import { asyncDir, jobFile, openControllerJob, startCommandJob, statusResult, writeJobResult, type StartedJob } from '../../modules/index.js'
import { formatLocation, ModuleError, TsplayError } from '../errors.js'
import type { Task } from '../load/index.js'
import type { Connection } from '../connection/index.js'
import { execute, failed, prepare, type Prepared } from './exec.js'
import type { TaskResult } from './result.js'
import type { PlayState } from './state.js'
import { keyword } from './vars.js'
import { renderValue, type Vars } from '../template/index.js'

// Actions whose ansible-core action plugin has no async support: the task fails before anything runs.
const NO_ASYNC = new Set([
  'add_host', 'assemble', 'assert', 'async_status', 'copy', 'debug', 'fail', 'fetch', 'gather_facts', 'group_by', 'include_vars',
  'pause', 'raw', 'script', 'set_fact', 'set_stats', 'template', 'unarchive', 'validate_argument_spec', 'wait_for_connection',
])

// ansible's DEFAULT_POLL_INTERVAL
const DEFAULT_POLL = 15

/** A task's `async` limit and `poll` interval in seconds, templated; undefined when it is not async (0 or unset). */
export function asyncOf(task: Task, vars: Vars): { readonly limit: number; readonly poll: number } | undefined {
  const number = (name: string, fallback: number): number => {
    const value = keyword(task, name)
    if (value === undefined || value === null) return fallback
    const n = Number(renderValue(value, vars, task.location))
    if (!Number.isInteger(n)) throw new TsplayError(`${formatLocation(task.location)}: ${name}: expected a whole number of seconds, got ${JSON.stringify(value)}`)
    return n
  }
  const limit = number('async', 0)
  return limit > 0 ? { limit, poll: number('poll', DEFAULT_POLL) } : undefined
}

/** executeOnce, with the task's `async` and `poll` honoured: an async task runs as a job on the host. */
export async function executeTask(ps: PlayState, task: Task, host: string, vars: Vars, signal?: AbortSignal): Promise<TaskResult> {
  const timing = asyncOf(task, vars)
  const prepared = await prepare(ps, task, host, vars, signal)
  if ('status' in prepared) return prepared
  return timing === undefined ? execute(prepared) : executeAsync(ps, task, prepared, timing.limit, timing.poll)
}

/** Run a prepared task as an async job: start it, then return its id (poll 0) or poll it to its end. */
async function executeAsync(ps: PlayState, task: Task, prepared: Prepared, limit: number, poll: number): Promise<TaskResult> {
  const { ctx } = prepared
  const host = ctx.host
  if (prepared.ansible === undefined && NO_ASYNC.has(prepared.mod.name)) return failed(host, 'async is not supported for this task.')
  if (ctx.check) return failed(host, 'check mode and async cannot be used on same task.')
  const dir = asyncDir(ctx.vars)
  let job: StartedJob
  try {
    job = await startJob(prepared, dir, limit)
  } catch (error) {
    if (error instanceof TsplayError) return failed(host, error.message)
    throw error
  }
  const started = { ansible_job_id: job.jid, changed: true, failed: 0, finished: 0, results_file: job.resultsFile, started: 1 }
  if (poll <= 0) return { host, status: 'changed', ...prepared.delegated, data: started, diff: [], changes: [`start job ${job.jid}`] }
  return pollJob(ps, task, prepared, dir, job, limit, poll)
}

/**
 * Start the work: command and shell detached on the host once their guards say they run; any other module as a
 * job tsplay drives over the connection within the run, its result written to the job file when it ends.
 */
async function startJob(prepared: Prepared, dir: string, limit: number): Promise<StartedJob> {
  const { mod, ctx, args } = prepared
  if (prepared.ansible === undefined && mod.asyncCommand !== undefined) {
    // a guard that says no (or a bad chdir) is the job's whole result, as the module run by async_wrapper says it
    const state = await mod.gather(ctx, args)
    let runs = false
    try {
      runs = mod.plan(args, state, ctx).changes.length > 0
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
    }
    if (runs) return startCommandJob(ctx.conn, dir, limit, mod.asyncCommand(ctx, args))
    return controllerJob(prepared, dir, limit, Promise.resolve(state))
  }
  return controllerJob(prepared, dir, limit)
}

async function controllerJob(prepared: Prepared, dir: string, limit: number, gathered?: Promise<unknown>): Promise<StartedJob> {
  const conn: Connection = prepared.ctx.conn
  const job = await openControllerJob(conn, dir)
  const stop = new AbortController()
  let over = false
  const timer = setTimeout(() => {
    over = true
    stop.abort()
    void writeJobResult(conn, job.resultsFile, { msg: 'Timeout exceeded', failed: true, child_pid: process.pid }).catch(() => undefined)
  }, limit * 1000)
  const work = execute({ ...prepared, ctx: { ...prepared.ctx, conn: conn.with({ signal: stop.signal }) } }, gathered)
  void work
    .then(async (result) => {
      clearTimeout(timer)
      if (!over) await writeJobResult(conn, job.resultsFile, result.data)
    })
    .catch(() => clearTimeout(timer))
  return job
}

/** Read the job's status every `poll` seconds until it finished (or failed) or the time is up; then clean it up. */
async function pollJob(ps: PlayState, task: Task, prepared: Prepared, dir: string, job: StartedJob, limit: number, poll: number): Promise<TaskResult> {
  const { ctx, delegated } = prepared
  const host = ctx.host
  let status: Record<string, unknown> = { ansible_job_id: job.jid, started: 1, finished: 0 }
  for (let left = limit; left > 0; left -= poll) {
    await sleep(poll * 1000)
    if (ps.run.options.stop?.aborted) break
    try {
      status = statusResult(job.jid, 'status', await jobFile(ctx.conn, dir, job.jid, 'status'))
    } catch (error) {
      if (!(error instanceof ModuleError)) throw error
      status = { ...error.values, failed: true, msg: error.message }
    }
    if (Number(status['finished']) === 1 || 'failed' in status || 'skipped' in status) break
    ps.run.emit({ type: 'async', host, phase: 'poll', jid: job.jid, started: status['started'], finished: status['finished'] })
  }
  if (Number(status['finished']) !== 1) {
    ps.run.emit({ type: 'async', host, phase: 'failed', jid: job.jid })
    const asyncResult = { ...status, invocation: { module_args: { _async_dir: expanded(job, dir), jid: job.jid, mode: 'status' } } }
    return { host, status: 'failed', ...delegated, data: { async_result: asyncResult, changed: false, failed: true, msg: `async task did not complete within the requested time - ${limit}s` }, diff: [], changes: [] }
  }
  await jobFile(ctx.conn, dir, job.jid, 'cleanup')
  const isFailed = status['failed'] === true || status['failed'] === 1
  ps.run.emit({ type: 'async', host, phase: isFailed ? 'failed' : 'ok', jid: job.jid })
  // the executor's defaults on what the job returned
  const data: Record<string, unknown> = { ...status, changed: status['changed'] === true, failed: isFailed }
  const changed = data['changed'] === true
  const outcome = isFailed ? 'failed' : data['skipped'] === true ? 'skipped' : changed ? 'changed' : 'ok'
  return { host, status: outcome, ...delegated, data, diff: [], changes: changed ? [`job ${job.jid} changed the host`] : [] }
}

/** The async folder as the host expanded it, from the job's file path. */
const expanded = (job: StartedJob, dir: string): string => (job.resultsFile.endsWith(`/${job.jid}`) ? job.resultsFile.slice(0, -job.jid.length - 1) : dir)
