import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { UsageError } from '../errors.js'
import { buildSchema, SCHEMA_KINDS, type SchemaKind } from './build.js'

/** The file name `tsplay schema --out DIR` writes a kind's schema to. */
export const schemaFileName = (kind: SchemaKind): string => `${kind}.schema.json`

/** The module names a library folder holds (`library/echo.py` is `echo`), as ansible finds modules there. */
export function libraryModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && !e.name.startsWith('_') && !e.name.startsWith('.')).map((e) => e.name.replace(/\.[^.]*$/, ''))
}

/**
 * `tsplay schema [KIND|all] [--out DIR] [--library DIR]...`: one kind's schema on stdout, or every asked-for kind
 * written to DIR (KIND.schema.json). The modules of ./library and of each --library folder are accepted by name.
 * Returns the exit code.
 */
export function schemaCommand(args: readonly string[], out: (s: string) => void): number {
  let dir: string | undefined
  const words: string[] = []
  const libraries: string[] = existsSync('library') ? ['library'] : []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const value = (): string => {
      const v = args[++i]
      if (v === undefined) throw new UsageError(`schema: ${a} needs a directory`)
      return v
    }
    if (a === '--out' || a === '-o') dir = value()
    else if (a.startsWith('--out=')) dir = a.slice('--out='.length)
    else if (a === '--library') libraries.push(value())
    else if (a.startsWith('-')) throw new UsageError(`schema: unknown option '${a}'`)
    else words.push(a)
  }
  const missing = libraries.find((l) => !existsSync(l))
  if (missing !== undefined) throw new UsageError(`schema: --library: no such directory '${missing}'`)
  const options = { modules: libraries.flatMap(libraryModules) }
  if (words.length > 1) throw new UsageError(`schema: unexpected argument '${words[1]}'`)
  const asked = words[0] ?? 'all'
  if (asked !== 'all' && !(SCHEMA_KINDS as readonly string[]).includes(asked)) throw new UsageError(`schema: unknown kind '${asked}' (expected ${SCHEMA_KINDS.join(', ')} or all)`)
  const kinds = asked === 'all' ? [...SCHEMA_KINDS] : [asked as SchemaKind]
  if (dir === undefined) {
    if (kinds.length > 1) throw new UsageError('schema: all kinds need --out DIR (or name one kind to print it)')
    out(`${JSON.stringify(buildSchema(kinds[0]!, options), null, 2)}\n`)
    return 0
  }
  mkdirSync(dir, { recursive: true })
  for (const kind of kinds) {
    const path = join(dir, schemaFileName(kind))
    writeFileSync(path, `${JSON.stringify(buildSchema(kind, options), null, 2)}\n`)
    out(`wrote ${path}\n`)
  }
  return 0
}
