import type { z } from 'zod'
import { zodToJsonSchema } from 'zod-to-json-schema'
import type { AnyModule } from '../module.js'
import { builtinModules } from '../../modules/index.js'
import { acceptTemplates, omit, widenPreprocessed, type JsonSchema } from './relax.js'

/** Collection prefixes under which a native module is found, as `resolveModuleName` accepts them (the first one is offered for completion). */
const PREFIXES = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.', 'community.crypto.']

/**
 * ansible-core 2.14's own modules (ansible/modules/), by short name: a task may use them without a collection, and
 * tsplay runs those it has no native version of as Ansible's. Their arguments are not checked here.
 */
export const ANSIBLE_BUILTIN_MODULES: readonly string[] = [
  'add_host', 'apt', 'apt_key', 'apt_repository', 'assemble', 'assert', 'async_status', 'blockinfile', 'command', 'copy', 'cron',
  'debconf', 'debug', 'dnf', 'dpkg_selections', 'expect', 'fail', 'fetch', 'file', 'find', 'gather_facts', 'get_url', 'getent', 'git',
  'group', 'group_by', 'hostname', 'include_vars', 'iptables', 'known_hosts', 'lineinfile', 'package', 'package_facts', 'pause', 'ping',
  'pip', 'raw', 'reboot', 'replace', 'rpm_key', 'script', 'service', 'service_facts', 'set_fact', 'set_stats', 'setup', 'shell', 'slurp',
  'stat', 'subversion', 'systemd', 'systemd_service', 'sysvinit', 'tempfile', 'template', 'unarchive', 'uri', 'user',
  'validate_argument_spec', 'wait_for', 'wait_for_connection', 'yum', 'yum_repository',
]

/** Any fully qualified module name (`namespace.collection.module`): run as Ansible's own, its arguments not checked. */
export const FQCN_PATTERN = '^[a-z0-9_]+\\.[a-z0-9_]+\\.[a-z0-9_]+$'

/**
 * The JSON Schema of one native module's arguments object, templates allowed in every value, and apart from it what
 * the object must contain: a task's `args:` may give the required arguments instead, so the task decides when it applies.
 */
export function moduleArgsSchema(mod: AnyModule): { args: JsonSchema; required?: JsonSchema } {
  const raw = zodToJsonSchema(mod.args as z.ZodTypeAny, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
    effectStrategy: 'input',
    postProcess: (json, def) => {
      const d = def as { typeName?: string; effect?: { type?: string } }
      return json !== undefined && d.typeName === 'ZodEffects' && d.effect?.type === 'preprocess' ? widenPreprocessed(json as JsonSchema) as typeof json : json
    },
  }) as JsonSchema
  const args = acceptTemplates(omit(raw, ['$schema']))
  const required = takeRequired(args)
  return required === undefined ? { args } : { args, required }
}

/**
 * Take `required` out of an arguments schema, as a schema of its own that only an object value has to meet. A
 * required argument may be given under one of its aliases (`key:` for sysctl's `name`): "one of these names".
 */
function takeRequired(schema: JsonSchema): JsonSchema | undefined {
  const object = findObject(schema)
  if (object === undefined || !Array.isArray(object['required'])) return undefined
  const properties = (object['properties'] ?? {}) as Record<string, JsonSchema>
  const aliasesOf = (name: string): string[] => Object.keys(properties).filter((k) => properties[k]!['description'] === `alias of ${name}`)
  const plain: string[] = []
  const alternatives: JsonSchema[] = []
  for (const name of object['required'] as string[]) {
    const aliases = aliasesOf(name)
    if (aliases.length === 0) plain.push(name)
    else alternatives.push({ anyOf: [name, ...aliases].map((n) => ({ required: [n] })) })
  }
  delete object['required']
  const all = [...(plain.length > 0 ? [{ required: plain }] : []), ...alternatives]
  return { if: { type: 'object' }, then: all.length === 1 ? all[0]! : { allOf: all } }
}

/** The object node of an arguments schema (the schema itself, or its first member when templates made it an anyOf). */
function findObject(schema: JsonSchema): JsonSchema | undefined {
  if (schema['type'] === 'object') return schema
  const first = Array.isArray(schema['anyOf']) ? (schema['anyOf'] as JsonSchema[])[0] : undefined
  return first?.['type'] === 'object' ? first : undefined
}

/** What a module's value may be in a task: its arguments, the `k=v` string form (any text for a free-form module), or nothing. */
export function moduleValueSchema(mod: AnyModule, args: JsonSchema): JsonSchema {
  const text: JsonSchema = mod.freeForm !== undefined
    ? { type: 'string', description: `free form: the ${mod.freeForm}, then optional key=value arguments` }
    : { type: 'string', pattern: '^\\s*$|=|\\{\\{', description: 'key=value arguments' }
  const forms = Array.isArray(args['anyOf']) && Object.keys(args).every((k) => k === 'anyOf' || k === 'description') ? (args['anyOf'] as JsonSchema[]) : [args]
  return { description: mod.description, anyOf: [...forms, text, { type: 'null' }] }
}

/** Every name a native module answers to in a task, mapped to the module's registry name. */
export function nativeModuleNames(): Map<string, string> {
  const names = new Map<string, string>()
  for (const name of Object.keys(builtinModules)) {
    names.set(name, name)
    for (const prefix of PREFIXES) names.set(prefix + name, name)
  }
  return names
}

/** The registry, for the schema's builder. */
export const nativeModules: Readonly<Record<string, AnyModule>> = builtinModules
