// Data that must never be templated again (ansible-core's AnsibleUnsafe): what a managed host sent back
// (registered results, facts) and YAML's `!unsafe`. It lives here, the lowest layer, because the YAML
// loader makes it and the templating layer honours it.

/**
 * A string stored as unsafe: a variable's value, a loop item or a `!unsafe` scalar. A String object, so
 * String(), `instanceof String` and JSON.stringify read its text; templates never see it (the lazy views
 * hand them its text and note that unsafe data was read).
 */
export class UnsafeText extends String {}

// Lists and dicts whose every string, at any depth, is unsafe: marked once, not copied, as a registered
// result can be large and is read often.
const unsafeObjects = new WeakSet<object>()

/** Mark a list or dict as unsafe all the way down (strings stay plain); returns it. */
export function markUnsafe<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof String)) unsafeObjects.add(value)
  return value
}

/** True for an UnsafeText or a list/dict marked unsafe as a whole. */
export function isUnsafe(value: unknown): boolean {
  return value instanceof UnsafeText || (value !== null && typeof value === 'object' && unsafeObjects.has(value))
}

/** The unsafe form of a value to store: strings boxed, lists and dicts marked, other scalars as they are. */
export function toUnsafe(value: unknown): unknown {
  if (typeof value === 'string') return new UnsafeText(value)
  return markUnsafe(value)
}
