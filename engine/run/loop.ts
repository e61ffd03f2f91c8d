import { TemplateError } from '../errors.js'
import type { Task } from '../load/index.js'
import { isUnsafe, markUnsafe, pythonRepr, renderStored, renderValue, storedUnsafe, type Vars } from '../template/index.js'

/** True when the task loops (`loop:` or `with_*`). */
export const loopKey = (task: Task): string | undefined => (task.keywords['loop'] !== undefined ? 'loop' : Object.keys(task.keywords).find((k) => k.startsWith('with_')))

/** The items of a task's loop, rendered with the host's variables; `with_*` forms are turned into lists as Ansible's lookups do. */
export function loopItems(task: Task, vars: Vars): unknown[] {
  const key = loopKey(task)!
  const raw = task.keywords[key]
  const value = renderStored(raw, vars, task.location)
  const items = listItems(key, value)
  // Items made from unsafe data (a registered result, facts, a lookup) stay unsafe: see loopVars.
  return isUnsafe(value) ? markUnsafe(items) : items
}

function listItems(key: string, value: unknown): unknown[] {
  const list = (v: unknown): unknown[] => {
    if (Array.isArray(v)) return v
    if (v === null || v === undefined) return []
    if (typeof v === 'string' && key !== 'loop') return [v]
    throw new TemplateError(`${key}: expected a list, got ${pythonRepr(v)}`)
  }
  switch (key) {
    case 'loop':
    case 'with_list':
      return list(value)
    case 'with_items':
    case 'with_flattened':
      return list(value).flatMap((v) => (Array.isArray(v) ? (key === 'with_items' ? v : flatten(v)) : [v]))
    case 'with_dict':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TemplateError(`with_dict: expected a mapping, got ${pythonRepr(value)}`)
      return Object.entries(value).map(([k, v]) => ({ key: k, value: v }))
    case 'with_indexed_items':
      return list(value).map((v, i) => [i, v])
    case 'with_together': {
      const lists = list(value).map(list)
      const n = Math.max(0, ...lists.map((l) => l.length))
      return Array.from({ length: n }, (_, i) => lists.map((l) => l[i] ?? null))
    }
    case 'with_nested':
      return list(value).map(list).reduce<unknown[][]>((acc, l) => acc.flatMap((a) => l.map((x) => [...a, x])), [[]])
    case 'with_sequence':
      return sequence(String(value))
    case 'with_subelements': {
      const [outer, key, flags] = list(value)
      const skipMissing = typeof flags === 'object' && flags !== null && (flags as Record<string, unknown>)['skip_missing'] === true
      return list(outer).flatMap((o) => {
        const sub = typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[String(key)] : undefined
        if (sub === undefined && !skipMissing) throw new TemplateError(`with_subelements: could not find '${String(key)}' key in iterated item ${pythonRepr(o)}`)
        // Ansible's subelements lookup drops the subelement key from the outer item
        const rest = Object.fromEntries(Object.entries(o as Record<string, unknown>).filter(([k]) => k !== String(key)))
        return list(sub).map((x) => [rest, x])
      })
    }
    default:
      throw new TemplateError(`${key} is not supported`)
  }
}

const flatten = (v: unknown[]): unknown[] => v.flatMap((x) => (Array.isArray(x) ? flatten(x) : [x]))

function sequence(spec: string): string[] {
  const kv = Object.fromEntries(spec.split(/[\s,]+/).filter((w) => w.includes('=')).map((w) => w.split('=', 2) as [string, string]))
  const short = /^(\d+)-(\d+)(?:\/(\d+))?$/.exec(spec.trim())
  const start = Number(short?.[1] ?? kv['start'] ?? 1)
  const end = Number(short?.[2] ?? kv['end'] ?? (kv['count'] !== undefined ? start + Number(kv['count']) - 1 : start))
  const stride = Number(short?.[3] ?? kv['stride'] ?? 1)
  const format = kv['format'] ?? '%d'
  const out: string[] = []
  for (let i = start; stride > 0 ? i <= end : i >= end; i += stride) out.push(format.replace(/%(0?\d*)d/, (_m, w: string) => String(i).padStart(Number(w) || 0, w.startsWith('0') ? '0' : ' ')))
  return out
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
  return typeof value === 'string' || value instanceof String ? value.valueOf() : pythonRepr(value)
}
