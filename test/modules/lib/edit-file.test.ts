import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../../engine/connection/index.js'
import { runModule, type AnyModule } from '../../../engine/module.js'
import { blockinfile } from '../../../modules/blockinfile.js'
import { lineinfile } from '../../../modules/lineinfile.js'
import { makeContext } from '../../helpers/module-context.js'

const conn = connectLocal('local')

describe('gatherEdit', () => {
  it.each([[lineinfile, { line: 'x' }], [blockinfile, { block: 'x' }]] as [AnyModule, Record<string, unknown>][])('refuses a directory for %s, as ansible-core (rc 256)', async (mod, extra) => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-edit-'))
    for (const check of [true, false]) {
      const outcome = await runModule(mod, makeContext({ conn, check }), mod.args.parse({ path: dir, ...extra }))
      expect(outcome).toMatchObject({ status: 'failed', changed: false, msg: `Path ${dir} is a directory !`, values: { rc: 256 } })
    }
  })
})
