/**
 * The ansible-core integration targets the compatibility harness runs by default (issue 13's list, then the
 * module targets of issue 14). Extend the arrays; a name missing from the checkout is reported, not fatal.
 */

/** Engine behaviour: keywords, control flow, variables, templating. */
export const ENGINE_TARGETS: readonly string[] = [
  'lineinfile', 'blockinfile', 'stat', 'command_shell', 'handlers', 'loops', 'blocks', 'import_tasks', 'includes',
  'any_errors_fatal', 'assert', 'set_fact', 'register', 'until', 'loop-until', 'changed_when', 'failed_when',
  'ignore_errors', 'filter_core', 'special_vars', 'var_precedence', 'check_mode', 'delegate_to', 'roles',
  'jinja2_native_types', 'debug', 'include_vars', 'tempfile',
]

/** Every `lookup_*` directory in the checkout is added to these at run time. */
export const LOOKUP_PREFIX = 'lookup_'

/** Module targets of issue 14, run when the checkout has them (ini_file moved to community.general). */
export const MODULE_TARGETS: readonly string[] = [
  'uri', 'find', 'replace', 'ini_file', 'getent', 'known_hosts', 'file', 'copy', 'template',
]
