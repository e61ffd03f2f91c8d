import type { AnsibleModuleRef } from '../ansible/index.js'
import type { SourceLocation } from '../errors.js'
import type { SourceFile } from '../yaml/index.js'
import type { Vars } from '../template/index.js'
import { isObject } from './nodes.js'

/** Raw keyword values as written (`when`, `become`, `tags`…); templated at run time where Ansible does. */
export type Keywords = Readonly<Record<string, unknown>>

/**
 * Where a task sits: play, role, block or include. Keywords not set on a task are looked up along the chain,
 * `when` conditions and `tags` accumulate, as Ansible's inheritance does.
 */
export interface Scope {
  readonly keywords: Keywords
  readonly parent: Scope | undefined
  readonly role?: RoleInstance
  /** Role parameters (`roles: [{role: x, port: 1}]`) or include parameters (`vars:` of include_*). */
  readonly params?: { readonly level: 'role_params' | 'include_params'; readonly vars: Vars }
  /** The file relative paths in it resolve against. */
  readonly dir: string
  readonly location: SourceLocation
}

/** A task: one module or engine action with its keywords. */
export interface Task {
  readonly kind: 'task'
  /** As shown in `TASK [...]`: the name, or the action as written. */
  readonly name: string
  /** Builtin module name or engine action (`include_tasks`, `meta`…). */
  readonly action: string
  readonly args: Readonly<Record<string, unknown>>
  /** The argument values already validated at load (nothing templated), reused on every host. */
  readonly staticArgs?: unknown
  /** A module tsplay has no native version of, run as Ansible's own (engine/ansible/). */
  readonly ansibleModule?: AnsibleModuleRef
  readonly keywords: Keywords
  readonly scope: Scope
  readonly src: SourceFile
  readonly location: SourceLocation
  /** Handlers only: topics from `listen`. */
  readonly listen: readonly string[]
}

/** `block:` with `rescue:` and `always:`; also wraps a role's tasks and static imports to carry their scope. */
export interface Block extends Scope {
  readonly kind: 'block'
  readonly block: readonly Item[]
  readonly rescue: readonly Item[]
  readonly always: readonly Item[]
  /**
   * A role the play names again with the same parameters: ansible compiles it again (so --list-tasks lists it) but
   * runs a role once per play; the runner skips it.
   */
  readonly repeat?: true
}

export type Item = Task | Block

/** A role as used once in a play (a role used twice with other parameters is two instances). */
export interface RoleInstance {
  readonly name: string
  readonly path: string
  readonly defaults: Vars
  readonly vars: Vars
  /** Roles this one depends on, run before it. */
  readonly dependencies: readonly RoleInstance[]
  /** Where bare module and role names in it are looked up first: its own collection, its meta `collections:`. */
  readonly collections?: readonly string[]
}

/** Where roles, modules and collections are looked up besides the playbook's own folders (ansible.cfg, ANSIBLE_*). */
export interface SearchPaths {
  /** DEFAULT_ROLES_PATH (`roles_path`, ANSIBLE_ROLES_PATH). */
  readonly roles: readonly string[]
  /** DEFAULT_MODULE_PATH (`library`, ANSIBLE_LIBRARY). */
  readonly library: readonly string[]
  /** Every collection root, nearest first: `collections/` beside the playbook, COLLECTIONS_PATHS, Python's path. */
  readonly collectionRoots: readonly string[]
}

/** A play, loaded and checked; tasks of `roles:` come first in `tasks`. */
export interface Play {
  readonly name: string
  readonly hosts: string | readonly string[]
  readonly keywords: Keywords
  readonly vars: Vars
  readonly varsFiles: readonly unknown[]
  readonly preTasks: readonly Item[]
  readonly tasks: readonly Item[]
  readonly postTasks: readonly Item[]
  /** Role handlers first, then the play's own, in definition order. */
  readonly handlers: readonly Task[]
  readonly roles: readonly RoleInstance[]
  /** Role instances by name and parameters, shared with include_role at run time (a role runs once unless its parameters differ). */
  readonly seenRoles: Map<string, RoleInstance>
  readonly scope: Scope
  readonly location: SourceLocation
}

/** A whole playbook: its plays in order (import_playbook flattened). */
export interface Playbook {
  readonly path: string
  readonly dir: string
  readonly plays: readonly Play[]
  /** Where its roles, modules and collections were looked up; includes at run time look there too. */
  readonly paths: SearchPaths
}

/** Every task of a tree of items, blocks flattened (for handlers, which cannot be blocks). */
export const flattenTasks = (items: readonly Item[]): Task[] => items.flatMap((i) => (i.kind === 'task' ? [i] : flattenTasks([...i.block, ...i.rescue, ...i.always])))

/** `vars:` of an include or import, which Ansible ranks as include parameters. */
export function includeParams(task: Task): Pick<Scope, 'params'> {
  const vars = task.keywords['vars']
  return isObject(vars) ? { params: { level: 'include_params', vars } } : {}
}

/** The argument key holding `module: "{{ a_dict }}"` (or `args: "{{ a_dict }}"`) until the run renders and merges it. */
export const VARIABLE_PARAMS = '_variable_params'
