import { TemplateError } from '../errors.js'
import { splitArgs } from './args.js'
import { runLookup, type LookupContext } from './lookups/index.js'

/** What lookups can see of the template (nunjucks calls globals with its context as `this`). */
interface Scope {
  lookup(name: string): unknown
  getVariables(): Record<string, unknown>
}

function contextOf(scope: Scope | undefined): LookupContext {
  return {
    variable: (name) => scope?.lookup(name),
    variableNames: () => {
      const names: string[] = []
      const vars = scope?.getVariables() ?? {}
      for (const name in vars) names.push(name)
      return names
    },
    vars: () => scope?.getVariables() ?? {},
    subdir: 'files',
  }
}

function callLookup(scope: Scope | undefined, kind: unknown, args: unknown[], wantlist: boolean): unknown {
  const { positional, keywords } = splitArgs(args)
  return runLookup(kind, positional, wantlist ? { ...keywords, wantlist: true } : keywords, contextOf(scope))
}

/** Ansible's `lookup(kind, terms...)`: comma-joined text for several string results unless `wantlist=True`. */
function lookup(this: Scope | undefined, kind: unknown, ...args: unknown[]): unknown {
  return callLookup(this, kind, args, false)
}

/** Ansible's `query(kind, terms...)` (alias `q`): always a list. */
function query(this: Scope | undefined, kind: unknown, ...args: unknown[]): unknown {
  return callLookup(this, kind, args, true)
}

const MAX_RANGE = 100_000

/** Python's `range(stop)` / `range(start, stop[, step])`. */
function range(start: unknown, stop?: unknown, step: unknown = 1): number[] {
  const [from, to] = stop === undefined ? [0, Number(start)] : [Number(start), Number(stop)]
  const by = Number(step)
  if (by === 0) throw new TemplateError('range() arg 3 must not be zero')
  // ansible-core builds any range until memory runs out (V8 aborts the process); Jinja2's sandbox stops at 100,000
  const count = Math.ceil((to - from) / by)
  if (!Number.isFinite(count) || count > MAX_RANGE) throw new TemplateError(`range() of ${Number.isFinite(count) ? count : to} items is more than the ${MAX_RANGE} allowed`)
  const out: number[] = []
  for (let i = from; by > 0 ? i < to : i > to; i += by) out.push(i)
  return out
}

/** Functions callable from templates. */
export const GLOBALS: Record<string, unknown> = {
  lookup,
  query,
  q: query,
  range,
  namespace: (...args: unknown[]) => ({ ...(splitArgs(args).positional[0] as object | undefined), ...splitArgs(args).keywords }),
  __tsplay_setattr__: (target: unknown, name: string, value: unknown) => {
    if (target === null || typeof target !== 'object') throw new TemplateError(`cannot assign attribute '${name}' on a non-namespace object`)
    ;(target as Record<string, unknown>)[name] = value
    return ''
  },
  dict: (...args: unknown[]) => {
    const { positional, keywords } = splitArgs(args)
    const [source] = positional
    const pairs = Array.isArray(source) ? Object.fromEntries(source.map((p) => [String((p as unknown[])[0]), (p as unknown[])[1]])) : (source as object | undefined)
    return { ...pairs, ...keywords }
  },
}
