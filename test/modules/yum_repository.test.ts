import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { yum_repository } from '../../modules/yum_repository.js'
import { makeContext } from '../helpers/module-context.js'

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/output/yum_repository', name), 'utf8')
const conn = connectLocal('controller')
const dir = mkdtempSync(join(tmpdir(), 'tsplay-yumrepo-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const run = (args: Record<string, unknown>, check = false) => runModule(yum_repository, makeContext({ conn, check, diff: true }), yum_repository.args.parse({ reposdir: dir, ...args }))

// The expected files were written by ansible-core 2.14's yum_repository with the same arguments.
describe('yum_repository writes what Ansible writes', () => {
  it('adds a section beside an existing one, dropping comments, with list values on continuation lines', async () => {
    writeFileSync(join(dir, 'multi.repo'), '# a comment Ansible drops\n[base]\nname=Base\nbaseurl=http://mirror/base\n  http://mirror2/base\nenabled=1\n')
    const args = { name: 'multi', description: 'two urls', baseurl: 'http://a/,http://b/', gpgkey: ['k1', 'k2'], file: 'multi', priority: 10, skip_if_unavailable: 'true' }
    expect(await run(args, true)).toMatchObject({ status: 'changed', changes: [`write repository multi in ${dir}/multi.repo`] })
    expect(readFileSync(join(dir, 'multi.repo'), 'utf8')).toContain('# a comment')
    expect(await run(args)).toMatchObject({ status: 'changed', values: { repo: 'multi', state: 'present' } })
    expect(readFileSync(join(dir, 'multi.repo'), 'utf8')).toBe(fixture('ansible-multi.repo'))
    expect(await run(args)).toMatchObject({ status: 'ok', changed: false })
  })

  it('removes a section, and the file with the last one', async () => {
    expect(await run({ name: 'base', file: 'multi', state: 'absent' })).toMatchObject({ status: 'changed' })
    expect(readFileSync(join(dir, 'multi.repo'), 'utf8')).toBe(fixture('ansible-multi-after-absent.repo'))
    expect(await run({ name: 'base', file: 'multi', state: 'absent' })).toMatchObject({ status: 'ok' })
    expect(await run({ name: 'multi', state: 'absent' })).toMatchObject({ status: 'changed', changes: [`remove repository multi and the empty file ${dir}/multi.repo`] })
    expect(existsSync(join(dir, 'multi.repo'))).toBe(false)
  })

  it('shows the sorted before/after as diff and honours mode', async () => {
    const result = await run({ name: 'epel', description: 'EPEL', baseurl: 'http://e/', enabled: false, mode: '0600' })
    expect(result.diff).toEqual([{ before: '', after: '[epel]\nbaseurl = http://e/\nenabled = 0\nname = EPEL\n\n', beforeHeader: `${dir}/epel.repo`, afterHeader: `${dir}/epel.repo` }])
    expect(statSync(join(dir, 'epel.repo')).mode & 0o777).toBe(0o600)
  })

  it('refuses what Ansible refuses, before touching a host', async () => {
    expect(yum_repository.args.safeParse({ name: 'x', description: 'x' }).error?.issues[0]?.message).toBe("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.")
    expect(yum_repository.args.safeParse({ name: 'x', baseurl: 'http://x' }).error?.issues[0]?.message).toBe("Parameter 'description' is required.")
    expect(yum_repository.args.safeParse({ name: 'x', state: 'absent', baseurll: 'x' }).success).toBe(false)
    expect(await run({ name: 'x', description: 'x', baseurl: 'http://x', reposdir: join(dir, 'missing') })).toMatchObject({ status: 'failed', msg: `Repo directory '${dir}/missing' does not exist.` })
  })
})
