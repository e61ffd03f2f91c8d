import { pythonRepr } from '../../python/index.js'
import { boolOption, LookupError, type LookupContext, type LookupPlugin } from './context.js'
import { findFile, pyJoin } from './search.js'

/** Templates a first_found candidate; undefined when it refers to an undefined variable (the candidate is skipped). */
export type RenderCandidate = (text: string) => string | undefined

// ansible splits file lists on `,` and `;`, path lists also on `:`.
function splitOn(value: unknown, separators: RegExp): string[] {
  if (typeof value === 'string') return value.split(separators)
  if (Array.isArray(value)) return value.flatMap((v) => splitOn(v, separators))
  if (value === null || value === undefined) return []
  return [String(value)]
}

interface Search {
  candidates: string[]
  skip: boolean
}

// A dict term sets files/paths/skip for itself; a string term takes the lookup's keyword options, as ansible's set_options does.
function collect(terms: readonly unknown[], options: Record<string, unknown>, into: Search): void {
  for (const term of terms) {
    let settings: Record<string, unknown>
    if (term !== null && typeof term === 'object' && !Array.isArray(term)) settings = term as Record<string, unknown>
    else if (typeof term === 'string') settings = options
    else if (Array.isArray(term)) {
      collect(term, options, into)
      continue
    } else throw new LookupError(`Invalid term supplied, can handle string, mapping or list of strings but got: ${pythonRepr(term)}`)
    const files = splitOn(settings['files'] ?? [], /[,;]/)
    const paths = splitOn(settings['paths'] ?? [], /[,:;]/)
    into.skip = settings['skip'] === undefined ? false : boolOption(settings['skip'], 'first_found: skip')
    if (paths.length > 0) for (const path of paths) for (const file of files) into.candidates.push(pyJoin(path, file))
    // ansible replaces (not extends) the list here: a later string term's `files=` wins over earlier terms
    else if (files.length > 0) into.candidates = files
    else if (typeof term === 'string') into.candidates.push(term)
  }
}

/**
 * `first_found`: the path of the first candidate that exists, looked up in the task's search path under
 * `ctx.subdir` (`files/` for lookups; `with_first_found` picks `templates/`, `vars/` or `files/` from the action).
 */
export function firstFound(render: RenderCandidate): LookupPlugin {
  return (terms, options, ctx: LookupContext) => {
    const search: Search = { candidates: [], skip: false }
    collect(terms, options, search)
    for (const candidate of search.candidates) {
      const name = render(candidate)
      if (name === undefined) continue
      const path = findFile(ctx, ctx.subdir, name)
      if (path !== undefined) return [path]
    }
    if (search.skip) return []
    throw new LookupError('No file was found when using first_found.')
  }
}
