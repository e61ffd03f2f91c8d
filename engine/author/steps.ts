// The steps of `tsplay test`, in Molecule's order: create, converge, idempotence, check, verify, destroy. Each
// step either passes with a one-line summary or fails with the reason; after a failure the remaining steps are
// skipped, except destroy.
import { TsplayError } from '../errors.js'
import type { RunOutcome, TaskOutcome } from './converge.js'

/** Names of the steps, in order. */
export const STEP_NAMES = ['create', 'converge', 'idempotence', 'check', 'verify', 'destroy'] as const
/** One step's name. */
export type StepName = (typeof STEP_NAMES)[number]

/** How a step ended. */
export interface StepResult {
  readonly name: StepName
  readonly status: 'ok' | 'failed' | 'skipped'
  /** The summary, the failure's reason or why the step was skipped. */
  readonly detail: string
  readonly seconds: number
}

/** A step failed; `message` says why, for the report. */
export class StepFailure extends Error {}

/** What a step does: returns its summary, or throws StepFailure; `progress` shows the task running now. */
export type StepBody = (progress: (text: string) => void) => Promise<string>

/** Skipped steps carry why; a step whose body is undefined is skipped with that reason. */
export interface PlannedStep {
  readonly name: StepName
  readonly body: StepBody | { readonly skip: string }
}

const place = (o: TaskOutcome): string => `task '${o.task}'${o.where === undefined ? '' : ` (${o.where})`}`

/** One line per host and task: `task 'x' (file:line:col) on lab11: detail`. */
export function describeOutcomes(outcomes: readonly TaskOutcome[]): string {
  const byTask = new Map<string, { first: TaskOutcome; hosts: string[] }>()
  for (const o of outcomes) {
    const key = `${place(o)}\0${o.detail}`
    const entry = byTask.get(key)
    if (entry) entry.hosts.push(o.host)
    else byTask.set(key, { first: o, hosts: [o.host] })
  }
  return [...byTask.values()].map(({ first, hosts }) => `${place(first)} on ${hosts.join(', ')}: ${first.detail}`).join('\n')
}

/** Fail unless the run ended well; returns the summary `N tasks on H hosts, M changed` (M counts task × host). */
export function requireSuccess(outcome: RunOutcome, what: string): string {
  if (outcome.failed.length > 0) throw new StepFailure(`${what} failed: ${describeOutcomes(outcome.failed)}`)
  if (outcome.exitCode !== 0) throw new StepFailure(`${what} ended with exit code ${outcome.exitCode}`)
  return `${count(outcome.tasks, 'task')} on ${count(outcome.hosts, 'host')}, ${outcome.changed.length} changed`
}

/** `1 task`, `2 tasks`. */
export const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`

/** Fail when a run that must change nothing changed something, naming each task and its place. */
export function requireNoChange(outcome: RunOutcome, what: string): void {
  if (outcome.changed.length > 0) throw new StepFailure(`${what}: ${describeOutcomes(outcome.changed)}`)
}

/** Run the planned steps in order; after a failure only destroy runs. `show` wraps each step for live progress. */
export async function runSteps(steps: readonly PlannedStep[], show: (name: StepName, run: (progress: (text: string) => void) => Promise<StepResult>) => Promise<StepResult>): Promise<StepResult[]> {
  const results: StepResult[] = []
  for (const step of steps) {
    const failedBefore = results.find((r) => r.status === 'failed')
    const body = 'skip' in step.body ? undefined : step.body
    const skip = failedBefore !== undefined && step.name !== 'destroy' ? `${failedBefore.name} failed` : 'skip' in step.body ? step.body.skip : undefined
    results.push(await show(step.name, async (progress) => {
      if (skip !== undefined || body === undefined) return { name: step.name, status: 'skipped', detail: skip ?? '', seconds: 0 }
      const started = Date.now()
      const seconds = (): number => (Date.now() - started) / 1000
      try {
        return { name: step.name, status: 'ok', detail: await body(progress), seconds: seconds() }
      } catch (error) {
        // a bug is reported too, and does not keep destroy from removing the hosts
        const detail = error instanceof StepFailure || error instanceof TsplayError ? error.message : `internal error, please report it\n${(error as Error)?.stack ?? String(error)}`
        return { name: step.name, status: 'failed', detail, seconds: seconds() }
      }
    }))
  }
  return results
}
