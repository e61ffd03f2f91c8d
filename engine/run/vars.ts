import { dirname, resolve } from 'node:path'
import { ANSIBLE_VERSION } from '../ansible/index.js'
import { controllerPython, type VarLayer, type VarsDirs } from '../inventory/index.js'
import type { RoleInstance, Scope, Task } from '../load/index.js'
import type { PlayState, RunState } from './state.js'
import { OMIT, lazyVars, renderValue, type Vars } from '../template/index.js'
import { layer, mergeVars, type Layers, type MergedVars } from '../vars/index.js'

/** Scopes from the play down to `scope`, outermost first. */
export function scopeChain(scope: Scope | undefined): Scope[] {
  const chain: Scope[] = []
  for (let s = scope; s !== undefined; s = s.parent) chain.unshift(s)
  return chain
}

/** The nearest value of keyword `name` along the task's scope chain (task first). */
export function keyword(task: Task, name: string): unknown {
  if (task.keywords[name] !== undefined) return task.keywords[name]
  for (let s: Scope | undefined = task.scope; s !== undefined; s = s.parent) if (s.keywords[name] !== undefined) return s.keywords[name]
  return undefined
}

/** Whether the task's `no_log` (its own or inherited from a block, role or play) holds, templated with `vars`. */
export function noLogOf(task: Task, vars: Vars): boolean {
  const value = keyword(task, 'no_log')
  if (value === undefined || value === null) return false
  return truthy(typeof value === 'string' ? renderValue(value, vars, task.location) : value)
}

/** The role the task belongs to (innermost), if any. */
export function taskRole(task: Task | undefined): RoleInstance | undefined {
  for (let s = task?.scope; s !== undefined; s = s.parent) if (s.role) return s.role
  return undefined
}

const roleWithDeps = (role: RoleInstance): RoleInstance[] => [...role.dependencies.flatMap(roleWithDeps), role]

/** Layers of inventory and group_vars/host_vars for a host: levels that do not change during a play. */
export function inventoryLayers(run: RunState, host: string): Layers {
  let layers = run.inventoryLayers.get(host)
  if (layers === undefined) run.inventoryLayers.set(host, (layers = computeInventoryLayers(run, host)))
  return layers
}

function computeInventoryLayers(run: RunState, host: string): Layers {
  const inv = run.options.inventory
  const implicit = run.implicit.get(host)
  // a host the inventory does not name (implicit localhost, a delegate_to target) is in no group but takes the
  // vars of `all`, as ansible's implicit hosts do
  const groups = implicit ? ['all'] : inv.groupsOf(host)
  const fromDirs = (dirs: readonly VarsDirs[], pick: (d: VarsDirs) => ReadonlyMap<string, VarLayer>, names: readonly string[]): VarLayer[] =>
    names.flatMap((g) => dirs.flatMap((d) => { const l = pick(d).get(g); return l ? [l] : [] }))
  const pbDirs = [run.playbookVarsDirs]
  const others = groups.filter((g) => g !== 'all')
  const hostEntry = inv.hosts.get(host)
  return {
    inventory_group: groups.flatMap((g) => { const l = inv.groups.get(g)?.vars; return l ? [l] : [] }),
    inventory_group_vars_all: fromDirs(inv.varsDirs, (d) => d.groups, ['all']),
    playbook_group_vars_all: fromDirs(pbDirs, (d) => d.groups, ['all']),
    inventory_group_vars: fromDirs(inv.varsDirs, (d) => d.groups, others),
    playbook_group_vars: fromDirs(pbDirs, (d) => d.groups, others),
    inventory_host: implicit ? [layer('implicit host', implicit)] : hostEntry ? [hostEntry.vars] : [],
    inventory_host_vars: fromDirs(inv.varsDirs, (d) => d.hosts, [host]),
    playbook_host_vars: fromDirs(pbDirs, (d) => d.hosts, [host]),
  }
}

/** The variables of `host` for `task` (or for the play when no task), merged by precedence. */
export function hostVars(ps: PlayState, host: string, task?: Task, loop?: Vars): MergedVars {
  const run = ps.run
  const state = run.hosts.get(host)
  const chain = scopeChain(task?.scope)
  const current = taskRole(task)
  const roles = [...ps.play.roles, ...ps.publicRoles, ...(current ? roleWithDeps(current) : [])]
  const layers: Layers = {
    ...inventoryLayers(run, host),
    // a task sees ansible_host as the host's address unless something sets it (hostvars do not show it), as in ansible
    role_defaults: [...(task ? [layer('host address', { ansible_host: isImplicit(run, host) ? '127.0.0.1' : host })] : []), ...roles.map((r) => layer(`role ${r.name} defaults`, r.defaults))],
    facts: state ? [layer('facts', state.facts)] : [],
    play_vars: [layer('play vars', ps.play.vars)],
    play_vars_files: [layer('vars_files', ps.varsFiles)],
    role_vars: roles.map((r) => layer(`role ${r.name} vars`, r.vars)),
    block_vars: chain.filter((s) => s.parent !== undefined && isVars(s.keywords['vars'])).map((s) => layer(`block vars ${s.location.file}:${s.location.line}`, s.keywords['vars'] as Vars)),
    task_vars: task && isVars(task.keywords['vars']) ? [layer(`task vars ${task.location.file}:${task.location.line}`, task.keywords['vars'])] : [],
    include_vars: state ? [layer('include_vars', state.includeVars)] : [],
    set_fact: state ? [layer('set_fact/register', state.setFacts)] : [],
    role_params: chain.flatMap((s) => (s.params?.level === 'role_params' ? [layer(`role params ${s.location.file}:${s.location.line}`, s.params.vars)] : [])),
    include_params: chain.flatMap((s) => (s.params?.level === 'include_params' ? [layer(`include params ${s.location.file}:${s.location.line}`, s.params.vars)] : [])),
    extra_vars: [layer('extra vars', run.options.extraVars)],
    magic: [layer('magic', magicVars(ps, host, current, task))],
    ...(loop ? { loop: [layer('loop', loop)] } : {}),
  }
  return mergeVars(layers)
}

