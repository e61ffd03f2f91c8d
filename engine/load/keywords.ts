import { LOOKUP_NAMES } from '../template/index.js'

/**
 * The keywords of plays, blocks, tasks, handlers and role entries, as ansible-core 2.14 accepts them.
 * A key that is neither a keyword nor a module is an error with a did-you-mean.
 */

/** Keywords a play, block, role entry and task all inherit down to tasks. */
const INHERITED = [
  'any_errors_fatal', 'become', 'become_exe', 'become_flags', 'become_method', 'become_user', 'check_mode',
  'collections', 'connection', 'debugger', 'diff', 'environment', 'ignore_errors', 'ignore_unreachable',
  'module_defaults', 'name', 'no_log', 'port', 'remote_user', 'run_once', 'tags', 'throttle', 'timeout', 'vars',
] as const

/** Keys allowed at the top of a play. */
export const PLAY_KEYWORDS: ReadonlySet<string> = new Set([
  ...INHERITED, 'fact_path', 'force_handlers', 'gather_facts', 'gather_subset', 'gather_timeout', 'handlers', 'hosts',
  'max_fail_percentage', 'order', 'post_tasks', 'pre_tasks', 'roles', 'serial', 'strategy', 'tasks', 'vars_files', 'vars_prompt',
])

/** Keys allowed on a block (`block:` with its `rescue:`/`always:`). */
export const BLOCK_KEYWORDS: ReadonlySet<string> = new Set([
  ...INHERITED, 'block', 'rescue', 'always', 'delegate_facts', 'delegate_to', 'when', 'notify',
])

/** Keys allowed on a task besides its module. */
export const TASK_KEYWORDS: ReadonlySet<string> = new Set([
  ...INHERITED, 'action', 'args', 'async', 'changed_when', 'delay', 'delegate_facts', 'delegate_to', 'failed_when',
  'local_action', 'loop', 'loop_control', 'notify', 'poll', 'register', 'retries', 'until', 'when',
])

/** Keys allowed on a handler: a task plus `listen`. */
export const HANDLER_KEYWORDS: ReadonlySet<string> = new Set([...TASK_KEYWORDS, 'listen'])

/** Keywords of a role entry in `roles:`; any other key is a role parameter, as in Ansible. */
export const ROLE_KEYWORDS: ReadonlySet<string> = new Set([...INHERITED, 'role', 'when', 'delegate_to', 'delegate_facts'])

/** Keys of `loop_control`. */
export const LOOP_CONTROL_KEYWORDS: ReadonlySet<string> = new Set(['loop_var', 'index_var', 'label', 'pause', 'extended', 'extended_allitems'])

/** `with_<lookup>` forms tsplay runs, each turning its value into a list of items. */
export const WITH_LOOKUPS: ReadonlySet<string> = new Set(LOOKUP_NAMES.map((name) => `with_${name}`))

/** Actions the engine itself carries out (they load tasks or steer the run rather than touch a host). */
export const ENGINE_ACTIONS: ReadonlySet<string> = new Set(['include_tasks', 'import_tasks', 'include_role', 'import_role', 'meta', 'import_playbook', 'include'])

/** Arguments of `include_role`/`import_role`. */
export const ROLE_INCLUDE_ARGS: ReadonlySet<string> = new Set(['name', 'tasks_from', 'vars_from', 'defaults_from', 'handlers_from', 'apply', 'public', 'allow_duplicates', 'rolespec_validate'])

/** Arguments of `include_tasks`/`import_tasks` in dict form. */
export const TASKS_INCLUDE_ARGS: ReadonlySet<string> = new Set(['file', '_raw_params', 'apply'])

/** `meta:` actions. */
export const META_ACTIONS: ReadonlySet<string> = new Set(['flush_handlers', 'noop', 'end_play', 'end_host', 'end_batch', 'end_role', 'clear_facts', 'clear_host_errors', 'refresh_inventory', 'reset_connection'])
