import { types } from 'node:util'

/**
 * Jinja2's Undefined as Ansible uses it: a value that may be tested (`is defined`), defaulted
 * (`| default`) or looked into (`a.b.c` stays undefined), but fails loudly when printed, iterated,
 * compared or called.
 */
export class Undefined {
  constructor(
    /** Why the value is missing, in Ansible's words: `'foo' is undefined`. */
    readonly reason: string,
  ) {}
}

/** Thrown where a template uses an undefined value; template.ts adds the location and the template text. */
export class UndefinedUse extends Error {
  override readonly name: string = 'UndefinedUse'
}

/** The Undefined for a missing variable name. */
export const undefinedName = (name: string): Undefined => new Undefined(`'${name}' is undefined`)

/** True for Jinja2 undefined (and for JavaScript undefined, which templates never see on purpose). */
export const isUndefined = (value: unknown): value is Undefined | undefined => value === undefined || value instanceof Undefined

/** Fail with the reason of an undefined value; returns the value unchanged when defined. */
export function strict<T>(value: T | Undefined): T {
  if (value instanceof Undefined) throw new UndefinedUse(value.reason)
  if (value === undefined) throw new UndefinedUse('value is undefined')
  return value
}

/**
 * True for a Proxy: a lazyVars view, or a view the engine builds (hostvars). Such a view renders its
 * own values when read, so it is never walked: walking would render (or compute) every variable.
 */
export const isLazy = (value: object): boolean => types.isProxy(value)

/** Python's `key in dict`: own keys only (never `constructor`); a view answers through its `has` trap. */
export const hasKey = (dict: object, key: string): boolean => (isLazy(dict) ? key in dict : Object.prototype.hasOwnProperty.call(dict, key))

/**
 * Fail if an undefined value hides inside a list or dict that is about to be printed or returned:
 * Jinja2 lets `[x]` exist, but not be shown. Lazy views are skipped (their values are rendered on read).
 */
export function deepStrict<T>(value: T): T {
  if (value instanceof Undefined) throw new UndefinedUse(value.reason)
  if (value === null || typeof value !== 'object' || isLazy(value)) return value
  for (const item of Array.isArray(value) ? value : Object.values(value)) deepStrict(item)
  return value
}

/** Undefined member of a defined container, with Jinja2's message for that container. */
export function missingMember(container: unknown, key: unknown): Undefined {
  if (container === null) return new Undefined(`'None' has no attribute '${String(key)}'`)
  if (Array.isArray(container)) return new Undefined(typeof key === 'number' ? 'list object has no element ' + key : `'list object' has no attribute '${String(key)}'`)
  if (typeof container === 'string') return new Undefined(`'str object' has no attribute '${String(key)}'`)
  if (typeof container === 'object') return new Undefined(`'dict object' has no attribute '${String(key)}'`)
  return new Undefined(`'${typeof container === 'number' ? 'int' : typeof container} object' has no attribute '${String(key)}'`)
}
