import type { Task } from '../load/index.js'
import { failed } from './exec.js'
import type { TaskResult } from './result.js'
import type { PlayState } from './state.js'
import { keyword } from './vars.js'
import { renderValue, type Vars } from '../template/index.js'

/** The action as the task wrote it (ansible's message names `ansible.builtin.command` so); known only when unnamed. */
const writtenAction = (task: Task): string => (task.name.endsWith(`.${task.action}`) && /^[\w.]+$/.test(task.name) ? task.name : task.action)

/** The task's `timeout` keyword in seconds, else the run's (ansible.cfg `task_timeout`); 0: none. */
export function taskTimeout(ps: PlayState, task: Task, vars: Vars): number {
  const own = keyword(task, 'timeout')
  const seconds = own === undefined || own === null ? ps.run.options.taskTimeout ?? 0 : Number(renderValue(own, vars, task.location))
  return Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0
}

/**
 * One attempt of a task, given `seconds` at most (none when 0): past that, its commands are killed through the
 * signal its connection was given and the task fails with ansible-core's message; other hosts go on.
 */
export async function withTimeout(task: Task, host: string, seconds: number, run: (signal?: AbortSignal) => Promise<TaskResult>): Promise<TaskResult> {
  if (seconds <= 0) return run()
  const controller = new AbortController()
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<TaskResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort()
      resolve(failed(host, `The ${writtenAction(task)} action failed to execute in the expected time frame (${seconds}) and was terminated`))
    }, seconds * 1000)
  })
  const attempt = run(controller.signal)
  // the attempt's own failure once its commands were killed is not reported: the timeout is
  attempt.catch(() => undefined)
  try {
    return await Promise.race([attempt, expired])
  } finally {
    clearTimeout(timer)
  }
}
