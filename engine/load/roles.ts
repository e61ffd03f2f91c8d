import { existsSync, readdirSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { isMap, isScalar, isSeq, type Node } from 'yaml'
import { PlaybookError, type SourceLocation } from '../errors.js'
import { flattenTasks, includeParams, type Block, type Item, type RoleInstance, type Scope, type SearchPaths, type Task } from './model.js'
import { isObject, keywordsOf } from './nodes.js'
import { ROLE_KEYWORDS } from './keywords.js'
import { roleArgumentSpecs, validationTask } from './argspec.js'
import { displayPath, errorAt, loadYaml, nodeLocation, type SourceFile } from '../yaml/index.js'
import { renderValue, type Vars } from '../template/index.js'

/** State shared while loading one play: role handlers, roles seen, notifies to check. */
export interface LoadContext {
  readonly playbookDir: string
  readonly paths: SearchPaths
  readonly handlers: Task[]
  readonly roles: RoleInstance[]
  /** Role instances by name and parameters: Ansible runs a role once per play unless its parameters differ. */
  readonly seenRoles: Map<string, RoleInstance>
  readonly notified: Array<{ readonly name: string; readonly src: SourceFile; readonly location: SourceLocation }>
  /** The play's variables known at load time (its vars, import_playbook's vars): static role names may use them. */
  readonly vars?: Vars
  /** Load a task file (playbook.ts's loadTaskFile, passed in because task files in turn load roles). */
  readonly loadTasks: (path: string, scope: Scope, ctx: LoadContext, handler?: boolean) => Item[]
  /** Task files and roles being imported, outermost first: importing one of them again is a cycle. */
  readonly importing: string[]
  /**
   * Collecting mode (`tsplay check`): a located error is handed here and loading goes on with the next task, role
   * or play instead of stopping at the first problem. Absent: the first error is thrown, as for a run.
   */
  readonly onError?: (error: PlaybookError) => void
}

/** Run `load`; in collecting mode a PlaybookError is reported to `ctx.onError` and `fallback` returned instead. */
export function collecting<T>(ctx: { readonly onError?: LoadContext['onError'] | undefined }, fallback: T, load: () => T): T {
  if (ctx.onError === undefined) return load()
  try {
    return load()
  } catch (error) {
    if (!(error instanceof PlaybookError)) throw error
    ctx.onError(error)
    return fallback
  }
}

/**
 * Where role names are looked up, in ansible's order (RoleDefinition._load_role_path): `roles/` beside the playbook,
 * the roles path, the depending role's parent folder (`basedir`, for relative dependencies), the playbook's folder;
 * then `../roles` beside it, tsplay's own layout.
 */
export function rolePaths(playbookDir: string, paths: Pick<SearchPaths, 'roles'>, basedir?: string): string[] {
  return [join(playbookDir, 'roles'), ...paths.roles, ...(basedir === undefined ? [] : [basedir]), playbookDir, join(playbookDir, '..', 'roles')]
}

/** Who pulls a role in as a dependency: its folder's parent and its collection search list. */
interface Owner {
  readonly basedir: string
  readonly collections: readonly string[]
}

/** A `roles:` entry (name or mapping) as blocks: its dependencies first, then its tasks; empty when already run. */
export function loadRoleBlock(src: SourceFile, entry: Node, scope: Scope, ctx: LoadContext, owner?: Owner): Item[] {
  const location = nodeLocation(src, entry)
  const dedupe = { dedupe: true, ...(owner ? { owner } : {}) }
  if (isScalar(entry)) return useRole(String(entry.value), {}, {}, scope, ctx, src, location, dedupe)
  if (!isMap(entry)) throw errorAt(src, location, 'roles: expected a role name or a mapping with role:')
  const all = keywordsOf(entry)
  const name = all['role'] ?? all['name']
  if (typeof name !== 'string') throw errorAt(src, location, "roles: missing 'role:' naming the role")
  const keywords: Record<string, unknown> = {}
  const params: Record<string, unknown> = {}
  const roleParams: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(all)) {
    if (k === 'role' || k === 'name') continue
    if (k === 'vars' && isObject(v)) Object.assign(params, v)
    else if (ROLE_KEYWORDS.has(k)) keywords[k] = v
    else params[k] = roleParams[k] = v
  }
  return useRole(name, keywords, params, scope, ctx, src, location, { ...dedupe, roleParams })
}

