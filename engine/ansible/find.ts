// Where ansible-playbook would find a module tsplay has no native version of: the `library/` folders beside the
// playbook and in its roles, the configured library paths, installed collections, and ansible-core's own modules.
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { controllerPython } from '../python/index.js'

/** A module file found for a task, and the name ansible would give it. */
export interface AnsibleModuleRef {
  /** The name as ansible passes it to the module (`community.general.ini_file`, `kube`). */
  readonly name: string
  readonly path: string
  /** The collection roots it was searched in, which ansible-core must import the module's collection from. */
  readonly roots?: readonly string[]
}

/** Folders a module name is looked up in, nearest first. */
export interface ModuleSearch {
  /** `library/` beside the playbook, then each enclosing role's, innermost first (ansible adds them in that order). */
  readonly libraryDirs: readonly string[]
  /** The configured library folders (ansible.cfg `library`, ANSIBLE_LIBRARY); ANSIBLE_LIBRARY when absent. */
  readonly library?: readonly string[]
  /** The collection roots, nearest first (`collectionRoots`); ANSIBLE_COLLECTIONS_PATH's when absent. */
  readonly collectionRoots?: readonly string[]
  /** Collections bare names are also looked up in, in order (the `collections:` keyword, a role's own collection). */
  readonly collections?: readonly string[]
}

/** Whether a directory exists; missing and unreadable alike are no. */
const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

let corePaths: { readonly modules?: string; readonly collections: readonly string[] } | undefined

/**
 * ansible-core's module folder and the `ansible_collections` folders Python can import (Debian's `ansible` package
 * puts its collections there), asked of python3 once; none when python3 or ansible-core is missing.
 */
function installedAnsible(): { readonly modules?: string; readonly collections: readonly string[] } {
  if (corePaths !== undefined) return corePaths
  const script = [
    'import json, os, sys',
    'out = {"collections": [p for p in sys.path if p and os.path.isdir(os.path.join(p, "ansible_collections"))]}',
    'try:',
    '    import ansible.modules',
    '    out["modules"] = os.path.dirname(ansible.modules.__file__)',
    'except Exception:',
    '    pass',
    'print(json.dumps(out))',
  ].join('\n')
  try {
    corePaths = JSON.parse(execFileSync(controllerPython(), ['-c', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 })) as typeof corePaths
  } catch {
    corePaths = { collections: [] }
  }
  return corePaths!
}

/** ansible-core's own module folder on the controller (ansible.builtin), or undefined when ansible-core is missing. */
export const coreModulesDir = (): string | undefined => installedAnsible().modules

/**
 * The collection roots ansible searches: `configured` (COLLECTIONS_PATHS as loaded from ansible.cfg, else
 * ANSIBLE_COLLECTIONS_PATH(S) or its defaults), then Python's path unless `scanSysPath` is false.
 */
export function collectionRoots(env: NodeJS.ProcessEnv = process.env, configured?: readonly string[], scanSysPath = true): string[] {
  const fromEnv = env['ANSIBLE_COLLECTIONS_PATH'] ?? env['ANSIBLE_COLLECTIONS_PATHS']
  const roots = configured ?? (fromEnv ?? `${join(homedir(), '.ansible/collections')}:/usr/share/ansible/collections`).split(':').filter(Boolean)
  return [...roots, ...(scanSysPath ? installedAnsible().collections : [])]
}

/** A collection's folder (`ns.coll`), found under a root as `ROOT/ansible_collections/ns/coll` (or `ROOT/ns/coll`). */
export function findCollection(namespace: string, collection: string, env?: NodeJS.ProcessEnv, roots?: readonly string[]): string | undefined {
  for (const root of roots ?? collectionRoots(env)) {
    for (const dir of [join(root, 'ansible_collections', namespace, collection), join(root, namespace, collection)]) if (isDir(dir)) return dir
  }
  return undefined
}

const LEGACY = /^ansible\.(builtin|legacy)\./

/**
 * The module file ansible would run for `name`, or undefined. Bare and `ansible.legacy.` names look in the library
 * folders first, then ansible-core's modules; `ansible.builtin.` names only in ansible-core; `ns.coll.name` in that
 * installed collection's plugins/modules.
 */
export function findAnsibleModule(name: string, search: ModuleSearch, env: NodeJS.ProcessEnv = process.env): AnsibleModuleRef | undefined {
  if (!/^[A-Za-z_][\w.]*$/.test(name)) return undefined
  const parts = name.split('.')
  const leaf = parts[parts.length - 1]!
  const roots = search.collectionRoots ?? collectionRoots(env)
  if (parts.length === 1) {
    // the collections keyword: bare names are looked up in the listed collections before ansible.legacy
    for (const listed of search.collections ?? []) {
      if (/^ansible\.(builtin|legacy)$/.test(listed)) continue
      const found = findAnsibleModule(`${listed}.${name}`, search, env)
      if (found !== undefined) return found
    }
  }
  if (parts.length === 1 || name.startsWith('ansible.legacy.')) {
    const configured = search.library ?? (env['ANSIBLE_LIBRARY'] ?? '').split(':').filter(Boolean)
    for (const dir of [...search.libraryDirs, ...configured]) {
      const file = join(dir, `${leaf}.py`)
      if (existsSync(file)) return { name: leaf, path: file, roots }
    }
  }
  if (parts.length === 1 || LEGACY.test(name)) {
    const modules = installedAnsible().modules
    const file = modules === undefined ? undefined : join(modules, `${leaf}.py`)
    return file !== undefined && existsSync(file) ? { name: parts.length === 1 ? leaf : name, path: file, roots } : undefined
  }
  if (parts.length < 3) return undefined
  const collection = findCollection(parts[0]!, parts[1]!, env, roots)
  // modules may sit in subfolders of plugins/modules: ns.coll.sub.name
  const file = collection === undefined ? undefined : join(collection, 'plugins', 'modules', ...parts.slice(2, -1), `${leaf}.py`)
  return file !== undefined && existsSync(file) ? { name, path: file, roots } : undefined
}
