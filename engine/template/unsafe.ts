// Which renders read unsafe data (ansible-core's AnsibleContext.unsafe): a template that read a value a host
// sent back, a `!unsafe` value or a lookup's result has an unsafe result, whatever it did with that value
// (`| upper`, `~`, `| to_json`), and what is stored from it is never templated again. The marks themselves
// (UnsafeText, marked lists and dicts) live in yaml/, which makes `!unsafe`.
import { isUnsafe, markUnsafe, UnsafeText } from '../yaml/index.js'

// One flag for the render in progress; renders nest (a variable's template renders inside the template
// reading it), and an inner render that read unsafe data makes the outer one unsafe too.
let tainted = false

/** Note that the render in progress read unsafe data. */
export function noteUnsafe(): void {
  tainted = true
}

/** Start tracking one render; returns what endRender needs to restore the enclosing one. */
export function beginRender(): boolean {
  const outer = tainted
  tainted = false
  return outer
}

/** End tracking a render started by beginRender(`outer`): whether it read unsafe data (the enclosing render inherits it). */
export function endRender(outer: boolean): boolean {
  const inner = tainted
  tainted = outer || inner
  return inner
}

/**
 * The form of a value to store when the render making it read unsafe data: a string boxed, a list or dict
 * copied (one level: the mark covers everything inside) and marked, so the value it was made from stays as it was.
 */
export function storedUnsafe(value: unknown): unknown {
  if (typeof value === 'string') return new UnsafeText(value)
  if (value === null || typeof value !== 'object' || isUnsafe(value)) return value
  return markUnsafe(Array.isArray(value) ? [...value] : { ...value })
}

/** The text of an unsafe string, noting that it was read; anything else as it is. */
export function readUnsafe(value: UnsafeText): string {
  tainted = true
  return value.valueOf()
}
