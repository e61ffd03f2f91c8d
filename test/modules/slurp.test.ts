import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { slurp } from '../../modules/slurp.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const run = (a: Record<string, unknown>) => runModule(slurp, makeContext({ conn }), slurp.args.parse(a))

describe('slurp on this machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-slurp-'))

  it('returns any bytes base64-encoded, unchanged', async () => {
    const path = join(dir, "t $(id);'")
    const bytes = Buffer.from([0, 1, 2, 255, 10, 65])
    writeFileSync(path, bytes)
    const outcome = await run({ src: path })
    expect(outcome).toMatchObject({ status: 'ok', changed: false, values: { encoding: 'base64', source: path, content: bytes.toString('base64') } })
    expect((await run({ path })).values['content']).toBe(bytes.toString('base64'))
  })

  it('fails like Ansible on a missing file and on a directory', async () => {
    expect((await run({ src: join(dir, 'nope') })).msg).toBe(`file not found: ${join(dir, 'nope')}`)
    expect((await run({ src: dir })).msg).toBe(`source is a directory and must be a file: ${dir}`)
  })
})
