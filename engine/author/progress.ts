// How `tsplay test` shows its steps: live with listr2 on a terminal (the task running now under the step), one
// plain line per step otherwise; the same summary at the end either way.
import { Listr } from 'listr2'
import type { StepName, StepResult } from './steps.js'

/** Shows each step while it runs; `done` ends the live display. */
export interface StepDisplay {
  show(name: StepName, run: (progress: (text: string) => void) => Promise<StepResult>): Promise<StepResult>
  done(): Promise<void>
}

/** One line for a finished step: `converge     ok      5 tasks, 2 changed (4.1 s)`. */
export function stepLine(r: StepResult): string {
  const time = r.status === 'skipped' ? '' : ` (${r.seconds.toFixed(1)} s)`
  const [first = '', ...more] = r.detail.split('\n')
  const indent = ' '.repeat(21)
  return `${r.name.padEnd(12)} ${r.status.padEnd(7)} ${first}${time}${more.map((l) => `\n${indent}${l}`).join('')}`
}

/** Plain lines, one per step as it ends. */
export function plainDisplay(write: (s: string) => void): StepDisplay {
  return {
    show: async (_name, run) => {
      const result = await run(() => undefined)
      write(`${stepLine(result)}\n`)
      return result
    },
    done: async () => undefined,
  }
}

/** A listr2 list of the steps, each showing the task it runs now; failures are shown again in the summary. */
export function liveDisplay(): StepDisplay {
  let finished: Promise<unknown> = Promise.resolve()
  return {
    show: (name, run) =>
      new Promise<StepResult>((resolve) => {
        const listr = new Listr(
          [{
            title: name,
            task: async (_ctx, task) => {
              const result = await run((text) => void (task.output = text))
              resolve(result)
              task.title = stepLine(result).split('\n')[0]!
              if (result.status === 'skipped') task.skip(task.title)
              if (result.status === 'failed') throw new Error(task.title)
            },
          }],
          { exitOnError: false, registerSignalListeners: false, rendererOptions: { collapseErrors: true, showErrorMessage: false } },
        )
        finished = finished.then(() => listr.run().catch(() => undefined))
      }),
    done: async () => void (await finished),
  }
}
