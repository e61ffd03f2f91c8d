// Walking a play's blocks and tasks: keyword values, templates, the names they define, includes loaded statically
// where their file or role is named literally, template files, delegate_to hosts.
import { existsSync, statSync } from 'node:fs'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml'
import { collecting, findTaskFile, roleFromTask, VARIABLE_PARAMS, type Block, type Item, type LoadContext, type Scope, type Task } from '../load/index.js'
import { LOCALHOST_NAMES, readVarsFile, type Inventory } from '../inventory/index.js'
import { displayPath, loadYaml, type SourceFile } from '../yaml/index.js'
import type { Findings } from './findings.js'
import { checkKeywordValues } from './keywords.js'
import { mapAt, pairIn, whereIs } from './locate.js'
import { checkCondition, checkStrings, checkTemplateFile, CONDITIONS } from './values.js'

/** What walking one play needs. */
export interface Walk {
  readonly f: Findings
  readonly ctx: LoadContext
  readonly inventory: Inventory | undefined
  /** Task files and roles already loaded for include_tasks / include_role, so each is checked once. */
  readonly visited: Set<string>
}

const SECTIONS = new Set(['block', 'rescue', 'always'])
const templated = (v: unknown): boolean => typeof v === 'string' && /\{\{|\{%/.test(v)

/** Check every item, blocks recursively. */
export function walkItems(w: Walk, items: readonly Item[]): void {
  for (const item of items) {
    if (item.kind === 'task') walkTask(w, item)
    else walkBlock(w, item)
  }
}

function walkBlock(w: Walk, block: Block): void {
  const src = sourceOf(block.location.file)
  // a `block:`, and also what became a block: a role entry, import_role, import_tasks (once, however often imported)
  const map = src ? mapAt(src, block.location) : undefined
  const key = `block:${block.location.file}:${block.location.line}:${block.location.col}`
  if (src && map && !w.visited.has(key)) {
    w.visited.add(key)
    w.f.sources.add(src)
    noteDeprecatedInclude(w, src, map)
    checkKeywordValues(w.f, src, map, 'block')
    for (const pair of map.items as Pair[]) if (!SECTIONS.has(keyOf(pair))) checkValue(w, src, keyOf(pair), pair.value as Node | null)
  }
  w.f.define(block.keywords['vars'])
  w.f.define(block.params?.vars)
  walkItems(w, [...block.block, ...block.rescue, ...block.always])
}

function walkTask(w: Walk, task: Task): void {
  const { f } = w
  const map = mapAt(task.src, task.location)
  f.sources.add(task.src)
  if (map) {
    checkKeywordValues(f, task.src, map, 'task')
    noteDeprecatedInclude(w, task.src, map)
    for (const pair of map.items as Pair[]) checkValue(w, task.src, keyOf(pair), pair.value as Node | null, task.action)
  }
  defineNames(w, task)
  const delegate = task.keywords['delegate_to']
  if (typeof delegate === 'string' && !templated(delegate) && w.inventory && !w.inventory.hosts.has(delegate) && !LOCALHOST_NAMES.includes(delegate)) {
    f.add(whereIs(task.src, pairIn(map, 'delegate_to')?.value, task.location), 'warning', 'delegate-unknown-host', `delegate_to: '${delegate}' is not a host of the inventory`)
  }
  if (task.action === 'include_tasks' || task.action === 'include') includeTasks(w, task, map)
  if (task.action === 'include_role') includeRole(w, task)
  if (task.action === 'template' && typeof task.args['src'] === 'string' && !templated(task.args['src'])) templateFile(w, task, map)
}

// a module's arguments that hold bare expressions rather than templates
const EXPRESSION_ARGS: Record<string, string> = { assert: 'that', debug: 'var' }

function checkValue(w: Walk, src: SourceFile, key: string, node: Node | null, action?: string): void {
  if (CONDITIONS.has(key)) return checkCondition(w.f, src, key, node)
  const expressionArg = action === undefined ? undefined : EXPRESSION_ARGS[action]
  if (expressionArg !== undefined && isMap(node) && (key === action || key.endsWith(`.${action}`))) {
    for (const pair of node.items as Pair[]) {
      if (keyOf(pair) === expressionArg) checkCondition(w.f, src, expressionArg, pair.value as Node | null)
      else checkStrings(w.f, src, pair.value)
    }
    return
  }
  checkStrings(w.f, src, node, key !== 'name')
}

function defineNames(w: Walk, task: Task): void {
  const { f } = w
  if (typeof task.keywords['register'] === 'string') f.defined.add(task.keywords['register'])
  f.define(task.keywords['vars'])
  const lc = task.keywords['loop_control']
  if (typeof lc === 'object' && lc !== null) for (const key of ['loop_var', 'index_var']) if (typeof (lc as Record<string, unknown>)[key] === 'string') f.defined.add((lc as Record<string, string>)[key]!)
  if (task.action === 'set_fact' || task.action === 'set_stats') {
    if (VARIABLE_PARAMS in task.args || Object.keys(task.args).some(templated)) f.unknowable = true
    f.define(task.args)
  }
  if (task.action === 'include_vars') includeVars(w, task)
  // hosts and groups made at run time: a play's pattern may name them, add_host's other arguments are host vars
  if (task.action === 'add_host' || task.action === 'group_by') f.inventoryGrows = true
  if (task.action === 'add_host') f.define(task.args)
  // a facts module (service_facts, package_facts, a site's own) sets facts under names only it knows
  if (/_facts$/.test(task.action)) f.unknowable = true
}

function includeVars(w: Walk, task: Task): void {
  const name = task.args['name']
  if (typeof name === 'string') return void w.f.defined.add(name)
  const file = task.args['file'] ?? task.args['_raw_params']
  if (typeof file !== 'string' || templated(file)) return void (w.f.unknowable = true)
  const role = roleOf(task.scope)
  const found = [...(role ? [join(role.path, 'vars', file)] : []), resolve(task.scope.dir, file), resolve(w.ctx.playbookDir, file)].find(isFile)
  if (found === undefined) return void (w.f.unknowable = true)
  try {
    w.f.define(readVarsFile(found))
  } catch {
    w.f.unknowable = true
  }
}

function includeTasks(w: Walk, task: Task, map: YAMLMap | undefined): void {
  const file = task.args['file'] ?? task.args['_raw_params']
  if (typeof file !== 'string' || templated(file)) return
  const path = findTaskFile(file, task.scope, w.ctx)
  if (!isFile(path)) {
    const node = map?.items.find((p) => ['include_tasks', 'include', 'ansible.builtin.include_tasks', 'ansible.builtin.include'].includes(keyOf(p as Pair)))?.value
    return w.f.add(whereIs(task.src, node, task.location), 'error', 'include-missing', `${task.action}: file not found: ${file}`)
  }
  if (w.visited.has(path)) return
  w.visited.add(path)
  const scope: Scope = { keywords: task.keywords, parent: task.scope, dir: dirname(path), location: task.location }
  walkItems(w, collecting(w.ctx, [], () => w.ctx.loadTasks(path, scope, w.ctx)))
}

function includeRole(w: Walk, task: Task): void {
  const name = task.args['name']
  if (typeof name !== 'string' || templated(name)) return
  const key = `role:${name}:${String(task.args['tasks_from'] ?? '')}`
  if (w.visited.has(key)) return
  w.visited.add(key)
  // import_role's loader also serves include_role: same role search, same tasks_from check
  const imported = { ...task, action: 'import_role' }
  walkItems(w, collecting(w.ctx, [], () => roleFromTask(imported, w.ctx)))
}

function templateFile(w: Walk, task: Task, map: YAMLMap | undefined): void {
  const src = String(task.args['src'])
  const role = roleOf(task.scope)
  const candidates = isAbsolute(src) ? [src] : [...(role ? [join(role.path, 'templates', src), join(role.path, src)] : []), join(task.scope.dir, 'templates', src), join(task.scope.dir, src), join(w.ctx.playbookDir, 'templates', src), join(w.ctx.playbookDir, src)]
  const found = candidates.find(isFile)
  if (found === undefined) {
    const args = pairIn(map, task.action) ?? map?.items.find((p) => keyOf(p as Pair).endsWith('.template'))
    const at = isMap(args?.value) ? pairIn(args.value, 'src')?.value : args?.value
    return w.f.add(whereIs(task.src, at, task.location), 'error', 'template-missing', `template: could not find '${src}' in ${[...new Set(candidates.map((c) => displayPath(dirname(c))))].join(', ')}`)
  }
  if (w.visited.has(found)) return
  w.visited.add(found)
  checkTemplateFile(w.f, found)
}

function noteDeprecatedInclude(w: Walk, src: SourceFile, map: YAMLMap): void {
  const pair = map.items.find((p) => ['include', 'ansible.builtin.include'].includes(keyOf(p as Pair))) as Pair | undefined
  if (pair) w.f.add(whereIs(src, pair.key, { file: src.path, line: 1, col: 1 }), 'warning', 'deprecated-include', "'include' is deprecated (removed in ansible-core 2.16): use include_tasks or import_tasks")
}

const keyOf = (pair: Pair): string => String(isScalar(pair.key) ? pair.key.value : pair.key)
const roleOf = (scope: Scope | undefined): Scope['role'] => (scope === undefined ? undefined : (scope.role ?? roleOf(scope.parent)))

function sourceOf(file: string): SourceFile | undefined {
  try {
    return loadYaml(resolve(file))
  } catch {
    return undefined
  }
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile()
}
