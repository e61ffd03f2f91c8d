import { z } from 'zod'
import { builtinModules, resolveModuleName } from '../../modules/index.js'
import { coreModules, findAnsibleModule, installedCollections, shortDescription } from '../ansible/index.js'
import { UsageError, didYouMean } from '../errors.js'
import { schemaShape } from '../load/index.js'

/** Which modules `tsplay doc --list` shows: tsplay's own only (no Python started), or Ansible's beside them. */
export interface DocListOptions {
  readonly nativeOnly?: boolean
  readonly env?: NodeJS.ProcessEnv
}

/**
 * `tsplay doc --list`: every module with how it runs and its one-line description. Native modules are tsplay's own;
 * `ansible` ones are ansible-core's modules (ansible.builtin) tsplay has no native version of, which run as
 * Ansible's own; then the installed collections on the collection roots, all of whose modules run that way.
 */
export function docList(options: DocListOptions = {}): string {
  const rows: Array<readonly [string, string, string]> = Object.keys(builtinModules).map((n) => [n, 'native', builtinModules[n]!.description])
  const collections = options.nativeOnly ? [] : installedCollections(options.env)
  if (!options.nativeOnly) for (const m of coreModules()) if (resolveModuleName(m.name) === undefined) rows.push([m.name, 'ansible', m.description])
  rows.sort((a, b) => a[0].localeCompare(b[0]))
  const width = Math.max(...rows.map((r) => r[0].length))
  const out = rows.map(([name, kind, description]) => `${name.padEnd(width)}  ${kind.padEnd(7)}  ${description}`)
  if (collections.length > 0) {
    out.push('', "Collections on the collection path (their modules run as Ansible's own; `tsplay doc NS.COLL.NAME` for one):")
    const cw = Math.max(...collections.map((c) => c.name.length))
    for (const c of collections) out.push(`${c.name.padEnd(cw)}  ${String(c.modules).padStart(4)} module${c.modules === 1 ? ' ' : 's'}  ${c.path}`)
  }
  return out.join('\n') + '\n'
}

const NATIVE = "Runs: native (tsplay's own implementation, which the name always selects)"

/** `tsplay doc MODULE`: how it runs; for a native module its arguments from the zod schema and the example. */
export function docModule(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const native = resolveModuleName(name)
  const mod = native === undefined ? undefined : builtinModules[native]
  if (mod === undefined) {
    const ref = findAnsibleModule(name, { libraryDirs: [] }, env)
    if (ref !== undefined) {
      const title = `${ref.name}: ${shortDescription(ref.path) ?? 'an Ansible module'}`
      return [title, '', `Runs: as Ansible's own module (${ref.path}), packed by ansible-core on the controller and run by the host's Python`, `Arguments: as ansible-doc ${name} describes them`].join('\n') + '\n'
    }
    const hint = didYouMean(name, Object.keys(builtinModules))
    throw new UsageError(`unknown module '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
  }
  const out = [`${mod.name}: ${mod.description}`, '', NATIVE, '', 'Arguments:']
  const shape = schemaShape(mod.args)
  if (shape === undefined) out.push(`  (any names) ${mod.args.description ?? ''}`.trimEnd())
  else {
    for (const [key, schema] of Object.entries(shape)) {
      const info = describeField(schema)
      out.push(`  ${key}${info.required ? ' (required)' : ''}${info.default !== undefined ? ` [default: ${JSON.stringify(info.default)}]` : ''}${key === mod.freeForm ? ' (free form)' : ''}`)
      if (info.description) out.push(`      ${info.description}`)
    }
  }
  out.push('', 'Example:', ...mod.example.split('\n').map((l) => `  ${l}`))
  return out.join('\n') + '\n'
}

function describeField(schema: z.ZodTypeAny): { required: boolean; default?: unknown; description?: string } {
  let s = schema
  let required = true
  let def: unknown
  let description = schema.description
  for (;;) {
    description ??= s.description
    if (s instanceof z.ZodOptional) { required = false; s = s._def.innerType }
    else if (s instanceof z.ZodDefault) { required = false; def = s._def.defaultValue(); s = s._def.innerType }
    else if (s instanceof z.ZodEffects) s = s._def.schema
    else break
  }
  return { required, ...(def !== undefined ? { default: def } : {}), ...(description ? { description } : {}) }
}
