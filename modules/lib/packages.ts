import { z } from 'zod'
import type { Change, Diff } from '../../engine/module.js'

/**
 * Accept Ansible's alternative spellings of arguments (`pkg` and `package` for `name`, `update-cache`…):
 * each alias is renamed to its argument before the strict schema sees it; giving both is an error.
 */
export function withAliases<T extends z.ZodTypeAny>(schema: T, aliases: Readonly<Record<string, string>>): z.ZodEffects<T, z.output<T>, unknown> {
  const known = withAliasKeys(schema, aliases) as T
  return z.preprocess((input, ctx) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return input
    const out: Record<string, unknown> = { ...(input as Record<string, unknown>) }
    for (const [alias, name] of Object.entries(aliases)) {
      if (!Object.hasOwn(out, alias)) continue
      if (Object.hasOwn(out, name)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [alias], message: `'${alias}' is an alias of '${name}': give only one of them` })
        continue
      }
      out[name] = out[alias]
      delete out[alias]
    }
    return out
  }, known)
}

/**
 * The same schema with each alias as an optional key of its argument's type, so that whoever reads the
 * object's shape (the loader's unknown-key check, `tsplay doc`) knows `pkg:` or `dest:`; refinements are kept.
 */
function withAliasKeys(schema: z.ZodTypeAny, aliases: Readonly<Record<string, string>>): z.ZodTypeAny {
  if (schema instanceof z.ZodEffects) return new z.ZodEffects({ ...schema._def, schema: withAliasKeys(schema._def.schema as z.ZodTypeAny, aliases) })
  if (!(schema instanceof z.ZodObject)) return schema
  const shape = schema.shape as z.ZodRawShape
  const extra: z.ZodRawShape = {}
  for (const [alias, name] of Object.entries(aliases)) {
    const target = shape[name]
    if (target === undefined || Object.hasOwn(shape, alias)) continue
    const inner = target instanceof z.ZodDefault || target instanceof z.ZodOptional ? (target._def.innerType as z.ZodTypeAny) : target
    extra[alias] = inner.optional().describe(`alias of ${name}`)
  }
  return schema.extend(extra)
}

/** One package a package module acts on; `version` is what it will be (install) or was (remove). */
export interface PackageChange extends Change {
  readonly kind: 'install' | 'upgrade' | 'downgrade' | 'remove' | 'purge' | 'dependency' | 'update-cache' | 'upgrade-all' | 'autoremove' | 'autoclean' | 'build-dep'
  /** The word handed to the package manager (`hello`, `hello=2.10-3`); absent for changes it makes by itself. */
  readonly spec?: string
  readonly name?: string
  readonly from?: string
  readonly to?: string
  /** Architecture, where the package manager names packages with it (`.noarch`). */
  readonly arch?: string
}

/** The imperative summary of installing, upgrading or removing one package. */
export function packageSummary(kind: PackageChange['kind'], name: string, from?: string, to?: string): string {
  switch (kind) {
    case 'upgrade':
    case 'downgrade':
      return `${kind} ${name}${from ? ` ${from}` : ''} → ${to ?? 'latest'}`
    case 'remove':
    case 'purge':
      return `${kind} ${name}${from ? ` ${from}` : ''}`
    case 'dependency':
      return `install ${name}${to ? ` ${to}` : ''} (dependency)`
    default:
      return `${kind} ${name}${to ? ` ${to}` : ''}`
  }
}

/**
 * The --diff of a package transaction: the affected packages with their versions before and after,
 * one `name version` line each, so a unified diff reads as "-wget 1.21" / "+hello 2.10-3".
 */
export function packageDiff(changes: readonly PackageChange[]): Diff[] {
  const touched = changes.filter((c) => c.name !== undefined).sort((a, b) => a.name!.localeCompare(b.name!))
  if (touched.length === 0) return []
  const line = (name: string, version: string | undefined): string => `${name}${version ? ` ${version}` : ''}\n`
  const before = touched.filter((c) => c.from !== undefined || ['remove', 'purge', 'upgrade', 'downgrade'].includes(c.kind)).map((c) => line(c.name!, c.from)).join('')
  const after = touched.filter((c) => c.kind !== 'remove' && c.kind !== 'purge').map((c) => line(c.name!, c.to)).join('')
  return [{ before, after, beforeHeader: 'installed packages (before)', afterHeader: 'installed packages (after)' }]
}

/** Glob match of a version pattern (`1.0*`) as Python's fnmatch, which Ansible uses for `name=version*`. */
export function versionMatches(version: string, pattern: string): boolean {
  if (!/[*?[]/.test(pattern)) return version === pattern
  const regex = pattern.replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')
  return new RegExp(`^${regex}$`).test(version)
}
