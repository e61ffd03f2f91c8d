import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, normalize, resolve } from 'node:path'
import type { LookupContext } from './context.js'

/** Python's os.path.join for two parts: no normalising, an absolute second part wins. */
export const pyJoin = (...parts: string[]): string => parts.reduce((a, b) => (b.startsWith('/') || a === '' ? b : a.endsWith('/') ? a + b : `${a}/${b}`))

/** ansible's unfrackpath: `~` expanded, made absolute against the working directory, normalised. */
export function unfrackPath(path: string): string {
  const expanded = path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path
  return normalize(resolve(expanded)).replace(/(.)\/$/, '$1')
}

/** The loader's base directory: the playbook's, else the working directory (ad-hoc). */
export function baseDir(ctx: LookupContext): string {
  const dir = ctx.variable('playbook_dir')
  return typeof dir === 'string' && dir !== '' ? dir : process.cwd()
}

/** The task's search path: `ansible_search_path` (roles innermost first, the task's folder, the playbook's), else role or base dir. */
export function searchPath(ctx: LookupContext): string[] {
  const stack = ctx.variable('ansible_search_path')
  if (Array.isArray(stack)) return stack.map(String)
  const role = ctx.variable('role_path')
  return [typeof role === 'string' && role !== '' ? role : baseDir(ctx)]
}

// ansible's imperfect role test: a `tasks` folder holding main.yml, or a folder whose own or parent's tasks/ or meta/ has one
function isRole(path: string): boolean {
  const up = unfrackPath(path)
  const mains = (dir: string, sub: string): string[] => ['main.yml', 'main.yaml', 'main'].map((m) => pyJoin(dir, sub, m))
  const untasked = ['main.yml', 'main.yaml', 'main'].map((m) => pyJoin(path, m))
  const tasked = [...mains(up, 'tasks'), ...mains(up, 'meta'), ...mains(dirname(path), 'tasks'), ...mains(dirname(path), 'meta')]
  return (/(?:^|\/)+tasks\/?$/.test(path) && untasked.some((c) => existsSync(c))) || tasked.some((c) => existsSync(c))
}

/** The places ansible's path_dwim_relative_stack tries for `source`, in order. */
export function searchCandidates(paths: readonly string[], subdir: string, source: string, base: string): string[] {
  const search: string[] = []
  for (const path of paths) {
    const upath = unfrackPath(path)
    const parent = dirname(upath)
    if (parent.endsWith('/tasks') && isRole(path)) {
      search.push(pyJoin(dirname(parent), subdir, source), pyJoin(parent, source))
    } else {
      // ansible means to skip `subdir` when the source already starts with it, but compares bytes with text: never equal
      search.push(pyJoin(upath, subdir, source), pyJoin(upath, source))
    }
  }
  search.push(pyJoin(base, subdir, source), pyJoin(base, source))
  return search
}

/**
 * ansible's find_file_in_search_path: an absolute or `~` path if it exists, else the first of the search path's
 * `<dir>/<subdir>/<file>` and `<dir>/<file>`, then the base dir's; undefined when none exists.
 */
export function findFile(ctx: LookupContext, subdir: string, source: string): string | undefined {
  if (source.startsWith('/') || source.startsWith('~')) {
    const path = unfrackPath(source)
    return existsSync(path) ? path : undefined
  }
  return searchCandidates(searchPath(ctx), subdir, source, baseDir(ctx)).find((c) => existsSync(c))
}

/** ansible's loader.path_dwim: a path relative to the base dir (password files). */
export function dwim(ctx: LookupContext, path: string): string {
  if (path.startsWith('/') || path.startsWith('~')) return unfrackPath(path)
  return unfrackPath(pyJoin(baseDir(ctx), path))
}
