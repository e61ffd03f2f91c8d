import { z } from 'zod'
import { builtinModules } from '../../modules/index.js'
import { UsageError, didYouMean } from '../errors.js'
import { schemaShape } from '../load/index.js'

/** `tsplay doc --list`: every module with its one-line description. */
export function docList(): string {
  const names = Object.keys(builtinModules).sort()
  const width = Math.max(...names.map((n) => n.length))
  return names.map((n) => `${n.padEnd(width)}  ${builtinModules[n]!.description}`).join('\n') + '\n'
}

/** `tsplay doc MODULE`: description, arguments from the zod schema, and the example. */
export function docModule(name: string): string {
  const mod = builtinModules[name.replace(/^ansible\.(builtin|legacy|posix)\.|^community\.general\./, '')]
  if (mod === undefined) {
    const hint = didYouMean(name, Object.keys(builtinModules))
    throw new UsageError(`unknown module '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
  }
  const out = [`${mod.name}: ${mod.description}`, '', 'Arguments:']
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
