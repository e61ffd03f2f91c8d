import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { schemaShape } from '../../../engine/load/index.js'
import { packageDiff, versionMatches, withAliases } from '../../../modules/lib/packages.js'

describe('withAliases', () => {
  const schema = withAliases(z.object({ name: z.array(z.string()).default([]), state: z.string().optional() }).strict().superRefine((a, ctx) => {
    if (a.name.includes('bad')) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'bad name' })
  }), { pkg: 'name' })

  it('renames an alias to its argument and keeps the refinements', () => {
    expect(schema.parse({ pkg: ['a'] })).toEqual({ name: ['a'] })
    expect(schema.safeParse({ pkg: ['bad'] }).error?.issues[0]?.message).toBe('bad name')
    expect(schema.safeParse({ pkg: ['a'], name: ['b'] }).error?.issues[0]?.message).toBe("'pkg' is an alias of 'name': give only one of them")
    expect(schema.safeParse({ pgk: ['a'] }).success).toBe(false)
  })

  it('shows the alias in the shape the loader checks keys and values against', () => {
    const shape = schemaShape(schema)!
    expect(Object.keys(shape).sort()).toEqual(['name', 'pkg', 'state'])
    expect(shape.pkg!.description).toBe('alias of name')
    expect(shape.pkg!.safeParse(42).success).toBe(false)
  })
})

describe('package helpers', () => {
  it('matches version globs as fnmatch', () => {
    expect(versionMatches('1.0-3', '1.0*')).toBe(true)
    expect(versionMatches('1.10', '1.1?')).toBe(true)
    expect(versionMatches('1.0+b1', '1.0')).toBe(false)
  })

  it('summarises a transaction as before/after package lines', () => {
    expect(packageDiff([
      { kind: 'install', name: 'hello', to: '2.10-3', summary: '' },
      { kind: 'remove', name: 'wget', from: '1.21', summary: '' },
      { kind: 'upgrade', name: 'bash', from: '5.2-1', to: '5.2-2', summary: '' },
    ])).toEqual([{ before: 'bash 5.2-1\nwget 1.21\n', after: 'bash 5.2-2\nhello 2.10-3\n', beforeHeader: 'installed packages (before)', afterHeader: 'installed packages (after)' }])
  })
})
