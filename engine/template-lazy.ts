import { TemplateError } from './errors.js'
import { isTemplated, renderValue, type Vars } from './template.js'

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

const LAZY = Symbol('tsplay.lazy')

/** True for a view made by lazyVars (or any value inside one). */
export const isLazy = (value: object): boolean => (value as Record<symbol, unknown>)[LAZY] === true

interface View {
  readonly root: Vars
  readonly resolving: string[]
  readonly nested: WeakMap<object, object>
}

function resolveString(view: View, name: string, text: string): unknown {
  if (view.resolving.includes(name)) {
    const chain = [...view.resolving.slice(view.resolving.indexOf(name)), name].join(' -> ')
    throw new TemplateError(`recursive loop detected in template: variable '${name}' refers to itself (${chain})`)
  }
  view.resolving.push(name)
  try {
    return renderValue(text, view.root)
  } finally {
    view.resolving.pop()
  }
}

function lazyChild(view: View, name: string, raw: unknown): unknown {
  if (typeof raw === 'string') return raw.includes('{') && isTemplated(raw) ? resolveString(view, name, raw) : raw
  if (raw === null || typeof raw !== 'object' || isLazy(raw) || !holdsTemplate(raw)) return raw
  let child = view.nested.get(raw)
  if (!child) {
    child = makeProxy(view, raw as Record<string | symbol, unknown>, name)
    view.nested.set(raw, child)
  }
  return child
}

function makeProxy(view: View, target: Record<string | symbol, unknown>, path: string): object {
  const resolved = new Map<string, unknown>()
  return new Proxy(target, {
    get(obj, key, receiver) {
      if (key === LAZY) return true
      if (typeof key !== 'string') return Reflect.get(obj, key, receiver)
      const raw = obj[key]
      if (raw === undefined || raw === null || (typeof raw !== 'object' && (typeof raw !== 'string' || !raw.includes('{')))) return raw
      if (resolved.has(key)) return resolved.get(key)
      if (Array.isArray(obj) && !/^\d+$/.test(key)) return raw
      const name = path === '' ? key : Array.isArray(obj) ? `${path}[${key}]` : `${path}.${key}`
      const value = lazyChild(view, name, raw)
      resolved.set(key, value)
      return value
    },
  })
}

/**
 * A view of `vars` in which every string value is templated when read (Ansible's lazy variables:
 * `a: "{{ b }}"` resolves `b` at use), recursively, with a clear error on a reference cycle.
 */
export function lazyVars(vars: Vars): Vars {
  const view: { root: Vars; resolving: string[]; nested: WeakMap<object, object> } = { root: vars, resolving: [], nested: new WeakMap() }
  view.root = makeProxy(view, vars, '') as Vars
  return view.root
}