/** `import_role:` at load time: the role's tasks (or `tasks_from`) under the task's keywords. */
export function roleFromTask(task: Task, ctx: LoadContext): Item[] {
  const name = task.args['name']
  if (task.action === 'import_role' && 'public' in task.args) throw errorAt(task.src, task.location, 'invalid options for import_role: public')
  if (typeof name !== 'string') throw errorAt(task.src, task.location, `${task.action}: missing 'name' naming the role`)
  const keywords = Object.fromEntries(Object.entries(task.keywords).filter(([k]) => k !== 'vars' && k !== 'name'))
  const params = includeParams(task).params?.vars ?? {}
  return useRole(name, keywords, params, task.scope, ctx, task.src, task.location, {
    dedupe: false,
    validate: !isFalse(task.args['rolespec_validate']),
    ...(typeof task.args['tasks_from'] === 'string' ? { tasksFrom: task.args['tasks_from'] } : {}),
    ...(typeof task.args['vars_from'] === 'string' ? { varsFrom: task.args['vars_from'] } : {}),
    ...(typeof task.args['defaults_from'] === 'string' ? { defaultsFrom: task.args['defaults_from'] } : {}),
    ...(typeof task.args['handlers_from'] === 'string' ? { handlersFrom: task.args['handlers_from'] } : {}),
  })
}

interface RoleOptions {
  readonly dedupe: boolean
  /** The keys of a `roles:` entry that are role parameters (not keywords, not `vars:`): the validation task checks them. */
  readonly roleParams?: Vars
  /** `rolespec_validate: false` leaves the argument specs unchecked. */
  readonly validate?: boolean
  readonly owner?: Owner
  readonly tasksFrom?: string
  readonly varsFrom?: string
  readonly defaultsFrom?: string
  readonly handlersFrom?: string
}

function useRole(given: string, keywords: Record<string, unknown>, params: Vars, scope: Scope, ctx: LoadContext, src: SourceFile, location: SourceLocation, options: RoleOptions): Item[] {
  const name = staticName(given, ctx)
  const collections = options.owner?.collections ?? collectionList(scope)
  const path = findRoleDir(name, ctx, scope, { collections, ...(options.owner ? { basedir: options.owner.basedir } : {}) })
  if (path === undefined) {
    const searched = [...collections.filter((c) => c !== 'ansible.legacy'), ...rolePaths(ctx.playbookDir, ctx.paths, options.owner?.basedir)]
    throw errorAt(src, location, `the role '${name}' was not found in ${searched.join(':')}`)
  }
  const key = `${path}\0${JSON.stringify(params)}\0${options.tasksFrom ?? ''}`
  // meta/main.yml's allow_duplicates: true lets the role run again with the same parameters
  const repeat = options.dedupe && ctx.seenRoles.has(key) && !allowsDuplicates(path)
  // a role may import itself for another tasks file (ansible allows it); the same file again is the cycle
  const entry = options.tasksFrom === undefined ? path : join(path, 'tasks', options.tasksFrom)
  return importing(ctx, `role:${entry}`, { src, location, what: `role '${name}'` }, () => loadRole(name, path, key, repeat, keywords, params, scope, ctx, src, location, options))
}

