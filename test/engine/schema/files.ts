// The repo's YAML content sorted by what kind of file it is, and ajv set up as the schema's reference validator.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, posix, resolve } from 'node:path'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { isMap, isScalar, LineCounter, parseDocument, type Node } from 'yaml'
import { buildSchema, libraryModules, type SchemaKind, type SchemaOptions } from '../../../engine/schema/index.js'
import { parseYaml } from '../../../engine/yaml/index.js'

export const ROOT = resolve(import.meta.dirname, '../../..')

/** YAML files under these folders, symbolic links not followed (playbooks/roles is roles/ again). */
export function yamlFiles(...dirs: string[]): string[] {
  const walk = (dir: string): string[] => readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = posix.join(dir, e.name)
    if (e.isDirectory()) return walk(path)
    return e.isFile() && /\.ya?ml$/.test(e.name) ? [path] : []
  })
  return dirs.flatMap(walk).sort()
}

/** A file's data as a YAML 1.1 reader (ansible's PyYAML) sees it, vault and unsafe values as plain strings. */
export function readData(path: string): unknown {
  const doc = parseYaml(readFileSync(join(ROOT, path), 'utf8'), path).doc
  return JSON.parse(JSON.stringify(doc.toJS(), (_k, v: unknown) => (v instanceof String ? String(v) : v)))
}

const isPlay = (item: unknown): boolean => typeof item === 'object' && item !== null && ['hosts', 'import_playbook', 'ansible.builtin.import_playbook'].some((k) => Object.hasOwn(item, k))

/** Which schema a file is for, from where it lives and (outside roles) what it holds; undefined for vars, inventories and the like. */
export function kindOf(path: string, data: unknown): SchemaKind | undefined {
  if (/\/meta\/main\.ya?ml$/.test(path)) return 'role-meta'
  if (/\/meta\/argument_specs\.ya?ml$/.test(path)) return 'argument-specs'
  if (/\/(group_vars|host_vars|vars|defaults|meta)\//.test(path)) return undefined
  if (/(^|\/)roles\/.+\/handlers\//.test(path)) return 'handlers'
  if (/(^|\/)roles\/.+\/tasks\//.test(path)) return 'tasks'
  if (!Array.isArray(data) || data.length === 0 || !data.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x))) return undefined
  return data.every(isPlay) ? 'playbook' : data.some(isPlay) ? undefined : 'tasks'
}

/** The modules of their own that fixture projects use (library/ folders, a collection's plugins/modules). */
export function projectModules(path: string): string[] {
  if (path.startsWith('test/fixtures/config-project/')) return ['writefile', 'note']
  // a playbook's own library/ (ansible's ./library), as `tsplay schema` run beside it finds it
  const library = join(ROOT, posix.dirname(path), 'library')
  return existsSync(library) ? libraryModules(library) : []
}

/** ajv compiled for each kind, strict mode off only for the annotations editors read (markdownDescription and the like). */
export function validators(options: SchemaOptions = {}): Record<SchemaKind, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false })
  const compile = (kind: SchemaKind): ValidateFunction => ajv.compile(buildSchema(kind, options))
  return { playbook: compile('playbook'), tasks: compile('tasks'), handlers: compile('handlers'), 'role-meta': compile('role-meta'), 'argument-specs': compile('argument-specs') }
}

/** One problem ajv found, with the 0-based line of the YAML node it is about (the key, for an unknown key). */
export interface Problem {
  readonly path: string
  readonly line: number
  readonly message: string
}

/**
 * The problems a validator reports for `text`, those an editor shows: the deepest ones (an `anyOf` that failed
 * because one of its branches did is the branch's problem, reported once), each located in the YAML.
 */
