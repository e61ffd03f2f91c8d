import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { shell } from '../../modules/shell.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const run = (args: Record<string, unknown>, check = false) => runModule(shell, makeContext({ conn, check }), shell.args.parse(args))

describe('shell', () => {
  it('runs the text as shell code with /bin/sh, cmd as a string', async () => {
    const out = await run({ cmd: 'echo $0; echo a | tr a b; exit 3' })
    expect(out).toMatchObject({ status: 'failed', msg: 'non-zero return code' })
    expect(out.values).toMatchObject({ cmd: 'echo $0; echo a | tr a b; exit 3', rc: 3, stdout: '/bin/sh\nb', stdout_lines: ['/bin/sh', 'b'] })
  })

  it('uses executable, chdir and stdin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-shell-'))
    const out = await run({ cmd: 'echo $0 $(pwd); read x; echo "$x"', executable: '/bin/bash', chdir: dir, stdin: 'line' })
    expect(out.values['stdout']).toBe(`/bin/bash ${dir}\nline`)
  })

  it('is skipped in check mode and guarded by creates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-shell-'))
    const marker = join(dir, 'm')
    expect(await run({ cmd: `touch ${marker}` }, true)).toMatchObject({ status: 'skipped', msg: 'Command would have run if not in check mode' })
    expect(existsSync(marker)).toBe(false)
    expect((await run({ cmd: `touch ${marker}`, creates: marker }, true)).status).toBe('changed')
    expect((await run({ cmd: `touch ${marker}`, creates: marker })).status).toBe('changed')
    const again = await run({ cmd: `touch ${marker}`, creates: marker })
    expect(again).toMatchObject({ status: 'ok', values: { msg: `Did not run command since '${marker}' exists` } })
  })
})
