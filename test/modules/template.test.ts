import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { template } from '../../modules/template.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const temp = () => mkdtempSync(join(tmpdir(), 'tsplay-template-'))

describe('template on this machine', () => {
  const role = temp()
  mkdirSync(join(role, 'templates'))
  writeFileSync(join(role, 'templates/app.conf.j2'), 'port = {{ port }}\n')
  const run = (a: Record<string, unknown>, vars: Record<string, unknown>, check = false) =>
    runModule(template, makeContext({ conn, check, diff: true, vars, files: role }), template.args.parse(a))

  it('renders, writes once, and then finds nothing to do; check mode predicts the same', async () => {
    const dest = join(temp(), 'app.conf')
    const a = { src: 'app.conf.j2', dest, mode: '0600' }
    const checked = await run(a, { port: 80 }, true)
    expect(checked.changes).toEqual([`create ${dest}`, `set mode of ${dest} 0644 → 0600`])
    expect(checked.diff).toEqual([{ before: '', after: 'port = 80\n', afterHeader: join(role, 'templates/app.conf.j2') }])
    expect((await run(a, { port: 80 })).changes).toEqual(checked.changes)
    expect(readFileSync(dest, 'utf8')).toBe('port = 80\n')
    expect((await run(a, { port: 80 })).changed).toBe(false)
    const changed = await run(a, { port: 8080 }, true)
    expect(changed.changes).toEqual([`update ${dest}`])
    expect(changed.diff[0]).toMatchObject({ before: 'port = 80\n', after: 'port = 8080\n' })
  })

  it('validates before replacing and keeps a backup', async () => {
    const dest = join(temp(), 'app.conf')
    writeFileSync(dest, 'port = 1\n')
    const failed = await run({ src: 'app.conf.j2', dest, validate: 'grep -q "port = 1$" %s' }, { port: 2 })
    expect(failed.status).toBe('failed')
    expect(readFileSync(dest, 'utf8')).toBe('port = 1\n')
    const ok = await run({ src: 'app.conf.j2', dest, backup: true, validate: 'grep -q "port = 2$" %s' }, { port: 2 })
    expect(ok.status).toBe('changed')
    expect(readFileSync(ok.values['backup_file'] as string, 'utf8')).toBe('port = 1\n')
  })

  it('fails on a template that is not there', async () => {
    const outcome = await run({ src: 'missing.j2', dest: join(temp(), 'x') }, {})
    expect(outcome.status).toBe('failed')
    expect(outcome.msg).toMatch(/missing\.j2/)
  })
})
