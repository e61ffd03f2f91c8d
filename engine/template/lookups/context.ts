import { TemplateError } from '../../errors.js'
import { pythonRepr } from '../../python/index.js'
import { isUndefined } from '../undefined.js'
import { decryptedFile, markUnsafe } from '../../yaml/index.js'
import { noteUnsafe } from '../unsafe.js'

/** What a lookup sees of the task: its variables, where it looks for files, and the templating it may need. */
export interface LookupContext {
  /** A variable as the template sees it; undefined when there is none. */
  variable(name: string): unknown
  /** Every variable name visible to the template (varnames). */
  variableNames(): string[]
  /** The variables themselves, for templates the lookup renders. */
  vars(): Record<string, unknown>
  /** The folder first_found looks in: `files`, `templates` or `vars` (ansible's `_subdir`, set by `with_*` from the action). */
  readonly subdir: string
}

/** A lookup plugin: terms as ansible's listify_lookup_plugin_terms makes them, keyword options, always a list back. */
export type LookupPlugin = (terms: unknown[], options: Record<string, unknown>, ctx: LookupContext) => unknown[]

/**
 * A lookup that gave up on purpose (ansible's AnsibleLookupError): `errors=` decides whether it fails, warns or is
 * ignored, and its message is shown as it is.
 */
export class LookupError extends TemplateError {
  override readonly name: string = 'LookupError'
}

/** A bad option given to a lookup (ansible's AnsibleOptionsError): fails even under `errors=ignore`. */
export class LookupOptionError extends TemplateError {
  override readonly name: string = 'LookupOptionError'
}

/**
 * What the engine plugs into lookups from outside template/: settings (config), vault decryption (unvault and
 * vaulted files), host patterns (inventory_hostnames), warnings, and the unsafe mark on results.
 */
export interface LookupHooks {
  /** A setting's value as `ansible-config` shows it; undefined when there is no such setting. */
  config(name: string, plugin?: { type: string; name: string }): unknown
  /** The plain text of vault-encrypted `text` read from `path`. */
  unvault(text: string, path: string): string
  /** Hosts matching an ansible host pattern, with `groups` as the only inventory (as ansible's lookup builds it). */
  hostPattern(pattern: string | readonly string[], groups: Record<string, readonly string[]>): string[]
  /** A warning shown to the user (`[WARNING]: …`). */
  warn(message: string): void
  /** Marks a lookup's result as ansible's wrap_var does: data that must never be templated again. */
  markResult(value: unknown): unknown
}

/** The hooks in use; the engine replaces members with `configureLookups`. */
export const hooks: LookupHooks = {
  config: (name) => MINIMAL_CONFIG[name],
  unvault: (text, path) => decryptedFile(text, path),
  hostPattern: (pattern, groups) => simpleHostPattern(pattern, groups),
  warn: (message) => void process.stderr.write(`[WARNING]: ${message}\n`),
  // ansible-core wraps every lookup result (allow_unsafe off): a file's `{{ }}` is never templated
  markResult: (value) => {
    noteUnsafe()
    return markUnsafe(value)
  },
}

/** How lookups render templates; template.ts installs both (it owns rendering, and importing it here would be a circle). */
export const rendering: {
  /** A string as a playbook value (first_found's candidates). */
  text?: (text: string, vars: Record<string, unknown>) => unknown
  /** A template file's text (the template lookup); `convertData` reads text that looks like a list or dict back as one. */
  file?: (text: string, vars: Record<string, unknown>, origin: string, convertData: boolean) => unknown
} = {}

/** Replace some of the lookup hooks (config, vault, host patterns, warnings, the unsafe mark). */
export function configureLookups(replace: Partial<LookupHooks>): void {
  Object.assign(hooks, replace)
}

/** Mark a lookup's result as unsafe (ansible's wrap_var on every lookup result). */
export const markLookupResult = (value: unknown): unknown => hooks.markResult(value)

// Settings ansible-core 2.14 has by default, for `lookup('config', …)` until the engine reads ansible.cfg.
const MINIMAL_CONFIG: Record<string, unknown> = {
  DEFAULT_BECOME_USER: 'root',
  DEFAULT_BECOME_METHOD: 'sudo',
  DEFAULT_FORKS: 5,
  DEFAULT_GATHERING: 'implicit',
  DEFAULT_HASH_BEHAVIOUR: 'replace',
  DEFAULT_JINJA2_NATIVE: false,
  DEFAULT_KEEP_REMOTE_FILES: false,
  DEFAULT_MANAGED_STR: 'Ansible managed',
  DEFAULT_MODULE_NAME: 'command',
  DEFAULT_POLL_INTERVAL: 15,
  DEFAULT_REMOTE_PORT: null,
  DEFAULT_ROLES_PATH: ['~/.ansible/roles', '/usr/share/ansible/roles', '/etc/ansible/roles'],
  DEFAULT_TIMEOUT: 10,
  DEFAULT_TRANSPORT: 'smart',
  DEFAULT_UNDEFINED_VAR_BEHAVIOR: true,
  HOST_KEY_CHECKING: true,
  RETRY_FILES_ENABLED: false,
  ANSIBLE_FORCE_COLOR: false,
  ANSIBLE_NOCOLOR: false,
}

// Without the inventory's pattern language: `all`, a group or a host name, unions with `:` or `,`.
function simpleHostPattern(pattern: string | readonly string[], groups: Record<string, readonly string[]>): string[] {
  const terms = (typeof pattern === 'string' ? [pattern] : pattern).flatMap((p) => p.split(/[,:]/)).map((t) => t.trim()).filter((t) => t !== '')
  const all = groups['all'] ?? []
  const out: string[] = []
  for (const term of terms) for (const host of term === 'all' || term === '*' ? all : groups[term] ?? (all.includes(term) ? [term] : [])) if (!out.includes(host)) out.push(host)
  return out
}

/** A boolean option as ansible's config reads it (`yes`, `true`, `1`, `on`…). */
export function boolOption(value: unknown, what: string): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number') return value !== 0
  const text = String(value).trim().toLowerCase()
  if (['yes', 'on', '1', 'true', 't', 'y'].includes(text)) return true
  if (['no', 'off', '0', 'false', 'f', 'n', ''].includes(text)) return false
  throw new LookupOptionError(`${what}: the value ${pythonRepr(value)} is not a valid boolean`)
}

/** The option `name` or its default; JavaScript undefined and Jinja2 Undefined both mean "not given". */
export function option<T>(options: Record<string, unknown>, name: string, fallback: T): unknown {
  const value = options[name]
  return isUndefined(value) ? fallback : value
}

/** Python's `str(term)` for a term a lookup reads as text. */
export function termText(term: unknown, what: string): string {
  if (typeof term === 'string') return term
  if (typeof term === 'number' || typeof term === 'boolean') return pythonRepr(term)
  throw new LookupError(`${what}: expected a string term, got ${pythonRepr(term)}`)
}
