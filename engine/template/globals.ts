import { existsSync, readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { TemplateError } from '../errors.js'
import { pythonRepr } from '../python/index.js'
import { splitArgs } from './args.js'
import { Undefined, UndefinedUse } from './undefined.js'

/** What lookups can see of the template's variables (nunjucks calls globals with its context as `this`). */
interface Scope {
  lookup(name: string): unknown
}

/**
 * Where ansible's file lookup finds a relative path: the role's `files/` and the role itself (a task of a role),
 * then the playbook's `files/` and directory; the first that exists, else the path as given (for the error).
 */
function findLookupFile(scope: Scope | undefined, term: string): string {
  if (isAbsolute(term)) return term
  const dirOf = (name: string): string | undefined => {
    const value = scope?.lookup(name)
    return typeof value === 'string' && value !== '' ? value : undefined
  }
  const bases = [dirOf('role_path'), dirOf('playbook_dir')].filter((d): d is string => d !== undefined)
  const candidates = bases.flatMap((base) => [join(base, 'files', term), join(base, term)])
  return candidates.find((candidate) => existsSync(candidate)) ?? term
}

function lookupTerm(scope: Scope | undefined, kind: string, term: unknown, keywords: Record<string, unknown>): unknown[] {
  switch (kind) {
    case 'env':
      return [process.env[String(term)] ?? (keywords.default !== undefined ? keywords.default : '')]
    case 'file': {
      const path = findLookupFile(scope, String(term))
      try {
        return [readFileSync(path, 'utf8').replace(/\n+$/, '')]
      } catch (error) {
        throw new TemplateError(`lookup('file'): could not read ${String(term)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
      }
    }
    case 'vars': {
      const value = scope?.lookup(String(term))
      if (value !== undefined && !(value instanceof Undefined)) return [value]
      if (keywords.default !== undefined) return [keywords.default]
      throw new UndefinedUse(`no variable found with this name: ${String(term)}`)
    }
    case 'dict':
      if (term === null || typeof term !== 'object' || Array.isArray(term)) throw new TemplateError(`lookup('dict'): expected a dict, got ${pythonRepr(term)}`)
      return Object.keys(term).map((key) => ({ key, value: (term as Record<string, unknown>)[key] }))
    case 'items':
    case 'list':
      return Array.isArray(term) ? term : [term]
    default:
      throw new TemplateError(`unknown lookup plugin '${kind}' (tsplay supports env, file, vars, dict, items, list)`)
  }
}

function runLookup(scope: Scope | undefined, kind: unknown, args: unknown[], wantlist: boolean): unknown {
  const { positional, keywords } = splitArgs(args)
  const name = String(kind).replace(/^ansible\.builtin\./, '')
  const values = positional.flatMap((term) => lookupTerm(scope, name, term, keywords))
  if (wantlist || keywords.wantlist === true) return values
  // Ansible joins string results with commas; other results come back as they are.
  if (values.every((v) => typeof v === 'string')) return values.join(',')
  return values.length === 1 ? values[0] : values
}

/** Ansible's `lookup(kind, terms...)`: comma-joined text for several string results unless `wantlist=True`. */
function lookup(this: Scope | undefined, kind: unknown, ...args: unknown[]): unknown {
  return runLookup(this, kind, args, false)
}

/** Ansible's `query(kind, terms...)` (alias `q`): always a list. */
function query(this: Scope | undefined, kind: unknown, ...args: unknown[]): unknown {
  return runLookup(this, kind, args, true)
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
