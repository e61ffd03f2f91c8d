import { builtinModules } from '../modules/index.js'
import { startGather } from './module.js'
import type { Task } from './model.js'
import { prepare, type Prepared } from './runner-exec.js'
import type { PlayState } from './runner-state.js'
import type { Vars } from './template.js'

/**
 * A loop item made ready before the loop runs: its module prepared and its gather started, with the host's write
 * epoch of that moment. All items' reads leave in the same turn, so they share one round trip (Coalescer).
 */
export interface Ahead {
  readonly prepared: Prepared
  readonly gathered: Promise<unknown>
  readonly epoch: number
}

/**
 * Whether a loop may gather its items ahead: the module opts in (its gather reads only the host, and nothing it
 * does changes what later items' arguments render to), there is more than one item, and no pause between them.
 */
export function mayGatherAhead(task: Task, itemCount: number, pauseSeconds: number): boolean {
  return itemCount > 1 && pauseSeconds === 0 && builtinModules[task.action]?.gathersAhead === true
}

/** Prepare each item given vars (those whose `when` holds) and start its gather; one that cannot be prepared is left to its turn. */
export async function gatherAhead(ps: PlayState, task: Task, host: string, itemVars: ReadonlyArray<Vars | undefined>): Promise<Array<Ahead | undefined>> {
  const ahead: Array<Ahead | undefined> = []
  for (const vars of itemVars) {
    const prepared = vars === undefined ? undefined : await prepare(ps, task, host, vars)
    if (prepared === undefined || 'status' in prepared) {
      ahead.push(undefined)
      continue
    }
    const epoch = prepared.ctx.conn.writeEpoch
    const gathered = startGather(prepared.mod, prepared.ctx, prepared.args)
    // an item whose turn finds its state stale never awaits this promise: its failure must not go unhandled
    gathered.catch(() => undefined)
    ahead.push({ prepared, gathered, epoch })
  }
  return ahead
}

/** The state gathered ahead, while nothing but reads has run on the host since; else undefined (gather again). */
export const stillCurrent = (ahead: Ahead): Promise<unknown> | undefined => (ahead.prepared.ctx.conn.writeEpoch === ahead.epoch ? ahead.gathered : undefined)
