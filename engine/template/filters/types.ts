import { TemplateError } from '../../errors.js'

/** A template filter: the piped value, then the call's arguments (keywords last, as nunjucks passes them). */
export type Filter = (this: unknown, value: unknown, ...args: unknown[]) => unknown

// Filled once by filters/index.ts with every filter; filters that call others by name (`map('int')`) read it here
// instead of importing the index that imports them.
const table = new Map<string, Filter>()

/** Make `filters` callable through applyFilter. */
export function registerFilters(filters: Readonly<Record<string, Filter>>): void {
  for (const [name, filter] of Object.entries(filters)) table.set(name, filter)
}

/** Call filter `name` from code (`map('int')`, `select('defined')` use it). */
export function applyFilter(name: string, value: unknown, args: unknown[]): unknown {
  const filter = table.get(name)
  if (!filter) throw new TemplateError(`no filter named '${name}'`)
  return filter.call(undefined, value, ...args)
}