/** The same variables as templates see them: string values templated when read. */
export const templateVars = (merged: MergedVars): Vars => lazyVars(merged.vars)

// ansible-playbook's options var (CLI.version_info): roles test `ansible_version.full is version(...)`
const [major, minor, revision] = ANSIBLE_VERSION.split('.').map(Number)
const ANSIBLE_VERSION_VAR = { string: ANSIBLE_VERSION, full: ANSIBLE_VERSION, major, minor, revision }

function magicVars(ps: PlayState, host: string, role: RoleInstance | undefined, task: Task | undefined): Vars {
  const run = ps.run
  const inv = run.options.inventory
  const live = (h: string): boolean => { const s = run.hosts.get(h); return s !== undefined && !s.failed && !s.unreachable }
  const batch = ps.batch.filter(live)
  const magic: Vars = {
    inventory_hostname: host,
    inventory_hostname_short: host.split('.')[0],
    group_names: run.implicit.has(host) ? [] : inv.groupNames(host),
    groups: groupsVar(run),
    hostvars: hostvarsView(ps),
    ansible_play_hosts: ps.playHosts.filter(live),
    ansible_play_hosts_all: ps.playHosts,
    ansible_play_batch: batch,
    play_hosts: batch,
    ansible_play_name: ps.play.name,
    playbook_dir: run.playbook.dir,
    ansible_playbook_python: controllerPython(),
    inventory_dir: inv.hosts.get(host) ? resolve(dirname(inv.hosts.get(host)!.location.file)) : null,
    ansible_version: ANSIBLE_VERSION_VAR,
    ansible_check_mode: run.options.check,
    ansible_diff_mode: run.options.diff,
    ansible_verbosity: run.options.verbosity,
    ansible_run_tags: run.options.tags.length ? run.options.tags : ['all'],
    ansible_skip_tags: run.options.skipTags,
    ...roleNames([...ps.play.roles, ...ps.publicRoles]),
    omit: OMIT,
  }
  if (task) magic['ansible_search_path'] = searchPath(task, run.playbook.dir)
  if (role) {
    magic['role_name'] = role.name
    magic['role_path'] = role.path
    magic['ansible_role_name'] = role.name
  }
  return magic
}

// VariableManager's play-level role names: the play's own roles, every role reached through dependencies (roles
// named in the play too), the union of both, and the deprecated role_names as the play's own.
// The loaded play lists a dependency before the role that needs it: those instances are not the play's own.
function roleNames(roles: readonly RoleInstance[]): Vars {
  const dependencies = new Set<RoleInstance>()
  const walk = (role: RoleInstance): void => {
    for (const dep of role.dependencies) {
      walk(dep)
      dependencies.add(dep)
    }
  }
  roles.forEach(walk)
  const play = roles.filter((r) => !dependencies.has(r)).map((r) => r.name)
  const dependent = [...new Set([...dependencies].map((r) => r.name))]
  return { ansible_role_names: [...new Set([...dependent, ...play])], ansible_play_role_names: play, ansible_dependent_role_names: dependent, role_names: play }
}

/**
 * ansible's task.get_search_path() plus the playbook's folder: the roles the task is in (innermost first), the
 * folder of the task's file, then the playbook's folder; lookups find relative files there.
 */
function searchPath(task: Task, playbookDir: string): string[] {
  const paths: string[] = []
  for (let s: Scope | undefined = task.scope; s !== undefined; s = s.parent) if (s.role && !paths.includes(s.role.path)) paths.push(s.role.path)
  for (const dir of [task.scope.dir, playbookDir]) if (!paths.includes(dir)) paths.push(dir)
  return paths
}

function groupsVar(run: RunState): Record<string, string[]> {
  run.groupsCache ??= run.options.inventory.groupsVar()
  return run.groupsCache
}

/** `hostvars`: every host's play-level variables, computed when read. */
function hostvarsView(ps: PlayState): Vars {
  return new Proxy({} as Vars, {
    get: (_t, name) => (typeof name === 'string' && knownHost(ps.run, name) ? templateVars(hostVars(ps, name)) : undefined),
    has: (_t, name) => typeof name === 'string' && knownHost(ps.run, name),
    ownKeys: () => [...ps.run.options.inventory.hosts.keys(), ...ps.run.implicit.keys()],
    getOwnPropertyDescriptor: (_t, name) => (typeof name === 'string' && knownHost(ps.run, name) ? { enumerable: true, configurable: true, value: templateVars(hostVars(ps, name)) } : undefined),
  })
}

const isImplicit = (run: RunState, host: string): boolean => run.implicit.has(host) || run.options.inventory.hosts.get(host)?.location.file === '<implicit>'
const knownHost = (run: RunState, name: string): boolean => run.options.inventory.hosts.has(name) || run.implicit.has(name)
const isVars = (v: unknown): v is Vars => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Python-ish truth of a keyword value. */
export const truthy = (v: unknown): boolean => v === true || (typeof v === 'string' && ['true', 'yes', 'on', '1', 'y'].includes(v.trim().toLowerCase())) || (typeof v === 'number' && v !== 0)
