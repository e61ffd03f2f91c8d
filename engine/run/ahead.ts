import { builtinModules } from '../../modules/index.js'
import type { Connection } from '../connection/index.js'
import { startGather, startGatherMany } from '../module.js'
import type { Task } from '../load/index.js'
import { prepare, type Prepared } from './exec.js'
import type { PlayState } from './state.js'
import type { Vars } from '../template/index.js'

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
  return itemCount > 1 && pauseSeconds === 0 && builtinModules[task.action]?.gathersAhead === true && task.keywords['async'] === undefined
}

/**
 * Prepare each item given vars (those whose `when` holds) and start its gather; one that cannot be prepared is left
 * to its turn. Items on the same connection gather with one command when the module can (ModuleDef.gatherMany).
 */
export async function gatherAhead(ps: PlayState, task: Task, host: string, itemVars: ReadonlyArray<Vars | undefined>): Promise<Array<Ahead | undefined>> {
  const items: Array<Prepared | undefined> = []
  for (const vars of itemVars) {
    const prepared = vars === undefined ? undefined : await prepare(ps, task, host, vars)
    items.push(prepared === undefined || 'status' in prepared ? undefined : prepared)
  }
  const ready = items.filter((p) => p !== undefined)
  const together = gatheredTogether(ready)
  // one read-only view for the items on the first one's connection: their probes of files go as one
  const shared = ready[0]?.ctx.conn.with({ reads: true })
  return items.map((prepared) => {
    if (prepared === undefined) return undefined
    const epoch = prepared.ctx.conn.writeEpoch
    const reads = sameConnection(prepared.ctx.conn, ready[0]!.ctx.conn) ? shared : undefined
    const gathered = together.get(prepared) ?? startGather(prepared.mod, prepared.ctx, prepared.args, reads)
    // an item whose turn finds its state stale never awaits this promise: its failure must not go unhandled
    gathered.catch(() => undefined)
    return { prepared, gathered, epoch }
  })
}

/** The gathers of the items that share the first one's connection, as one gatherMany; empty when the module has none. */
function gatheredTogether(items: readonly Prepared[]): Map<Prepared, Promise<unknown>> {
  const first = items[0]
  if (first?.mod.gatherMany === undefined) return new Map()
  const same = items.filter((p) => sameConnection(p.ctx.conn, first.ctx.conn))
  if (same.length < 2) return new Map()
  const states = startGatherMany(first.mod, first.ctx, same.map((p) => p.args))
  return new Map(same.map((p, i) => [p, states.then((all) => all[i])]))
}

/** Whether two views reach the same host as the same user with the same environment (delegate_to may differ per item). */
const sameConnection = (a: Connection, b: Connection): boolean => a.host === b.host && JSON.stringify([a.become, a.env]) === JSON.stringify([b.become, b.env])

/** The state gathered ahead, while nothing but reads has run on the host since; else undefined (gather again). */
export const stillCurrent = (ahead: Ahead): Promise<unknown> | undefined => (ahead.prepared.ctx.conn.writeEpoch === ahead.epoch ? ahead.gathered : undefined)

/**
 * How many items to gather ahead at a time. In check mode nothing is written, so all of them at once. Otherwise
 * a window that starts at 8, doubles after a window during which nothing was written to the host, and drops to 1
 * after one with a write (a run that changes every item then wastes almost no reads).
 */
export class AheadWindow {
  /** The item the next window starts at, and the one the current window started at. */
  next = 0
  start = 0
  private size: number

  constructor(
    private readonly count: number,
    check: boolean,
  ) {
    this.size = check ? count : 8
  }

  /** Open the next window after `previous` (the current window's items): where it ends. */
  take(previous: ReadonlyArray<Ahead | undefined>): number {
    if (previous.length > 0) this.size = previous.some((a) => a !== undefined && stillCurrent(a) === undefined) ? 1 : this.size * 2
    this.start = this.next
    this.next = Math.min(this.count, this.start + this.size)
    return this.next
  }
}
