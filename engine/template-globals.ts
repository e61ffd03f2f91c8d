import { readFileSync } from 'node:fs'
import { TemplateError } from './errors.js'
import { splitArgs } from './template-args.js'

function lookupOne(kind: string, term: unknown, keywords: Record<string, unknown>): unknown {
  switch (kind) {
    case 'env':
      return process.env[String(term)] ?? (keywords.default !== undefined ? keywords.default : '')
    case 'file':
      try {
        return readFileSync(String(term), 'utf8').replace(/\n+$/, '')
      } catch (error) {
        throw new TemplateError(`lookup('file'): could not read ${String(term)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
      }
    case 'vars':
      throw new TemplateError("lookup('vars') is not supported; use the variable directly or hostvars[inventory_hostname][name]")
    default:
      throw new TemplateError(`unknown lookup plugin '${kind}' (tsplay supports env, file, items, list)`)
  }
}

/** Ansible's `lookup(kind, terms...)`: comma-joined text for several terms unless `wantlist=True`. */
function lookup(kind: unknown, ...args: unknown[]): unknown {
  const { positional, keywords } = splitArgs(args)
  const name = String(kind).replace(/^ansible\.builtin\./, '')
  if (name === 'items' || name === 'list') return positional.flat()
  const values = positional.map((term) => lookupOne(name, term, keywords))
  if (keywords.wantlist === true) return values
  return values.length === 1 ? values[0] : values.join(',')
}

/** Ansible's `query(kind, terms...)` (alias `q`): always a list. */
function query(kind: unknown, ...args: unknown[]): unknown {
  const { positional, keywords } = splitArgs(args)
  return lookup(kind, ...positional, { ...keywords, wantlist: true, __keywords: true })
}

/** Python's `range(stop)` / `range(start, stop[, step])`. */
function range(start: unknown, stop?: unknown, step: unknown = 1): number[] {
  const [from, to] = stop === undefined ? [0, Number(start)] : [Number(start), Number(stop)]
  const by = Number(step)
  if (by === 0) throw new TemplateError('range() arg 3 must not be zero')
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
