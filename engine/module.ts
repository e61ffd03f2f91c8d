import type { z } from 'zod'
import type { Command, Connection } from './connection/index.js'
import { CommandError, ModuleError } from './errors.js'
import type { TemplateFileOptions } from './template/index.js'

/** One thing a module will do. `summary` is imperative ("set net.ipv4.ip_forward 0 → 1"); the reporter adds "would". */
export interface Change {
  readonly kind: string
  readonly summary: string
}

/** Before and after of one file (or one state) for --diff; headers name the sides as Ansible does. */
export interface Diff {
  readonly before: string
  readonly after: string
  readonly beforeHeader?: string
  readonly afterHeader?: string
  /** A diff the module wrote out itself (Ansible's `prepared`, e.g. unarchive's itemised list for a zip), printed as it is. */
  readonly prepared?: string
}

export interface Plan<C extends Change = Change> {
  /** Empty means the host is already in the desired state. */
  readonly changes: readonly C[]
  readonly diff?: readonly Diff[]
  /** Values returned to `register` whether or not anything changes (e.g. `stat`, `path`, `msg`). */
  readonly values?: Readonly<Record<string, unknown>>
  /**
   * For modules whose effect cannot be predicted (command/shell without creates/removes): in check mode
   * the task is reported skipped with this message instead of changed, exactly as ansible-core does.
   */
  readonly checkSkip?: string
  /** Nothing runs and the task is reported skipped with this message, in any mode (`script` whose `creates` exists). */
  readonly skip?: string
}

/** The controller side a module may use: files beside the playbook/role, and the template engine. */
export interface Controller {
  /** Absolute path of a controller file for `src:` (kind `files` or `templates`); throws ModuleError when missing. */
  findFile(kind: 'files' | 'templates', name: string): string
  /**
   * Render template text with the task's variables (Jinja2 semantics, as the `template` module); `options` are its
   * environment arguments, `extra` variables over the task's (template_host and the like).
   */
  render(text: string, origin: string, options?: TemplateFileOptions, extra?: Readonly<Record<string, unknown>>): string
  /** Evaluate a bare expression (`var:` of debug, `that:` of assert) with the task's variables. */
  evaluate(expression: string): unknown
}

export interface ModuleContext {
  /** The host's connection, with the task's become and environment applied (the delegate's, with delegate_to). */
  readonly conn: Connection
  readonly check: boolean
  readonly diff: boolean
  /** Inventory name of the host the task runs for. */
  readonly host: string
  /** The host's variables for this task (facts included), already templated on access. */
  readonly vars: Readonly<Record<string, unknown>>
  readonly controller: Controller
  /** Drop and reopen the host's connection (reboot, wait_for_connection); returns the new one. */
  reconnect(options?: { readonly timeoutMs?: number }): Promise<Connection>
  /** Verbose-only detail for the reporter (shown with -v). */
  log(message: string): void
}

/** What an async job runs on the host: the command line, `cmd` as its result shows it, its input, output trimming. */
export interface AsyncCommand {
  readonly line: Command
  readonly cmd: unknown
  readonly stdin?: string | undefined
  readonly stripEmptyEnds: boolean
}