function loadRole(name: string, path: string, key: string, repeat: boolean, keywords: Record<string, unknown>, params: Vars, scope: Scope, ctx: LoadContext, src: SourceFile, location: SourceLocation, options: RoleOptions): Item[] {
  const deps: Item[] = []
  const depRoles: RoleInstance[] = []
  const meta = readRoleFile(path, 'meta', 'main')
  const metaValue = meta?.value && isObject(meta.value) ? meta.value : {}
  const collection = collectionOfPath(path)
  const metaCollections = [metaValue['collections'] ?? []].flat().map(String)
  // ansible: a role's own collection first, then its meta collections, then ansible.legacy
  const ownList = [...new Set([...(collection ? [collection] : []), ...metaCollections, ...(collection || metaCollections.length ? ['ansible.legacy'] : [])])]
  const depList = metaValue['dependencies']
  if (Array.isArray(depList) && meta) {
    const depsNode = (meta.src.doc.contents as { get?: (k: string, keep: boolean) => unknown }).get?.('dependencies', true)
    // Dependencies inherit the keywords (when, tags, become…) of the role entry that pulled them in, and see its
    // parameters, as ansible's dependency chain gives them
    const depScope: Scope = { keywords, parent: scope, dir: scope.dir, location, ...(Object.keys(params).length ? { params: { level: 'role_params', vars: params } } : {}) }
    const owner: Owner = { basedir: dirname(path), collections: ownList.length ? ownList : ['ansible.legacy'] }
    for (const dep of isSeq(depsNode) ? (depsNode.items as Node[]) : []) {
      const before = ctx.roles.length
      deps.push(...loadRoleBlock(meta.src, dep, depScope, ctx, owner))
      depRoles.push(...ctx.roles.slice(before))
    }
  }
  const role: RoleInstance = {
    // a role found in a collection is named by its full name, however it was asked for
    name: collection === undefined ? name : `${collection}.${basename(path)}`,
    path,
    defaults: varsFile(path, 'defaults', options.defaultsFrom ?? 'main'),
    vars: varsFile(path, 'vars', options.varsFrom ?? 'main'),
    dependencies: depRoles,
    ...(ownList.length ? { collections: ownList } : {}),
  }
  if (!repeat) {
    ctx.seenRoles.set(key, role)
    ctx.roles.push(role)
  }
  const own: Scope = { keywords, parent: scope, role, params: { level: 'role_params', vars: params }, dir: join(path, 'tasks'), location }
  // Every use of a role brings its own copy of its handlers; a notify picks the last one loaded, as in Ansible.
  const handlersFile = roleFile(path, 'handlers', options.handlersFrom ?? 'main')
  if (handlersFile && !repeat) ctx.handlers.push(...flattenTasks(ctx.loadTasks(handlersFile, { ...own, dir: join(path, 'handlers') }, ctx, true)))
  const tasksFile = roleFile(path, 'tasks', options.tasksFrom ?? 'main')
  if (options.tasksFrom !== undefined && tasksFile === undefined) throw errorAt(src, location, `role '${name}': no tasks file '${options.tasksFrom}' in ${join(path, 'tasks')}`)
  const entryPoint = options.tasksFrom ?? 'main'
  const check = options.validate === false ? undefined : validationTask(roleArgumentSpecs(path, meta), { roleName: name, rolePath: path, entryPoint, params: options.roleParams ?? {}, scope: own })
  const tasks = [...(check ? [check] : []), ...(tasksFile ? ctx.loadTasks(tasksFile, own, ctx) : [])]
  const block: Block = { kind: 'block', ...own, block: tasks, rescue: [], always: [], ...(repeat ? { repeat } : {}) }
  return [...deps, block]
}

/** Load what `key` (a task file or a role) brings in, refusing an import of something already being imported. */
export function importing<T>(ctx: LoadContext, key: string, at: { readonly src: SourceFile; readonly location: SourceLocation; readonly what: string }, load: () => T): T {
  const from = ctx.importing.indexOf(key)
  if (from >= 0) throw errorAt(at.src, at.location, `${at.what}: recursive import: ${[...ctx.importing.slice(from), key].map((k) => displayPath(k.replace(/^role:/, ''))).join(' -> ')}`)
  ctx.importing.push(key)
  try {
    return load()
  } finally {
    ctx.importing.pop()
  }
}

