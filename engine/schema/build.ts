import { META_ACTIONS, ROLE_INCLUDE_ARGS } from '../load/index.js'
import { KEYWORD_SETS, keywordProperties } from './keywords.js'
import { ANSIBLE_BUILTIN_MODULES, FQCN_PATTERN, moduleArgsSchema, moduleValueSchema, nativeModules } from './modules.js'
import { BOOLEAN, TEMPLATED, type JsonSchema } from './relax.js'
import { ARGUMENT_OPTION, ARGUMENT_SPECS, ARGUMENT_SPECS_FILE, ROLE_META_FILE } from './role-files.js'

/** The files tsplay has a schema for. */
export const SCHEMA_KINDS = ['playbook', 'tasks', 'handlers', 'role-meta', 'argument-specs'] as const
export type SchemaKind = (typeof SCHEMA_KINDS)[number]

const TITLES: Readonly<Record<SchemaKind, [definition: string, title: string]>> = {
  playbook: ['playbook', 'tsplay/Ansible playbook'],
  tasks: ['tasks', 'tsplay/Ansible task file (tasks/*.yml)'],
  handlers: ['handlers', 'tsplay/Ansible handler file (handlers/*.yml)'],
  'role-meta': ['roleMeta', 'Ansible role metadata (meta/main.yml)'],
  'argument-specs': ['argumentSpecsFile', 'Ansible role argument specs (meta/argument_specs.yml)'],
}

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` })
const SHORT_PREFIX = 'ansible.builtin.'
const OTHER_PREFIXES = '(?:ansible\\.legacy|ansible\\.posix|community\\.general|community\\.crypto)\\.'
const withPrefixes = (name: string): string[] => [name, SHORT_PREFIX + name]

/** What a project adds to the schema: names of its own modules (a `library/` folder), accepted with any arguments. */
export interface SchemaOptions {
  readonly modules?: readonly string[]
}

/** The JSON Schema (draft-07, which yaml-language-server validates natively) for one kind of file. */
export function buildSchema(kind: SchemaKind, options: SchemaOptions = {}): JsonSchema {
  const [definition, title] = TITLES[kind]
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    definitions: reachable(definitions(options.modules ?? []), definition),
    allOf: [ref(definition)],
  }
}

/** The definitions `root` needs, itself included: a role-meta schema need not carry every module. */
function reachable(defs: Record<string, JsonSchema>, root: string): Record<string, JsonSchema> {
  const seen = new Set<string>()
  const visit = (name: string): void => {
    if (seen.has(name)) return
    seen.add(name)
    for (const m of JSON.stringify(defs[name]).matchAll(/"#\/definitions\/([^"]+)"/g)) visit(m[1]!)
  }
  visit(root)
  return Object.fromEntries(Object.entries(defs).filter(([name]) => seen.has(name)))
}

const cache = new Map<string, Record<string, JsonSchema>>()

function definitions(local: readonly string[]): Record<string, JsonSchema> {
  const key = [...local].sort().join(',')
  const known = cache.get(key)
  if (known !== undefined) return known
  const modules = Object.entries(nativeModules).sort(([a], [b]) => a.localeCompare(b))
  const defs: Record<string, JsonSchema> = { templated: TEMPLATED, boolean: BOOLEAN }
  const required: Record<string, JsonSchema> = {}
  for (const [name, mod] of modules) {
    const { args, required: needs } = moduleArgsSchema(mod)
    defs[`module.${name}`] = moduleValueSchema(mod, args)
    if (needs !== undefined) required[name] = needs
  }
  const moduleProperties: Record<string, JsonSchema> = {}
  const modulePatterns: Record<string, JsonSchema> = {}
  for (const name of ANSIBLE_BUILTIN_MODULES) if (!Object.hasOwn(nativeModules, name)) moduleProperties[name] = { description: `ansible-core's ${name} module, run as Ansible's own (arguments not checked)` }
  for (const name of local) moduleProperties[name] = { description: `the project's ${name} module, run as Ansible's own (arguments not checked)` }
  for (const [name] of modules) {
    for (const key of withPrefixes(name)) moduleProperties[key] = ref(`module.${name}`)
    modulePatterns[`^${OTHER_PREFIXES}${name}$`] = ref(`module.${name}`)
  }
  Object.assign(moduleProperties, engineActions())
  const requiredProperties = Object.fromEntries(Object.entries(required).flatMap(([name, schema]) => withPrefixes(name).map((k) => [k, schema])))
  const requiredPatterns = Object.fromEntries(Object.entries(required).map(([name, schema]) => [`^${OTHER_PREFIXES}${name}$`, schema]))
  const taskLike = (keywords: ReadonlySet<string>, description: string): JsonSchema => ({
    type: 'object',
    description,
    properties: { ...keywordProperties(keywords), ...moduleProperties },
    patternProperties: {
      '^with_[a-z_]+$': { description: 'loop over the items a lookup returns (old style of loop)' },
      [FQCN_PATTERN]: { description: 'a module of a collection, run as Ansible\'s own (arguments not checked)' },
      ...modulePatterns,
    },
    additionalProperties: false,
    // arguments under `args:` count as the module's own, so only a task without it must name them all beside the module
    if: { not: { required: ['args'] } },
    then: { properties: requiredProperties, patternProperties: requiredPatterns },
  })
  Object.assign(defs, {
    task: taskLike(KEYWORD_SETS.task, 'a task: keywords and one module with its arguments'),
    handler: taskLike(KEYWORD_SETS.handler, 'a handler: a task run when notified, by name or listen topic'),
    block: { type: 'object', description: 'a block of tasks with rescue and always', properties: keywordProperties(KEYWORD_SETS.block), required: ['block'], additionalProperties: false },
    taskOrBlock: { if: { type: 'object', required: ['block'] }, then: ref('block'), else: ref('task') },
    handlerOrBlock: { if: { type: 'object', required: ['block'] }, then: ref('block'), else: ref('handler') },
    tasks: { anyOf: [{ type: 'array', items: ref('taskOrBlock') }, { type: 'null' }] },
    handlers: { anyOf: [{ type: 'array', items: ref('handlerOrBlock') }, { type: 'null' }] },
    play: { type: 'object', description: 'a play: hosts and what runs on them', properties: keywordProperties(KEYWORD_SETS.play), required: ['hosts'], additionalProperties: false },
    importPlaybook: {
      type: 'object',
      description: 'another playbook, run here',
      properties: { import_playbook: { type: 'string' }, 'ansible.builtin.import_playbook': { type: 'string' }, ...keywordProperties(['name', 'vars', 'when', 'tags']) },
      additionalProperties: false,
    },
    playbook: {
      type: 'array',
      items: { if: { type: 'object', anyOf: [{ required: ['import_playbook'] }, { required: ['ansible.builtin.import_playbook'] }] }, then: ref('importPlaybook'), else: ref('play') },
    },
    roleEntry: {
      anyOf: [
        { type: 'string', description: "the role's name or path" },
        { type: 'object', description: 'a role with keywords; any other key is a role parameter', properties: keywordProperties(KEYWORD_SETS.role), anyOf: [{ required: ['role'] }, { required: ['name'] }] },
      ],
    },
    roleMeta: ROLE_META_FILE,
    argumentSpecsFile: ARGUMENT_SPECS_FILE,
    argumentSpecs: ARGUMENT_SPECS,
    argumentOption: ARGUMENT_OPTION,
  })
  cache.set(key, defs)
  return defs
}

/** Actions the engine carries out itself: task files, roles, meta. */
function engineActions(): Record<string, JsonSchema> {
  const taskFile: JsonSchema = {
    description: 'a task file, by path relative to the role or playbook',
    anyOf: [{ type: 'string' }, { type: 'object', properties: { file: { type: 'string' }, _raw_params: { type: 'string' }, apply: { type: 'object' } }, additionalProperties: false }],
  }
  const role: JsonSchema = {
    description: 'a role, run here',
    anyOf: [{ type: 'object', properties: Object.fromEntries([...ROLE_INCLUDE_ARGS].map((k) => [k, k === 'apply' ? { type: 'object' } : k === 'public' || k === 'allow_duplicates' || k === 'rolespec_validate' ? ref('boolean') : { type: 'string' }])), required: ['name'], additionalProperties: false }, { type: 'string' }],
  }
  const meta: JsonSchema = { description: 'a run control action', anyOf: [{ enum: [...META_ACTIONS] }, ref('templated')] }
  const actions: Record<string, JsonSchema> = { include_tasks: taskFile, import_tasks: taskFile, include: taskFile, include_role: role, import_role: role, meta }
  return Object.fromEntries(Object.entries(actions).flatMap(([name, schema]) => withPrefixes(name).map((k) => [k, schema])))
}
