import { formatLocation, PlaybookError, TemplateError, TsplayError } from '../errors.js'
import type { Task } from '../load/index.js'
import { isUndefinedError, isUnsafe, loopLookup, loopSubdir, markUnsafe, pythonRepr, renderStored, renderValue, storedUnsafe, type LookupContext, type Vars } from '../template/index.js'

/** True when the task loops (`loop:` or `with_*`). */
export const loopKey = (task: Task): string | undefined => (task.keywords['loop'] !== undefined ? 'loop' : Object.keys(task.keywords).find((k) => k.startsWith('with_')))

/** The items of a task's loop, rendered with the host's variables; `with_*` forms run the lookup of that name. */
export function loopItems(task: Task, vars: Vars): unknown[] {
  const key = loopKey(task)!
  const raw = task.keywords[key]
  if (key === 'loop') {
    const value = renderStored(raw, vars, task.location)
    if (value === null || value === undefined) return []
    if (!Array.isArray(value)) throw new TemplateError(`loop: expected a list, got ${pythonRepr(value)}`)
    // items made from unsafe data (a registered result, facts, a lookup) stay unsafe: see loopVars
    return isUnsafe(value) ? markUnsafe(value) : value
  }
  const name = key.slice('with_'.length)
  // first_found passes over candidates that name undefined variables instead of failing, as ansible's loop does
  const value = name === 'first_found' ? renderLenient(raw, vars, task) : renderValue(raw, vars, task.location)
  const ctx: LookupContext = {
    variable: (n) => vars[n],
    variableNames: () => Object.keys(vars),
    vars: () => vars,
    subdir: loopSubdir(task.action),
  }
  try {
    return loopLookup(name, value, ctx)
  } catch (error) {
    if (error instanceof TsplayError && !(error instanceof PlaybookError)) throw new TemplateError(`${formatLocation(task.location)}: ${key}: ${error.message}`, { cause: error })
    throw error
  }
}

// Each term rendered on its own; one that refers to an undefined variable is left out (a mapping as a whole).
function renderLenient(raw: unknown, vars: Vars, task: Task): unknown {
  const one = (v: unknown): unknown[] => {
    try {
      return [renderValue(v, vars, task.location)]
    } catch (error) {
      if (isUndefinedError(error)) return []
      throw error
    }
  }
  if (Array.isArray(raw)) return raw.flatMap(one)
  const rendered = one(raw)
  return rendered.length === 0 ? [] : rendered[0]
}

/** The loop settings of a task (`loop_control`), with Ansible's defaults. */
export interface LoopControl {
  readonly loopVar: string
  readonly indexVar?: string
  readonly label?: unknown
  readonly pauseSeconds: number
  readonly extended: boolean
}

/** Read `loop_control`. */
export function loopControl(task: Task): LoopControl {
  const lc = (task.keywords['loop_control'] ?? {}) as Record<string, unknown>
  return {
    loopVar: typeof lc['loop_var'] === 'string' ? lc['loop_var'] : 'item',
    ...(typeof lc['index_var'] === 'string' ? { indexVar: lc['index_var'] } : {}),
    ...(lc['label'] !== undefined ? { label: lc['label'] } : {}),
    pauseSeconds: Number(lc['pause'] ?? 0),
    extended: lc['extended'] === true,
  }
}

/** The variables a loop adds for item `index` of `items`. */
export function loopVars(lc: LoopControl, items: readonly unknown[], index: number): Vars {
  // an item of a list marked unsafe is itself stored unsafe (boxed or marked), so it is not templated when read
  const item = isUnsafe(items) ? (i: number): unknown => (i >= 0 && i < items.length ? storedUnsafe(items[i]) : undefined) : (i: number): unknown => items[i]
  const vars: Vars = { [lc.loopVar]: item(index), ansible_loop_var: lc.loopVar }
  if (lc.indexVar !== undefined) {
    vars[lc.indexVar] = index
    vars['ansible_index_var'] = lc.indexVar
  }
  if (lc.extended) {
    vars['ansible_loop'] = {
      allitems: items,
      index: index + 1,
      index0: index,
      revindex: items.length - index,
      revindex0: items.length - index - 1,
      first: index === 0,
      last: index === items.length - 1,
      length: items.length,
      previtem: index > 0 ? item(index - 1) : undefined,
      nextitem: index < items.length - 1 ? item(index + 1) : undefined,
    }
  }
  return vars
}

/** The label shown as `(item=…)`: `loop_control.label` rendered, or the item as Python prints it. */
export function itemLabel(lc: LoopControl, item: unknown, vars: Vars): string {
  const value = lc.label !== undefined ? renderValue(lc.label, vars) : item
  return typeof value === 'string' ? value : pythonRepr(value)
}
