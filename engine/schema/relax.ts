/** A JSON Schema (draft-07) object, as plain JSON. */
export type JsonSchema = { [key: string]: unknown }

/** A string Ansible templates: it may stand wherever a typed value is expected, since only the rendered value has a type. */
export const TEMPLATED: JsonSchema = {
  type: 'string',
  pattern: '\\{\\{|\\{%',
  description: 'a Jinja2 template, rendered when the task runs',
}

const TEMPLATED_REF = { $ref: '#/definitions/templated' }

/** YAML 1.1 booleans as PyYAML reads them (yes/no/on/off/y/n in their three spellings), for editors that read YAML 1.2. */
const YAML11_BOOLEANS = ['yes', 'Yes', 'YES', 'no', 'No', 'NO', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'y', 'Y', 'n', 'N', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']

/** A boolean as Ansible reads keyword and module values: true/false, the YAML 1.1 words, 1/0, or a template. */
export const BOOLEAN: JsonSchema = { anyOf: [{ type: 'boolean' }, { type: 'string', enum: YAML11_BOOLEANS }, { type: 'integer', enum: [0, 1] }, TEMPLATED_REF] }

const BOOLEAN_REF = '#/definitions/boolean'

const ANNOTATIONS = ['description', 'default', 'title', 'markdownDescription']

/** Whether a node says nothing more than "any string" (a template is a string already). */
function anyString(node: JsonSchema): boolean {
  return node['type'] === 'string' && Object.keys(node).every((k) => k === 'type' || ANNOTATIONS.includes(k))
}

/**
 * What a preprocessing zod schema accepts beyond its inner type: the string forms Ansible converts (yes/no for a
 * boolean, digits for a number, a comma-separated string for a list). Called on the JSON of the inner schema.
 */
export function widenPreprocessed(node: JsonSchema): JsonSchema {
  const type = node['type']
  if (type === 'boolean') return { ...pick(node, ANNOTATIONS), $ref: BOOLEAN_REF }
  if (type === 'number' || type === 'integer') return { ...pick(node, ANNOTATIONS), anyOf: [omit(node, ANNOTATIONS), { type: 'string', pattern: type === 'integer' ? '^\\s*-?\\d+\\s*$' : '^\\s*-?\\d+(\\.\\d+)?\\s*$' }] }
  if (type === 'array') return { ...pick(node, ANNOTATIONS), anyOf: [omit(node, ANNOTATIONS), { type: 'string' }, { type: 'number' }] }
  return node
}

/**
 * Let a template stand for any typed value, all the way down: every node but a plain string becomes
 * `anyOf: [itself, templated]`, its annotations kept on the outside where an editor's hover looks.
 */
export function acceptTemplates(node: JsonSchema): JsonSchema {
  const inner = descend(node)
  if (anyString(inner) || Object.keys(omit(inner, ANNOTATIONS)).length === 0 || inner['$ref'] === TEMPLATED_REF.$ref || inner['$ref'] === BOOLEAN_REF) return inner
  if (Array.isArray(inner['anyOf']) && Object.keys(omit(inner, [...ANNOTATIONS, 'anyOf'])).length === 0) {
    const members = inner['anyOf'] as JsonSchema[]
    if (members.some((m) => anyString(m) || m['$ref'] === TEMPLATED_REF.$ref)) return inner
    return { ...inner, anyOf: [...members, TEMPLATED_REF] }
  }
  return { ...pick(inner, ANNOTATIONS), anyOf: [omit(inner, ANNOTATIONS), TEMPLATED_REF] }
}

function descend(node: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...node }
  if (isObject(node['properties'])) out['properties'] = mapValues(node['properties'] as Record<string, JsonSchema>, acceptTemplates)
  if (isObject(node['patternProperties'])) out['patternProperties'] = mapValues(node['patternProperties'] as Record<string, JsonSchema>, acceptTemplates)
  if (isObject(node['additionalProperties'])) out['additionalProperties'] = acceptTemplates(node['additionalProperties'] as JsonSchema)
  if (isObject(node['items'])) out['items'] = acceptTemplates(node['items'] as JsonSchema)
  if (Array.isArray(node['anyOf'])) out['anyOf'] = (node['anyOf'] as JsonSchema[]).map(descend)
  return out
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

const mapValues = (o: Record<string, JsonSchema>, f: (v: JsonSchema) => JsonSchema): Record<string, JsonSchema> =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]))

/** The given keys of an object, those present. */
export const pick = (o: JsonSchema, keys: readonly string[]): JsonSchema => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)))

/** An object without the given keys. */
export const omit = (o: JsonSchema, keys: readonly string[]): JsonSchema => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)))