// a role named by a template (`name: "{{ role_to_test }}"`) is named from the play's vars, as ansible templates it
function staticName(name: string, ctx: LoadContext): string {
  if (!/{{|{%/.test(name)) return name
  try {
    return String(renderValue(name, ctx.vars ?? {}))
  } catch {
    return name
  }
}

/** How a role name is looked up: the collection search list and, for a dependency, the depending role's parent folder. */
export interface RoleLookup {
  readonly collections?: readonly string[]
  readonly basedir?: string
}

const FQCR = /^([A-Za-z_]\w*)\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/

/**
 * The directory of role `name`, as ansible finds it: `ns.coll.role` (or a bare name in a listed collection) as
 * `ROOT/ansible_collections/ns/coll/roles/role`, then the role paths, then the name as a path.
 */
export function findRoleDir(name: string, ctx: Pick<LoadContext, 'playbookDir' | 'paths'>, scope?: Scope, lookup: RoleLookup = {}): string | undefined {
  const fqcr = FQCR.exec(name)
  const candidates = fqcr ? [[`${fqcr[1]}.${fqcr[2]}`, fqcr[3]!] as const] : (lookup.collections ?? []).map((c) => [c, name] as const)
  for (const [collection, role] of candidates) {
    const [namespace, coll] = collection.split('.')
    if (namespace === 'ansible' || coll === undefined) continue
    for (const root of ctx.paths.collectionRoots) {
      const dir = join(root, 'ansible_collections', namespace!, coll, 'roles', role)
      if (isDir(dir)) return dir
    }
  }
  const found = rolePaths(ctx.playbookDir, ctx.paths, lookup.basedir).map((p) => join(p, name)).find(isDir)
  if (found !== undefined || !name.includes('/')) return found
  return [resolve(scope?.dir ?? ctx.playbookDir, name), resolve(name)].find(isDir)
}

/** The collection search list that applies in a scope: the innermost role's, else the play's `collections:` keyword. */
export function collectionList(scope: Scope | undefined): readonly string[] {
  for (let s = scope; s !== undefined; s = s.parent) {
    if (s.role) return s.role.collections ?? []
    const listed = s.keywords['collections']
    if (listed !== undefined && listed !== null) return [listed].flat().map(String)
  }
  return []
}

/** `ns.coll` when a role folder is inside an installed collection (`.../ansible_collections/ns/coll/roles/name`). */
function collectionOfPath(path: string): string | undefined {
  const match = /[\\/]ansible_collections[\\/]([^\\/]+)[\\/]([^\\/]+)[\\/]roles[\\/][^\\/]+$/.exec(path)
  return match ? `${match[1]}.${match[2]}` : undefined
}

/** `dir/name.yml`, `.yaml`, or `name` itself inside a role folder, when it exists. */
export function roleFile(rolePath: string, dir: string, name: string): string | undefined {
  const base = join(rolePath, dir, name)
  return [base, `${base}.yml`, `${base}.yaml`, `${base}.json`].find((p) => existsSync(p) && statSync(p).isFile())
}

function readRoleFile(rolePath: string, dir: string, name: string): { value: unknown; src: SourceFile } | undefined {
  const file = roleFile(rolePath, dir, name)
  if (file === undefined) return undefined
  const src = loadYaml(file)
  return { value: src.doc.toJS() as unknown, src }
}

function varsFile(rolePath: string, dir: string, name: string): Vars {
  const folder = join(rolePath, dir, name)
  if (isDir(folder)) return Object.assign({}, ...varsFilesIn(folder).map((file) => varsOfFile(loadYaml(file), `${dir}/${name}`)))
  const read = readRoleFile(rolePath, dir, name)
  if (read === undefined || read.value === null || read.value === undefined) return {}
  if (!isObject(read.value)) throw errorAt(read.src, { file: read.src.path, line: 1, col: 1 }, `${dir}/${name}: expected a mapping of variables`)
  return read.value
}

// `defaults/main/` as a folder: every vars file in it and below, in sorted order, hidden files left out (ansible's
// find_vars_files)
function varsFilesIn(folder: string): string[] {
  return readdirSync(folder).filter((n) => !n.startsWith('.')).sort().flatMap((n) => {
    const p = join(folder, n)
    if (isDir(p)) return varsFilesIn(p)
    return ['', '.yml', '.yaml', '.json'].includes(extname(n)) ? [p] : []
  })
}

function varsOfFile(src: SourceFile, what: string): Vars {
  const value = src.doc.toJS() as unknown
  if (value === null || value === undefined) return {}
  if (!isObject(value)) throw errorAt(src, { file: src.path, line: 1, col: 1 }, `${what}: expected a mapping of variables`)
  return value
}

function allowsDuplicates(path: string): boolean {
  const meta = readRoleFile(path, 'meta', 'main')?.value
  const allow = isObject(meta) ? meta['allow_duplicates'] : undefined
  return allow === true || (typeof allow === 'string' && ['true', 'yes', 'on', 'y', '1'].includes(allow.toLowerCase()))
}

// a boolean keyword written as false in YAML or as text (`rolespec_validate=no`)
const isFalse = (v: unknown): boolean => v === false || (typeof v === 'string' && ['false', 'no', 'off', 'n', '0'].includes(v.toLowerCase()))

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

