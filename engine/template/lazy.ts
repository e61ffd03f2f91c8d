import { TemplateError } from '../errors.js'
import { explainedError, explanation } from './errors.js'
import { isTemplated, type Vars } from './marks.js'
import { isLazy } from './undefined.js'
import { beginRender, endRender, noteUnsafe, readUnsafe } from './unsafe.js'
import { isUnsafe, UnsafeText } from '../yaml/index.js'

/** Renders one variable's template against the view's root (template.ts's renderValue). */
export type Render = (text: string, vars: Vars) => unknown

// Whether a dict/list holds a template anywhere, remembered per object: the hot path reads the same
// (untemplated) objects thousands of times per run.
const templatedObjects = new WeakMap<object, boolean>()

function holdsTemplate(value: object): boolean {
  let known = templatedObjects.get(value)
  if (known === undefined) {
    known = isTemplated(value)
    templatedObjects.set(value, known)
  }
  return known
}

interface View {
  readonly root: Vars
  readonly render: Render
  readonly nested: WeakMap<object, object>
}

// Variables being rendered right now, across all views: one host's variable may read another's
// through hostvars, and a cycle may close through either.
const resolving: { readonly view: View; readonly name: string }[] = []

function resolveString(view: View, name: string, text: string): unknown {
  const start = resolving.findIndex((r) => r.view === view && r.name === name)
  if (start >= 0) {
    const chain = [...resolving.slice(start).map((r) => r.name), name].join(' -> ')
    throw new TemplateError(`recursive loop detected in template: variable '${name}' refers to itself (${chain})`)
  }
  resolving.push({ view, name })
  try {
    return view.render(text, view.root)
  } catch (error) {
    // Name the innermost variable whose template failed; the outer render adds the task's location.
    const known = explanation(error)
    if (known && !known.located && !(error as Error).message.startsWith('variable ')) throw explainedError(`variable '${name}': ${(error as Error).message}`, false, error)
    throw error
  } finally {
    resolving.pop()
  }
}

function lazyChild(view: View, name: string, raw: unknown): unknown {
  if (typeof raw === 'string') return raw.includes('{') && isTemplated(raw) ? resolveString(view, name, raw) : raw
  if (raw === null || typeof raw !== 'object' || isLazy(raw) || !holdsTemplate(raw)) return raw
  // Unsafe data is handed on as it is, never rendered; reading it makes the reading template's result unsafe.
  if (raw instanceof UnsafeText) return readUnsafe(raw)
  if (isUnsafe(raw)) {
    noteUnsafe()
    return raw
  }
  let child = view.nested.get(raw)
  if (!child) {
    child = makeProxy(view, raw as Record<string | symbol, unknown>, name)
    view.nested.set(raw, child)
    nestedViews.add(child)
  }
  return child
}

// Views of a list or dict inside a variable (not the root views, which stand for a host's variables).
const nestedViews = new WeakSet<object>()

/**
 * The value with every nested view inside it replaced by plain, fully rendered lists and dicts, as
 * Ansible hands a templated value on (so results and module arguments hold data, not views).
 * Root views (a host's variables, hostvars) stay views.
 */
export function materialize(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value
  if (nestedViews.has(value)) {
    if (Array.isArray(value)) return Array.from({ length: value.length }, (_, i) => materialize(value[i]))
    return Object.fromEntries(Object.keys(value).map((k) => [k, materialize((value as Record<string, unknown>)[k])]))
  }
  if (isLazy(value)) return value
  if (Array.isArray(value)) {
    const items = value.map(materialize)
    return items.every((x, i) => x === value[i]) ? value : items
  }
  const entries = Object.entries(value)
  const changed = entries.map(([k, v]) => [k, materialize(v)] as const)
  return changed.every(([, v], i) => v === entries[i]![1]) ? value : Object.fromEntries(changed)
}

// The variables behind each root view, for rawVariable.
const roots = new WeakMap<object, Vars>()

/** The value of `name` in `vars` as stored, not rendered: a view's own variable before its template runs. */
export function rawVariable(vars: Vars, name: string): unknown {
  return (roots.get(vars) ?? vars)[name]
}

function makeProxy(view: View, target: Record<string | symbol, unknown>, path: string): object {
  const resolved = new Map<string, unknown>()
  // Keys whose value is unsafe or was rendered from unsafe data: reading them again, from the cache, still counts.
  let unsafeKeys: Set<string> | undefined
  return new Proxy(target, {
    get(obj, key, receiver) {
      if (typeof key !== 'string') return Reflect.get(obj, key, receiver)
      const raw = obj[key]
      if (raw === undefined || raw === null || (typeof raw !== 'object' && (typeof raw !== 'string' || !raw.includes('{')))) return raw
      if (resolved.has(key)) {
        if (unsafeKeys?.has(key)) noteUnsafe()
        return resolved.get(key)
      }
      if (Array.isArray(obj) && !/^\d+$/.test(key)) return raw
      const name = path === '' ? key : Array.isArray(obj) ? `${path}[${key}]` : `${path}.${key}`
      const outer = beginRender()
      let value: unknown
      try {
        value = lazyChild(view, name, raw)
      } finally {
        if (endRender(outer)) (unsafeKeys ??= new Set()).add(key)
      }
      resolved.set(key, value)
      return value
    },
  })
}

/** A view of `vars` whose string values are rendered with `render` when read, recursively (template.ts's lazyVars). */
export function lazyView(vars: Vars, render: Render): Vars {
  const view: { root: Vars; render: Render; nested: WeakMap<object, object> } = { root: vars, render, nested: new WeakMap() }
  view.root = makeProxy(view, vars, '') as Vars
  roots.set(view.root, vars)
  return view.root
}
