import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { ini_file } from '../../modules/ini_file.js'
import { ansibleCases, expectPlanAsAnsible, fileHolding, rootDirectory } from '../helpers/module-cases.js'
import { makeContext } from '../helpers/module-context.js'

// Each case was run through community.general's ini_file (as installed with ansible) on a real file
// (test/fixtures/output/run-ansible-module.py).
const cases = ansibleCases('ini_file/community-general.json')
const conn = connectLocal('local')

describe('ini_file plan against community.general', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const plan = () => ini_file.plan(ini_file.args.parse({ path: '/f', ...c.args }), { file: fileHolding(c.text), parent: rootDirectory, umask: 0o022 }, makeContext({ conn }))
    // an unchanged file is compared as Python read it (universal newlines)
    expectPlanAsAnsible(plan, c, (text) => text?.replace(/\r\n/g, '\n') ?? null)
  })
})

describe('ini_file arguments', () => {
  it('refuses value with values, takes dest as path', () => {
    expect(ini_file.args.safeParse({ path: '/f', value: 'a', values: ['b'] }).error?.issues[0]?.message).toBe('parameters are mutually exclusive: value|values')
    expect(ini_file.args.parse({ dest: '/f', option: 'x', value: 1 })).toMatchObject({ path: '/f', value: '1', create: true, exclusive: true })
  })
})

describe('ini_file on this machine', () => {
  const run = (a: Record<string, unknown>, check = false) => runModule(ini_file, makeContext({ conn, check, diff: true }), ini_file.args.parse(a))

  it('creates the file and its directory once; check mode touches nothing and ignores the mode', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsplay-ini-')), 'sub/app.ini')
    const a = { path, section: 'main', option: 'cmd', value: "$(touch x) '`'", mode: '0600' }
    expect((await run(a, true)).status).toBe('changed')
    const first = await run(a)
    expect(first.status).toBe('changed')
    expect(first.values).toMatchObject({ msg: 'section and option added', path })
    expect(readFileSync(path, 'utf8')).toBe("\n[main]\ncmd = $(touch x) '`'\n")
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect((await run(a)).status).toBe('ok')
    expect((await run({ ...a, mode: '0644' }, true)).status).toBe('ok')
    expect((await run({ ...a, mode: '0644' })).status).toBe('changed')
  })
})