/** A schema and three steps: `gather` only reads, `plan` is pure, `apply` does exactly the plan. */
export interface ModuleDef<S extends z.ZodTypeAny, State, C extends Change> {
  readonly name: string
  /** The zod schema of the arguments; `.strict()` so a misspelt key is an error. It is also the documentation. */
  readonly args: S
  /** One-line description for `tsplay doc`. */
  readonly description: string
  /** A YAML example for `tsplay doc`. */
  readonly example: string
  /** Argument that takes the free-form text in `command: ls -l chdir=/tmp` style (Ansible's `_raw_params`). */
  readonly freeForm?: string
  /**
   * A loop may gather all its items before the first runs (one round trip): gather reads only the host, and
   * running the module changes nothing later items' arguments depend on (no variables, no inventory).
   */
  readonly gathersAhead?: boolean
  /**
   * Gather the states of several items of a loop that gathers ahead with one command where `gather` would take one
   * per item: same host, same connection settings (the first item's context stands for all). One state per item,
   * in order; like gather, it only reads.
   */
  /**
   * For `async`: the work of a run, once planned, as one command the host can run detached from the connection
   * (command, shell); modules without it run as a job tsplay drives over the connection.
   */
  asyncCommand?(ctx: ModuleContext, args: z.output<S>): AsyncCommand
  gatherMany?(ctx: ModuleContext, args: ReadonlyArray<z.output<S>>): Promise<State[]>
  gather(ctx: ModuleContext, args: z.output<S>): Promise<State>
  plan(args: z.output<S>, state: State, ctx: ModuleContext): Plan<C>
  /**
   * Perform exactly `plan.changes`; may return values for `register` (e.g. rc, stdout). Returning `changed: false`
   * reports ok instead: only for an effect no read can predict and Ansible judges afterwards (apt's update_cache).
   */
  apply(ctx: ModuleContext, plan: Plan<C>, args: z.output<S>): Promise<Readonly<Record<string, unknown>> | void>
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = ModuleDef<z.ZodTypeAny, any, Change>

/** Exists for inference only: module authors never spell out the generic arguments. */
export const defineModule = <S extends z.ZodTypeAny, State, C extends Change>(def: ModuleDef<S, State, C>): ModuleDef<S, State, C> => def

/** What one module run did; `values` become the registered result next to `changed`/`failed`/`msg`. */
export interface ModuleOutcome {
  readonly status: 'ok' | 'changed' | 'skipped' | 'failed'
  readonly changed: boolean
  /** Summaries of the planned changes (done, or in check mode, would be done). */
  readonly changes: readonly string[]
  readonly diff: readonly Diff[]
  readonly msg?: string
  readonly values: Readonly<Record<string, unknown>>
}

/**
 * The only code that knows check mode: gather, plan, and apply only when something is planned and this is
 * not a check run. A ModuleError or CommandError becomes a failed outcome; a ConnectionError propagates
 * (the host is unreachable); anything else is a bug and propagates too. `gathered`, when given, is the state a
 * startGather begun earlier for the same arguments and context.
 */
export async function runModule<S extends z.ZodTypeAny, State, C extends Change>(
  mod: ModuleDef<S, State, C>,
  ctx: ModuleContext,
  args: z.output<S>,
  gathered?: Promise<State>,
): Promise<ModuleOutcome> {
  let plan: Plan<C> | undefined
  try {
    plan = mod.plan(args, await (gathered ?? startGather(mod, ctx, args)), ctx)
    const changes = plan.changes.map((c) => c.summary)
    const diff = plan.diff ?? []
    if (plan.skip !== undefined) return { ...outcome('skipped', false, [], [], plan.values ?? {}), ...(plan.skip ? { msg: plan.skip } : {}) }
    if (changes.length === 0) return outcome('ok', false, [], diff, plan.values ?? {})
    if (ctx.check) {
      if (plan.checkSkip !== undefined) return { ...outcome('skipped', false, changes, [], plan.values ?? {}), ...(plan.checkSkip ? { msg: plan.checkSkip } : {}) }
      return outcome('changed', true, changes, diff, plan.values ?? {})
    }
    const applied = await mod.apply(ctx, plan, args)
    if (applied?.changed === false) {
      const { changed: _changed, ...values } = applied
      return outcome('ok', false, [], [], { ...plan.values, ...values })
    }
    return outcome('changed', true, changes, diff, { ...plan.values, ...applied })
  } catch (error) {
    if (error instanceof ModuleError) {
      // A failed apply changed the host unless the module knows it did not (e.g. the program was never started).
      const applied = plan !== undefined && plan.changes.length > 0 && !ctx.check
      const changed = typeof error.values['changed'] === 'boolean' ? error.values['changed'] : applied
      return { ...outcome('failed', changed, [], [], error.values), msg: error.message }
    }
    if (error instanceof CommandError) {
      const { exitCode, stdout, stderr } = error.result
      return { ...outcome('failed', false, [], [], { rc: exitCode, stdout, stderr }), msg: error.message }
    }
    throw error
  }
}

/**
 * Start a module's gather step on a read-only view of the host, whose reads may share a round trip with
 * others issued at the same time (see Coalescer). Started early, it stands in for runModule's own gather.
 * Loop items given the same `reads` view may also share what they read (probeFiles merges their probes).
 */
export function startGather<S extends z.ZodTypeAny, State, C extends Change>(mod: ModuleDef<S, State, C>, ctx: ModuleContext, args: z.output<S>, reads = ctx.conn.with({ reads: true })): Promise<State> {
  return mod.gather({ ...ctx, conn: reads }, args)
}

/** startGather for several items at once (ModuleDef.gatherMany), on the first item's context. */
export function startGatherMany<S extends z.ZodTypeAny, State, C extends Change>(mod: ModuleDef<S, State, C>, ctx: ModuleContext, args: ReadonlyArray<z.output<S>>): Promise<State[]> {
  return mod.gatherMany!({ ...ctx, conn: ctx.conn.with({ reads: true }) }, args)
}

function outcome(status: ModuleOutcome['status'], changed: boolean, changes: readonly string[], diff: readonly Diff[], values: Readonly<Record<string, unknown>>): ModuleOutcome {
  return { status, changed, changes, diff, values }
}
