import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { raw } from '../../modules/raw.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const run = (args: Record<string, unknown>, check = false) => runModule(raw, makeContext({ conn, check }), raw.args.parse(args))

describe('raw', () => {
  it('sends the text to the shell and keeps the output unstripped', async () => {
    const out = await run({ cmd: 'echo hi; echo err >&2' })
    expect(out).toMatchObject({ status: 'changed', values: { rc: 0, stdout: 'hi\n', stderr: 'err\n', stdout_lines: ['hi'], stderr_lines: ['err'] } })
  })

  it('fails on a non-zero rc and is skipped in check mode', async () => {
    expect(await run({ cmd: 'exit 4' })).toMatchObject({ status: 'failed', msg: 'non-zero return code', values: { rc: 4 } })
    const skipped = await run({ cmd: 'exit 4' }, true)
    expect(skipped).toMatchObject({ status: 'skipped', changed: false })
    expect(skipped.msg).toBeUndefined()
  })

  it('runs with another executable when asked', async () => {
    expect((await run({ cmd: 'echo $0', executable: '/bin/bash' })).values['stdout']).toBe('/bin/bash\n')
  })
})
