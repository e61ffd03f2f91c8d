import type { JsonSchema } from './relax.js'

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` })
const TEXT: JsonSchema = { type: ['string', 'number'] }
const TEXTS: JsonSchema = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }

/** The types ansible's argument spec validator knows for an option. */
const OPTION_TYPES = ['str', 'list', 'dict', 'bool', 'int', 'float', 'path', 'raw', 'jsonarg', 'json', 'bytes', 'bits']

/** One option of an entry point of `meta/argument_specs.yml` (nested under `options` for dicts and lists of dicts). */
export const ARGUMENT_OPTION: JsonSchema = {
  type: 'object',
  description: 'one variable the role takes',
  properties: {
    type: { enum: OPTION_TYPES, description: 'the type the value is checked and converted to (default str)' },
    required: { ...ref('boolean'), description: 'the role fails before its first task when the variable is not given' },
    default: { description: 'the value used when the variable is not given (defaults/main.yml should say the same)' },
    choices: { type: 'array', description: 'the only values accepted' },
    elements: { enum: OPTION_TYPES, description: 'the type of each element, for type list' },
    options: { type: 'object', additionalProperties: ref('argumentOption'), description: 'the keys of a dict (or of each dict of a list)' },
    description: { ...TEXTS, description: 'what the variable is for, a string or a list of paragraphs' },
    aliases: { type: 'array', items: { type: 'string' }, description: 'other names for the variable' },
    no_log: { ...ref('boolean'), description: 'hide the value in logs' },
    apply_defaults: { ...ref('boolean'), description: 'with options: fill in the defaults of sub-options even when the dict is not given' },
    version_added: { ...TEXT, description: 'the role version that added the variable' },
    mutually_exclusive: { type: 'array', description: 'sub-options that may not be given together' },
    required_together: { type: 'array', description: 'sub-options that must be given together' },
    required_one_of: { type: 'array', description: 'sub-options of which at least one is required' },
    required_if: { type: 'array', description: 'sub-options required when another has a given value' },
    required_by: { type: 'object', description: 'sub-options required by another' },
  },
  additionalProperties: false,
}

/** One entry point (`main`, or a tasks_from name) of `argument_specs`. */
const ENTRY_POINT: JsonSchema = {
  type: 'object',
  description: 'the variables of one entry point (tasks/NAME.yml)',
  properties: {
    short_description: { type: 'string', description: 'one line on what the entry point does' },
    description: { ...TEXTS, description: 'what the entry point does, a string or a list of paragraphs' },
    author: { ...TEXTS, description: 'who wrote it' },
    version_added: TEXT,
    options: { type: 'object', additionalProperties: ref('argumentOption'), description: 'the variables, by name' },
    mutually_exclusive: { type: 'array' },
    required_together: { type: 'array' },
    required_one_of: { type: 'array' },
    required_if: { type: 'array' },
    required_by: { type: 'object' },
    seealso: { type: 'array' },
  },
  additionalProperties: false,
}

/** The `argument_specs` mapping, by entry point name. */
export const ARGUMENT_SPECS: JsonSchema = { type: 'object', additionalProperties: ENTRY_POINT, description: "the role's variables per entry point, checked before its tasks run" }

/** `meta/argument_specs.yml`. */
export const ARGUMENT_SPECS_FILE: JsonSchema = {
  type: 'object',
  properties: { argument_specs: ref('argumentSpecs') },
  required: ['argument_specs'],
  additionalProperties: false,
}

/** `meta/main.yml`: the attributes of ansible-core's RoleMetadata, each other key an error as in ansible. */
export const ROLE_META_FILE: JsonSchema = {
  type: 'object',
  properties: {
    galaxy_info: {
      type: 'object',
      description: 'information for Ansible Galaxy; not used when the role runs',
      properties: {
        role_name: { type: 'string' },
        namespace: { type: 'string' },
        author: TEXT,
        description: { type: 'string' },
        company: { type: 'string' },
        license: TEXTS,
        min_ansible_version: TEXT,
        min_ansible_container_version: TEXT,
        issue_tracker_url: { type: 'string' },
        github_branch: { type: 'string' },
        platforms: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, versions: { type: 'array', items: TEXT } } } },
        galaxy_tags: { type: 'array', items: { type: 'string' } },
        cloud_platforms: { type: 'array' },
        dependencies: { type: 'array' },
      },
    },
    dependencies: { anyOf: [{ type: 'array', items: ref('roleEntry') }, { type: 'null' }], description: 'roles run before this one' },
    allow_duplicates: { ...ref('boolean'), description: 'run the role again when it is listed again with the same parameters' },
    collections: { type: 'array', items: { type: 'string' }, description: "collections searched for the role's short module names" },
    argument_specs: ref('argumentSpecs'),
  },
  additionalProperties: false,
}
