import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { packageModule } from '../../modules/package.js'
import { buildRpmRepo, canBuildRpms, repoFile } from '../lab/rpm-repo.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('controller')
const run = (args: Record<string, unknown>, vars: Record<string, unknown>, check = true) => runModule(packageModule, makeContext({ conn, check, vars }), packageModule.args.parse(args))

describe('package', () => {
  it('requires name and state, and hands unknown arguments to the chosen module to refuse', async () => {
    expect(packageModule.args.safeParse({ state: 'present' }).error?.issues[0]?.message).toBe('missing required arguments: name')
    expect(packageModule.args.safeParse({ name: 'x' }).success).toBe(false)
    expect(await run({ name: 'hello', state: 'present', update_cach: true }, { ansible_pkg_mgr: 'apt' })).toMatchObject({ status: 'failed', msg: expect.stringMatching(/^apt: .*update_cach/) })
    expect(await run({ name: 'hello', state: 'present' }, { ansible_pkg_mgr: 'zypper' })).toMatchObject({ status: 'failed', msg: 'Could not find a module for zypper.' })
  })

  it.runIf(existsSync('/usr/bin/apt-get') && process.getuid?.() === 0)('uses apt from the ansible_pkg_mgr fact (check mode on this machine)', async () => {
    expect(await run({ name: 'coreutils', state: 'present' }, { ansible_facts: { pkg_mgr: 'apt' } })).toMatchObject({ status: 'ok' })
    expect(await run({ name: 'hello', state: 'present' }, { ansible_pkg_mgr: 'apt' })).toMatchObject({ status: 'changed', changes: [expect.stringMatching(/^install hello /)] })
  })

  describe.runIf(canBuildRpms() && existsSync('/usr/bin/dnf'))('with use: dnf', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-package-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))
    it('passes the other arguments (installroot) to dnf', async () => {
      const repo = buildRpmRepo(join(dir, 'build'), [{ name: 'tsplay-package-test', version: '2.0' }])
      mkdirSync(join(dir, 'root/etc/yum.repos.d'), { recursive: true })
      writeFileSync(join(dir, 'root/etc/yum.repos.d/t.repo'), repoFile('t', repo))
      const args = { name: 'tsplay-package-test', state: 'present', use: 'dnf', installroot: join(dir, 'root'), releasever: '1' }
      expect(await run(args, {}, false)).toMatchObject({ status: 'changed', changes: ['install tsplay-package-test 2.0-1'] })
      expect(await run(args, {}, false)).toMatchObject({ status: 'ok' })
    })
  })
})

describe.runIf(existsSync('/usr/bin/apt-get') && existsSync('/etc/debian_version') && process.getuid?.() === 0)('package without the pkg_mgr fact', () => {
  it('gathers it as Ansible does: apt on Debian even where dnf is installed too', async () => {
    expect(await run({ name: 'hello', state: 'present' }, {})).toMatchObject({ status: 'changed', changes: [expect.stringMatching(/^install hello /)] })
  })
})
