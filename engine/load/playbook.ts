import { statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml'
import { builtinModules, resolveModuleName } from '../../modules/index.js'
import { collectionRoots, findAnsibleModule, type AnsibleModuleRef } from '../ansible/index.js'
import { didYouMean } from '../errors.js'
import { validateArgs, parseKeyValues, schemaShape, splitArgs } from './args.js'
import { collecting, collectionList, importing, loadRoleBlock, roleFromTask, type LoadContext } from './roles.js'
import { flattenTasks, includeParams, VARIABLE_PARAMS, type Block, type Item, type Keywords, type Play, type Playbook, type Scope, type SearchPaths, type Task } from './model.js'
import { isObject, keywordsOf, nodeAt, pairOf, valueOf } from './nodes.js'
import { BLOCK_KEYWORDS, ENGINE_ACTIONS, ROLE_INCLUDE_ARGS, HANDLER_KEYWORDS, LOOP_CONTROL_KEYWORDS, META_ACTIONS, PLAY_KEYWORDS, TASK_KEYWORDS, WITH_LOOKUPS } from './keywords.js'
import { errorAt, loadYaml, nodeLocation, type SourceFile } from '../yaml/index.js'

/** Fresh loading state for one play (or one include at run time) whose role runs are counted in `seenRoles`. */
export function loadContext(playbookDir: string, seenRoles: LoadContext['seenRoles'], paths: SearchPaths = searchPaths(playbookDir), onError?: LoadContext['onError']): LoadContext {
  return { playbookDir, paths, handlers: [], roles: [], seenRoles, notified: [], loadTasks: loadTaskFile, importing: [], ...(onError ? { onError } : {}) }
}

/** What the configuration says about where to look, as the CLI passes it from ansible.cfg / ANSIBLE_*. */
export interface ConfiguredPaths {
  readonly roles?: readonly string[]
  readonly library?: readonly string[]
  /** COLLECTIONS_PATHS; ANSIBLE_COLLECTIONS_PATH or its default when absent. */
  readonly collections?: readonly string[]
  /** COLLECTIONS_SCAN_SYS_PATH: also the `ansible_collections` folders on Python's path (Debian's ansible package). */
  readonly scanSysPath?: boolean
}

/** The search paths for a playbook in `playbookDir`: `collections/` beside it comes before the configured roots, as in ansible. */
export function searchPaths(playbookDir: string, configured: ConfiguredPaths = {}): SearchPaths {
  let roots: readonly string[] | undefined
  return {
    roles: configured.roles ?? [],
    library: configured.library ?? [],
    // made when first read: Python's path is asked of python3 (0.1 s of CPU, more of wall time, before any host
    // is contacted), which only a collection role or a module tsplay has no native version of needs
    get collectionRoots(): readonly string[] {
      return (roots ??= [join(playbookDir, 'collections'), ...collectionRoots(process.env, configured.collections, configured.scanSysPath)])
    },
  }
}

/**
 * Load a playbook and everything static in it (roles, import_*), checked before any host is touched. With
 * `onError` (collecting mode, for `tsplay check`) every located error is reported there and loading goes on.
 */
export function loadPlaybook(path: string, configured: ConfiguredPaths = {}, onError?: LoadContext['onError']): Playbook {
  const abs = resolve(path)
  const paths = searchPaths(dirname(abs), configured)
  return { path: abs, dir: dirname(abs), plays: collecting({ onError }, [], () => loadPlays(abs, new Set(), paths, {}, onError)), paths }
}

function loadPlays(abs: string, seen: Set<string>, paths: SearchPaths, importVars: Record<string, unknown>, onError: LoadContext['onError']): Play[] {
  const src = loadYaml(abs)
  const root = src.doc.contents as Node | null
  // ansible-playbook: "Empty playbook, nothing to do", exit 4
  if (root === null || (isScalar(root) && root.value === null)) throw errorAt(src, { file: src.path, line: 1, col: 1 }, 'empty playbook, nothing to do')
  if (!isSeq(root)) throw errorAt(src, nodeLocation(src, root), 'a playbook must be a list of plays')
  const plays: Play[] = []
  for (const node of root.items as Node[]) plays.push(...collecting({ onError }, [], () => loadPlayEntry(src, node, abs, seen, paths, importVars, onError)))
  return plays
}

function loadPlayEntry(src: SourceFile, node: Node, abs: string, seen: Set<string>, paths: SearchPaths, importVars: Record<string, unknown>, onError: LoadContext['onError']): Play[] {
  if (!isMap(node)) throw errorAt(src, nodeLocation(src, node), 'a play must be a mapping')
  const imported = pairOf(node, 'import_playbook') ?? pairOf(node, 'ansible.builtin.import_playbook')
  if (imported) {
    const target = resolve(dirname(abs), String(valueOf(imported)))
    if (seen.has(target)) throw errorAt(src, nodeLocation(src, imported.value as Node), `import_playbook: recursive import of ${target}`)
    // `import_playbook: x.yml` with `vars:` gives them to every imported play, over the play's own vars
    const varsPair = pairOf(node, 'vars')
    const given = varsPair ? valueOf(varsPair) : undefined
    if (!existsFile(target)) throw errorAt(src, nodeLocation(src, imported.value as Node), `import_playbook: file not found: ${String(valueOf(imported))}`)
    return loadPlays(target, new Set([...seen, abs]), paths, { ...importVars, ...(isObject(given) ? given : {}) }, onError)
  }
  return [loadPlay(src, node, dirname(abs), paths, importVars, onError)]
}

function loadPlay(src: SourceFile, node: YAMLMap, dir: string, paths: SearchPaths, importVars: Record<string, unknown>, onError: LoadContext['onError']): Play {
  checkKeys(src, node, PLAY_KEYWORDS, 'play', onError)
  const keywords = keywordsOf(node)
  const location = nodeLocation(src, node)
  if (keywords['hosts'] === undefined) throw errorAt(src, location, "play: missing 'hosts'")
  const hosts = keywords['hosts']
  if (hosts === null || hosts === '' || (Array.isArray(hosts) && hosts.length === 0)) throw errorAt(src, nodeLocation(src, nodeAt(node, 'hosts') ?? node), 'hosts list cannot be empty')
  if (typeof hosts === 'object' && !(Array.isArray(hosts) && hosts.every((h) => typeof h === 'string' || typeof h === 'number'))) {
    throw errorAt(src, nodeLocation(src, nodeAt(node, 'hosts') ?? node), 'hosts: expected a host pattern or a list of them')
  }
  const scope: Scope = { keywords: withoutSections(keywords), parent: undefined, dir, location }
  const varsValue = keywords['vars']
  // play vars may also be a list of mappings, merged in order
  const ownVars = Array.isArray(varsValue) ? Object.assign({}, ...varsValue.filter(isObject)) : isObject(varsValue) ? varsValue : {}
  const vars = { ...ownVars, ...importVars }
  const ctx = { ...loadContext(dir, new Map(), paths, onError), vars }
  const preTasks = loadItems(src, nodeAt(node, 'pre_tasks'), scope, ctx, false)
  const roleBlocks: Item[] = []
  const rolesNode = nodeAt(node, 'roles')
  if (rolesNode !== undefined && rolesNode !== null) {
    if (!isSeq(rolesNode)) throw errorAt(src, nodeLocation(src, rolesNode), 'roles: expected a list of roles')
    for (const entry of rolesNode.items as Node[]) roleBlocks.push(...collecting(ctx, [], () => loadRoleBlock(src, entry, scope, ctx)))
  }
  const tasks = [...roleBlocks, ...loadItems(src, nodeAt(node, 'tasks'), scope, ctx, false)]
  const postTasks = loadItems(src, nodeAt(node, 'post_tasks'), scope, ctx, false)
  const ownHandlers = flattenTasks(loadItems(src, nodeAt(node, 'handlers'), scope, ctx, true))
  const handlers = [...ctx.handlers, ...ownHandlers]
  checkNotified(ctx, handlers)
  const varsFiles = keywords['vars_files']
  const name = keywords['name'] !== undefined ? String(keywords['name']) : [keywords['hosts']].flat().join(',')
  return {
    name,
    hosts: keywords['hosts'] as string | string[],
    keywords,
    vars,
    varsFiles: varsFiles === undefined || varsFiles === null ? [] : [varsFiles].flat(),
    preTasks,
    tasks,
    postTasks,
    handlers,
    roles: ctx.roles,
    seenRoles: ctx.seenRoles,
    scope,
    location,
  }
}

/** The names a notify can use for a handler: its name, `role : name`, and its listen topics. */
export function handlerNames(handler: Task): string[] {
  const names = [...handler.listen]
  if (handler.keywords['name'] !== undefined) {
    names.push(String(handler.keywords['name']))
    const role = roleOf(handler.scope)
    if (role) names.push(`${role} : ${String(handler.keywords['name'])}`)
  }
  return names
}

const roleOf = (scope: Scope | undefined): string | undefined => (scope === undefined ? undefined : (scope.role?.name ?? roleOf(scope.parent)))

/** Every notify written in the play must name a handler or a listen topic (Ansible's default). */
export function checkNotified(ctx: LoadContext, handlers: readonly Task[]): void {
  const known = new Set(handlers.flatMap(handlerNames))
  for (const n of ctx.notified) {
    if (known.has(n.name) || /{{|{%/.test(n.name)) continue
    const hint = didYouMean(n.name, known)
    const error = errorAt(n.src, n.location, `notify: no handler named '${n.name}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
    if (ctx.onError === undefined) throw error
    ctx.onError(error)
  }
  ctx.notified.length = 0
}

/** Load a list of tasks and blocks from a sequence node (absent or null is an empty list). */
export function loadItems(src: SourceFile, node: Node | null | undefined, scope: Scope, ctx: LoadContext, handler: boolean): Item[] {
  // an empty section or file (`tasks:`, a file holding only `---`) has no tasks, as in ansible
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return []
  if (!isSeq(node)) throw errorAt(src, nodeLocation(src, node), 'expected a list of tasks')
  return (node.items as Node[]).flatMap((n) => collecting(ctx, [], () => loadItem(src, n, scope, ctx, handler)))
}

/** Load the task file at `path` under `scope` (import_tasks at load, include_tasks at run time). */
export function loadTaskFile(path: string, scope: Scope, ctx: LoadContext, handler = false): Item[] {
  const src = loadYaml(path)
  const root = src.doc.contents as Node | null
  if (root === null) return []
  return loadItems(src, root, scope, ctx, handler)
}

function loadItem(src: SourceFile, node: Node, scope: Scope, ctx: LoadContext, handler: boolean): Item[] {
  if (!isMap(node)) throw errorAt(src, nodeLocation(src, node), 'a task must be a mapping')
  if (pairOf(node, 'block')) return [loadBlock(src, node, scope, ctx, handler)]
  const task = loadTask(src, node, scope, ctx, handler)
  if (task.action === 'import_tasks' || isStaticInclude(task)) return [importTasks(task, ctx, handler)]
  if (task.action === 'import_role') return roleFromTask(task, ctx)
  return [task]
}

// ansible-core 2.14 reads the deprecated `include:` of a task file statically, as import_tasks, unless the file
// name is templated or the include loops
function isStaticInclude(task: Task): boolean {
  if (task.action !== 'include') return false
  const file = String(task.args['file'] ?? task.args['_raw_params'] ?? '')
  return !/{{|{%/.test(file) && task.keywords['loop'] === undefined && !Object.keys(task.keywords).some((k) => k.startsWith('with_'))
}

function loadBlock(src: SourceFile, node: YAMLMap, scope: Scope, ctx: LoadContext, handler: boolean): Block {
  checkKeys(src, node, BLOCK_KEYWORDS, 'block', ctx.onError)
  const keywords = keywordsOf(node)
  const own: Scope = { keywords: withoutSections(keywords), parent: scope, dir: scope.dir, location: nodeLocation(src, node) }
  noteNotify(src, node, keywords, ctx)
  return {
    kind: 'block',
    ...own,
    block: loadItems(src, nodeAt(node, 'block'), own, ctx, handler),
    rescue: loadItems(src, nodeAt(node, 'rescue'), own, ctx, handler),
    always: loadItems(src, nodeAt(node, 'always'), own, ctx, handler),
  }
}

function importTasks(task: Task, ctx: LoadContext, handler: boolean): Block {
  const file = String(task.args['file'] ?? task.args['_raw_params'] ?? '')
  if (/{{|{%/.test(file)) throw errorAt(task.src, task.location, 'import_tasks: the file name cannot be templated; use include_tasks')
  const path = findTaskFile(file, task.scope, ctx)
  if (!existsFile(path)) throw errorAt(task.src, task.location, `${task.action}: file not found: ${file}`)
  const own: Scope = { keywords: task.keywords, parent: task.scope, dir: dirname(path), location: task.location, ...includeParams(task) }
  return { kind: 'block', ...own, block: importing(ctx, path, { src: task.src, location: task.location, what: 'import_tasks' }, () => loadTaskFile(path, own, ctx, handler)), rescue: [], always: [] }
}

/** Resolve a task file name: the role's tasks/ first, then beside the including file, then the playbook dir. */
export function findTaskFile(file: string, scope: Scope, ctx: LoadContext): string {
  const role = findRole(scope)
  const candidates = [...(role ? [resolve(role.path, 'tasks', file)] : []), resolve(scope.dir, file), resolve(ctx.playbookDir, file)]
  return candidates.find((c) => existsFile(c)) ?? candidates[0]!
}

const findRole = (scope: Scope | undefined): Scope['role'] => (scope === undefined ? undefined : (scope.role ?? findRole(scope.parent)))

function loadTask(src: SourceFile, node: YAMLMap, scope: Scope, ctx: LoadContext, handler: boolean): Task {
  const allowed = handler ? HANDLER_KEYWORDS : TASK_KEYWORDS
  const location = nodeLocation(src, node)
  let actionKey: string | undefined
  let actionNode: Node | null = null
  const keywords: Record<string, unknown> = {}
  for (const pair of node.items as Pair[]) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key)
    if (allowed.has(key) || key.startsWith('with_')) {
      if (key.startsWith('with_') && !WITH_LOOKUPS.has(key)) throw errorAt(src, nodeLocation(src, pair.key as Node), `unsupported loop '${key}' (tsplay supports ${[...WITH_LOOKUPS].join(', ')})`)
      keywords[key] = valueOf(pair)
      continue
    }
    if (resolveModuleName(key) !== undefined || ENGINE_ACTIONS.has(bareName(key)) || ansibleModuleOf(key, scope, ctx) !== undefined) {
      if (actionKey !== undefined) throw errorAt(src, nodeLocation(src, pair.key as Node), `conflicting action statements: ${actionKey}, ${key}`)
      actionKey = key
      actionNode = pair.value as Node | null
      continue
    }
    const hint = didYouMean(key, [...allowed, ...Object.keys(builtinModules), ...ENGINE_ACTIONS])
    throw errorAt(src, nodeLocation(src, pair.key as Node), `unknown keyword or module '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
  }
  for (const form of ['action', 'local_action'] as const) {
    if (keywords[form] === undefined) continue
    if (actionKey !== undefined) throw errorAt(src, location, `conflicting action statements: ${actionKey}, ${form}`)
    ;({ actionKey, actionNode } = actionFromKeyword(src, node, form, scope, ctx))
    if (form === 'local_action') keywords['delegate_to'] = 'localhost'
  }
  if (actionKey === undefined) throw errorAt(src, location, 'task has no action: expected a module name such as command, copy or debug')
  const action = resolveModuleName(actionKey) ?? bareName(actionKey)
  checkLoopControl(src, node, keywords)
  // ansible fails such a task when it runs; tsplay refuses it before anything runs
  const register = keywords['register']
  if (register !== undefined && !(typeof register === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(register))) {
    throw errorAt(src, nodeLocation(src, nodeAt(node, 'register') ?? node), `register: invalid variable name '${String(register)}'`)
  }
  const args = argsOf(src, node, action, actionKey, actionNode, keywords)
  noteNotify(src, node, keywords, ctx)
  if (action === 'meta' && !META_ACTIONS.has(String(args['_raw_params']))) {
    const hint = didYouMean(String(args['_raw_params']), META_ACTIONS)
    throw errorAt(src, nodeLocation(src, actionNode), `meta: unknown action '${String(args['_raw_params'])}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
  }
  const mod = builtinModules[action]
  const staticArgs = mod && !(VARIABLE_PARAMS in args) ? validateArgs(mod, args, src, isMap(actionNode) ? actionNode : null, location) : undefined
  const ansibleModule = mod === undefined && !ENGINE_ACTIONS.has(action) ? ansibleModuleOf(actionKey, scope, ctx) : undefined
  // an unnamed include_role is named `include_role : ROLE`, as ansible's IncludeRole.get_name
  const unnamed = action === 'include_role' && typeof args['name'] === 'string' ? `${actionKey} : ${args['name']}` : actionKey
  const name = keywords['name'] !== undefined && keywords['name'] !== null ? String(keywords['name']) : unnamed
  return { kind: 'task', name, action, args, ...(staticArgs !== undefined ? { staticArgs } : {}), ...(ansibleModule ? { ansibleModule } : {}), keywords, scope, src, location, listen: [keywords['listen'] ?? []].flat().map(String) }
}

/** The Ansible module a name not native to tsplay stands for: library/ beside the playbook and its roles, collections, ansible-core. */
function ansibleModuleOf(name: string, scope: Scope, ctx: LoadContext): AnsibleModuleRef | undefined {
  const roleDirs: string[] = []
  for (let s: Scope | undefined = scope; s !== undefined; s = s.parent) if (s.role) roleDirs.push(join(s.role.path, 'library'))
  return findAnsibleModule(name, { libraryDirs: [join(ctx.playbookDir, 'library'), ...roleDirs], library: ctx.paths.library, collectionRoots: ctx.paths.collectionRoots, collections: collectionList(scope) })
}

function actionFromKeyword(src: SourceFile, node: YAMLMap, form: string, scope: Scope, ctx: LoadContext): { actionKey: string; actionNode: Node | null } {
  const pair = pairOf(node, form)!
  const value = pair.value as Node | null
  if (isMap(value)) {
    const module = value.get('module')
    if (typeof module !== 'string') throw errorAt(src, nodeLocation(src, value), `${form}: expected 'module:' naming the module`)
    const copy = value.clone() as YAMLMap
    copy.delete('module')
    return { actionKey: module, actionNode: copy }
  }
  const text = String(valueOf(pair) ?? '').trim()
  const [first = '', ...rest] = text.split(/\s+/)
  if (resolveModuleName(first) === undefined && !ENGINE_ACTIONS.has(first) && ansibleModuleOf(first, scope, ctx) === undefined) {
    const hint = didYouMean(first, Object.keys(builtinModules))
    throw errorAt(src, nodeLocation(src, value), `unknown module '${first}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
  }
  const argText = text.slice(first.length).trim()
  return { actionKey: first, actionNode: rest.length ? new (value!.constructor as new (v: unknown) => Node)(argText) : null }
}

function argsOf(src: SourceFile, node: YAMLMap, action: string, actionKey: string, actionNode: Node | null, keywords: Record<string, unknown>): Record<string, unknown> {
  const mod = builtinModules[action]
  const raw = actionNode === null ? null : isScalar(actionNode) ? actionNode.value : actionNode.toJSON()
  // `args: "{{ a_dict }}"` and `module: "{{ a_dict }}"`: arguments from a variable, merged at run time (ansible's
  // _variable_params); the task's own arguments win
  const given = keywords['args']
  const extra = isObject(given) ? given : typeof given === 'string' && LONE_TEMPLATE.test(given) ? { [VARIABLE_PARAMS]: given } : {}
  if (raw === null || raw === undefined) return { ...extra }
  if (isObject(raw)) return { ...extra, ...raw }
  if (typeof raw !== 'string' && typeof raw !== 'number') throw errorAt(src, nodeLocation(src, actionNode), `${actionKey}: expected arguments as a mapping or k=v text`)
  if (action === 'include') {
    // the old include: `include: file.yml a=1 b=2`, the k=v words being the include's variables
    const words = splitArgs(String(raw))
    const file = words.filter((w) => !/^[A-Za-z_]\w*=/.test(w)).join(' ').trim()
    const vars = parseKeyValues(words.filter((w) => /^[A-Za-z_]\w*=/.test(w)).join(' '), undefined, new Set()).args
    if (Object.keys(vars).length > 0) keywords['vars'] = { ...vars, ...(isObject(keywords['vars']) ? keywords['vars'] : {}) }
    return { ...extra, _raw_params: file }
  }
  if (action === 'meta' || action === 'include_tasks' || action === 'import_tasks' || action === 'include_role' || action === 'import_role') {
    const parsed = parseKeyValues(String(raw), '_raw_params', new Set(['file', 'apply', ...ROLE_INCLUDE_ARGS]))
    if (action.endsWith('_role') && parsed.args['_raw_params'] !== undefined) return { ...extra, name: parsed.args['_raw_params'] }
    return { ...extra, ...parsed.args }
  }
  if (mod?.freeForm === undefined && typeof raw === 'string' && LONE_TEMPLATE.test(raw)) return { ...extra, [VARIABLE_PARAMS]: raw }
  const known = new Set(Object.keys(mod ? (schemaShape(mod.args) ?? {}) : {}))
  const parsed = parseKeyValues(String(raw), mod?.freeForm, mod?.freeForm ? known : new Set())
  if (parsed.stray !== undefined) throw errorAt(src, nodeLocation(src, actionNode), `${actionKey}: expected key=value arguments, got '${parsed.stray}'`)
  void node
  return { ...extra, ...parsed.args }
}

const LONE_TEMPLATE = /^\s*\{\{(?:(?!\}\}).)*\}\}\s*$/s

function checkLoopControl(src: SourceFile, node: YAMLMap, keywords: Record<string, unknown>): void {
  const lc = keywords['loop_control']
  if (lc === undefined || lc === null) return
  const lcNode = nodeAt(node, 'loop_control')
  if (!isObject(lc)) throw errorAt(src, nodeLocation(src, lcNode), 'loop_control: expected a mapping')
  if (isMap(lcNode)) checkKeys(src, lcNode, LOOP_CONTROL_KEYWORDS, 'loop_control')
  if (keywords['loop'] !== undefined && Object.keys(keywords).some((k) => k.startsWith('with_'))) throw errorAt(src, nodeLocation(src, node), 'loop and with_* cannot be used together')
}

function noteNotify(src: SourceFile, node: YAMLMap, keywords: Keywords, ctx: LoadContext): void {
  const notify = keywords['notify']
  if (notify === undefined || notify === null) return
  const notifyNode = nodeAt(node, 'notify')
  const items = isSeq(notifyNode) ? (notifyNode.items as Node[]) : [notifyNode]
  for (const item of items) {
    if (!isScalar(item)) throw errorAt(src, nodeLocation(src, item), 'notify: expected a handler name or a list of names (quote names containing ": ")')
    ctx.notified.push({ name: String(item.value), src, location: nodeLocation(src, item) })
  }
}

/** Reject keys outside `allowed` with a did-you-mean; `what` names the construct. With `onError`, report each and go on. */
export function checkKeys(src: SourceFile, node: YAMLMap, allowed: ReadonlySet<string>, what: string, onError?: LoadContext['onError']): void {
  for (const pair of node.items as Pair[]) {
    const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key)
    if (allowed.has(key)) continue
    const hint = didYouMean(key, allowed)
    const error = errorAt(src, nodeLocation(src, pair.key as Node), `${what}: unknown keyword '${key}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
    if (onError === undefined) throw error
    onError(error)
  }
}

const SECTIONS = new Set(['pre_tasks', 'tasks', 'post_tasks', 'handlers', 'roles', 'block', 'rescue', 'always'])
const withoutSections = (k: Record<string, unknown>): Keywords => Object.fromEntries(Object.entries(k).filter(([key]) => !SECTIONS.has(key)))

const bareName = (key: string): string => key.replace(/^ansible\.(builtin|legacy)\./, '')

function existsFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}