export function problems(validate: ValidateFunction, text: string): Problem[] {
  const lines = new LineCounter()
  const doc = parseDocument(text, { version: '1.1', lineCounter: lines, customTags: [vaultTag, unsafeTag] })
  if (validate(doc.toJS())) return []
  const errors = (validate.errors ?? []).filter((e) => !['anyOf', 'oneOf', 'if', 'then', 'else', 'allOf'].includes(e.keyword))
  const paths = errors.map((e) => pathOf(e))
  const deepest = errors.filter((_, i) => !paths.some((p, j) => j !== i && p.length > paths[i]!.length && p.startsWith(paths[i]! + '/')))
  const found = deepest.map((e) => {
    const node = doc.getIn(segments(e.instancePath), true) as Node | undefined
    let located: Node | undefined = node
    // a missing key is reported on the key that holds the mapping, as editors underline it
    const parent = doc.getIn(segments(e.instancePath).slice(0, -1), true)
    if (e.keyword === 'required' && isMap(parent)) located = (parent.items.find((p) => p.value === node)?.key as Node | undefined) ?? node
    if (e.keyword === 'additionalProperties' && isMap(node)) located = (node.items.find((p) => isScalar(p.key) && String(p.key.value) === (e.params as { additionalProperty: string }).additionalProperty)?.key as Node | undefined) ?? node
    const offset = located?.range?.[0] ?? 0
    return { path: pathOf(e), line: lines.linePos(offset).line - 1, message: e.message ?? e.keyword }
  })
  return found.filter((p, i) => found.findIndex((q) => q.path === p.path && q.message === p.message) === i)
}

/** An error's path, the unknown or missing key appended (`/0/tasks/0/whne`). */
function pathOf(e: ErrorObject): string {
  const p = e.params as { additionalProperty?: string; missingProperty?: string }
  const key = p.additionalProperty ?? p.missingProperty
  return key === undefined ? e.instancePath : `${e.instancePath}/${key}`
}

const segments = (pointer: string): (string | number)[] => pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s))
const vaultTag = { tag: '!vault', resolve: (s: string): string => s }
const unsafeTag = { tag: '!unsafe', resolve: (s: string): string => s }

/** Where each seeded mistake must be reported: the JSON pointer (the unknown or missing key appended) and the 0-based line. */
export const EXPECTED: Readonly<Record<string, readonly (readonly [string, number])[]>> = {
  'argument-specs-bad-type.yml': [['/argument_specs/main/options/site_ca_path/type', 6], ['/argument_specs/main/options/site_ca_mode/requird', 10]],
  'bad-choice.yml': [['/0/tasks/0/file/state', 5]],
  'bad-loop-control.yml': [['/0/tasks/0/loop_control/loopvar', 7]],
  'bad-meta-action.yml': [['/0/tasks/0/meta', 3]],
  'bad-register.yml': [['/0/tasks/0/register', 4]],
  'block-with-module.yml': [['/0/tasks/0/debug', 5]],
  'meta-bad-dependency.yml': [['/dependencies/0', 2], ['/allow_duplicates', 3]],
  'meta-bad-field.yml': [['/dependecies', 4]],
  'missing-hosts.yml': [['/0/hosts', 1]],
  'missing-required.yml': [['/0/tasks/0/sysctl/name', 4], ['/0/tasks/0/sysctl/key', 4]],
  'tasks-unknown-module-arg.yml': [['/0/apt/update_cahce', 4], ['/1/listen', 9]],
  'unknown-arg.yml': [['/0/tasks/0/ansible.builtin.copy/mod', 7]],
  'unknown-keyword.yml': [['/0/tasks/0/whne', 6]],
  'unknown-play-keyword.yml': [['/0/gather_fact', 2]],
  'wrong-arg-type.yml': [['/0/tasks/0/sysctl/reload', 7]],
  'wrong-int-type.yml': [['/0/tasks/0/wait_for/port', 4]],
}

/** The schema kind an invalid fixture names in its modeline. */
export const fixtureKind = (text: string): SchemaKind => /\$schema=\.\/([a-z-]+)\.schema\.json/.exec(text)![1] as SchemaKind
