import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { script, scriptCommand } from '../../modules/script.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const files = join(import.meta.dirname, '../fixtures/output/script')
const run = (args: Record<string, unknown>, check = false) => runModule(script, makeContext({ conn, check, files }), script.args.parse(args))

describe('script', () => {
  it('runs a controller script with its #! interpreter and quoted arguments', async () => {
    const out = await run({ cmd: 'show-args.sh a "b c" \'$(id)\'' })
    expect(out).toMatchObject({ status: 'changed', values: { rc: 0, stdout: 'args: a b c $(id)\n', stderr: 'e\n', stdout_lines: ['args: a b c $(id)'] } })
  })

  it('runs scripts without #! with sh, and others with their interpreter', async () => {
    expect((await run({ cmd: 'plain.sh x' })).values['stdout']).toBe('plain x\n')
    expect((await run({ cmd: 'hello.py -v' })).values['stdout']).toBe("py ['-v']\n")
  })

  it('is skipped when creates matches or removes does not, and in check mode without them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-script-'))
    writeFileSync(join(dir, 'done'), '')
    expect(await run({ cmd: 'plain.sh', creates: join(dir, 'done') })).toMatchObject({ status: 'skipped', msg: `${join(dir, 'done')} exists, matching creates option` })
    expect(await run({ cmd: 'plain.sh', removes: join(dir, 'gone') })).toMatchObject({ status: 'skipped', msg: `${join(dir, 'gone')} does not exist, matching removes option` })
    expect(await run({ cmd: 'plain.sh' }, true)).toMatchObject({ status: 'skipped', msg: 'Check mode is not supported for this task.' })
    expect(await run({ cmd: 'plain.sh', creates: join(dir, 'new') }, true)).toMatchObject({ status: 'changed' })
  })

  it('fails with the output kept, and when the script is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-script-'))
    writeFileSync(join(dir, 'fail.sh'), 'echo before\nexit 7\n')
    const failing = await runModule(script, makeContext({ conn, files: dir }), script.args.parse({ cmd: 'fail.sh' }))
    expect(failing).toMatchObject({ status: 'failed', msg: 'non-zero return code', values: { rc: 7, stdout: 'before\n' } })
    expect((await run({ cmd: 'nope.sh' })).status).toBe('failed')
  })

  it('builds the interpreter command from the #! line', () => {
    expect(scriptCommand(Buffer.from('#!/usr/bin/env python3\nx'), ['-a'])).toBe("cat | /usr/bin/env python3 /dev/fd/3 '-a' 3<&0 0</dev/null")
    expect(scriptCommand(Buffer.from('#!/bin/bash -eu\nx'), [])).toBe("cat | /bin/bash '-eu' /dev/fd/3  3<&0 0</dev/null")
    expect(scriptCommand(Buffer.from('echo'), ['a b'])).toBe("/bin/sh -s -- 'a b'")
  })
})
