import { statSync } from 'node:fs'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { tempfile } from '../../modules/tempfile.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')

describe('tempfile on this machine', () => {
  const run = (a: Record<string, unknown>, check = false) => runModule(tempfile, makeContext({ conn, check }), tempfile.args.parse(a))
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-tempfile-'))

  it('creates a 0600 file named prefix + 8 characters + suffix, each run a new one; skipped in check mode as ansible', async () => {
    expect(await run({ path: dir }, true)).toMatchObject({ status: 'skipped', msg: 'remote module (tempfile) does not support check mode' })
    const first = await run({ path: dir, prefix: '-x $(id)', suffix: '.conf' })
    expect(first.status).toBe('changed')
    expect(first.values['path']).toMatch(new RegExp(`^${dir}/-x \\$\\(id\\)[A-Za-z0-9]{8}\\.conf$`))
    expect(first.values).toMatchObject({ mode: '0600', state: 'file', size: 0 })
    expect(statSync(first.values['path'] as string).isFile()).toBe(true)
    expect((await run({ path: dir, prefix: '-x $(id)', suffix: '.conf' })).values['path']).not.toBe(first.values['path'])
  })

  it('creates a 0700 directory', async () => {
    const made = await run({ path: dir, state: 'directory' })
    expect(made.values).toMatchObject({ mode: '0700', state: 'directory' })
    expect(made.values['path']).toMatch(new RegExp(`^${dir}/ansible\\.[A-Za-z0-9]{8}$`))
    expect(statSync(made.values['path'] as string).isDirectory()).toBe(true)
  })
})
