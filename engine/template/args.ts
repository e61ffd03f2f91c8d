import { TemplateError } from '../errors.js'

/** Positional and keyword arguments of a template call, as nunjucks passes them (keywords last, marked). */
export interface CallArgs {
  readonly positional: unknown[]
  readonly keywords: Record<string, unknown>
}

/** Split nunjucks' argument list into positional and keyword arguments. */
export function splitArgs(args: readonly unknown[]): CallArgs {
  const last = args[args.length - 1]
  if (last !== null && typeof last === 'object' && (last as { __keywords?: unknown }).__keywords === true) {
    const { __keywords: _, ...keywords } = last as Record<string, unknown>
    return { positional: args.slice(0, -1), keywords }
  }
  return { positional: [...args], keywords: {} }
}

/** Python-style parameter binding: `names[i]` is filled from position i or from the keyword of that name. */
export function bindArgs(what: string, args: readonly unknown[], names: readonly string[]): unknown[] {
  const { positional, keywords } = splitArgs(args)
  if (positional.length > names.length) throw new TemplateError(`${what}: takes at most ${names.length} arguments (${positional.length} given)`)
  const bound = names.map((name, i) => (i < positional.length ? positional[i] : keywords[name]))
  for (const key of Object.keys(keywords)) {
    if (!names.includes(key)) throw new TemplateError(`${what}: unexpected keyword argument '${key}'`)
  }
  return bound
}
