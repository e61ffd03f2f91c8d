import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { replace } from '../../modules/replace.js'
import { ansibleCases, expectPlanAsAnsible, fileHolding, rootDirectory } from '../helpers/module-cases.js'
import { makeContext } from '../helpers/module-context.js'

// Each case was run through ansible-core 2.14's replace on a real file (test/fixtures/output/run-ansible-module.py).
const cases = ansibleCases('replace/ansible-2.14.json')
const conn = connectLocal('local')

describe('replace plan against ansible-core 2.14', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const plan = () => replace.plan(replace.args.parse({ path: '/f', ...c.args }), { file: fileHolding(c.text), parent: rootDirectory, umask: 0o022 }, makeContext({ conn }))
    expectPlanAsAnsible(plan, c)
    expect(c.expected.failed || plan().values?.['rc'] === 0).toBe(true)
  })
})

describe('replace arguments', () => {
  it('needs regexp, takes dest as path, refuses unknown keys', () => {
    expect(replace.args.safeParse({ path: '/f' }).success).toBe(false)
    expect(replace.args.parse({ dest: '/f', regexp: 'a' })).toMatchObject({ path: '/f', replace: '' })
    expect(replace.args.safeParse({ path: '/f', regexp: 'a', regex: 'b' }).success).toBe(false)
  })
})

describe('replace on this machine', () => {
  const run = (a: Record<string, unknown>, check = false) => runModule(replace, makeContext({ conn, check, diff: true }), replace.args.parse(a))

  it('replaces once, then not again; check mode touches nothing; backup kept', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsplay-replace-')), 'app.conf')
    writeFileSync(path, 'listen 127.0.0.1:80\n')
    const a = { path, regexp: '^listen 127\\.0\\.0\\.1:(\\d+)$', replace: "listen 0.0.0.0:\\1 $(touch x) '`'", backup: true }
    const checked = await run(a, true)
    expect(checked.status).toBe('changed')
    expect(readFileSync(path, 'utf8')).toBe('listen 127.0.0.1:80\n')
    const first = await run(a)
    expect(first.status).toBe('changed')
    expect(first.values['backup_file']).toMatch(/app\.conf\.\d+\.\d{4}-\d\d-\d\d@/)
    expect(readFileSync(path, 'utf8')).toBe("listen 0.0.0.0:80 $(touch x) '`'\n")
    expect((await run(a)).status).toBe('ok')
  })
})
