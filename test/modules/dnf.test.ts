import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { dnf } from '../../modules/dnf.js'
import type { RpmState } from '../../modules/lib/dnf-state.js'
import { parseDnfList, parseRpmQuery, rpmvercmp } from '../../modules/lib/rpm.js'
import { yum } from '../../modules/yum.js'
import { buildRpmRepo, canBuildRpms, repoFile } from '../lab/rpm-repo.js'
import { makeContext } from '../helpers/module-context.js'

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/output/dnf', name), 'utf8')
const conn = connectLocal('controller')
const ctx = makeContext({ conn })

describe('rpm and dnf parsers on captured output', () => {
  it('reads rpm -q per spec, with no entry for what is not installed', () => {
    const q = parseRpmQuery(fixture('rpm-q.txt'))
    expect(q.get('tsplay-hello')).toEqual([{ name: 'tsplay-hello', epoch: 0, version: '1.1', release: '1', arch: 'noarch' }])
    expect(q.get('nosuch')).toEqual([])
  })

  it('reads dnf list output, including wrapped rows and epochs', () => {
    expect(parseDnfList(fixture('dnf-list-available.txt')).map((p) => `${p.name} ${p.version}-${p.release} ${p.repo}`)).toEqual(['tsplay-hello 1.0-1 tsplay-test', 'tsplay-hello 1.1-1 tsplay-test'])
    expect(parseDnfList(fixture('dnf-list-updates.txt'))).toEqual([{ name: 'tsplay-hello', arch: 'noarch', epoch: 0, version: '1.1', release: '1', repo: 'tsplay-test' }])
    // A name too long for its column pushes version and repo onto the next line.
    expect(parseDnfList('Available Packages\nvery-long-package-name-indeed-yes.x86_64\n                 2:3.4-5.el9              appstream\n')).toEqual([{ name: 'very-long-package-name-indeed-yes', arch: 'x86_64', epoch: 2, version: '3.4', release: '5.el9', repo: 'appstream' }])
  })

  it('compares versions as rpmvercmp', () => {
    const cases: [string, string, number][] = [
      ['1.0', '1.0', 0], ['1.0', '1.1', -1], ['1.10', '1.9', 1], ['1.0a', '1.0', 1], ['1.0~rc1', '1.0', -1], ['1.0^git1', '1.0', 1],
      ['1.0^git1', '1.01', -1], ['2.0', '2_0', 0], ['1.0.a', '1.0.1', -1], ['el9', 'el10', -1], ['001', '1', 0],
    ]
    for (const [a, b, sign] of cases) expect([a, b, Math.sign(rpmvercmp(a, b))]).toEqual([a, b, sign])
  })
})

const hello = (version: string) => ({ name: 'tsplay-hello', epoch: 0, version, release: '1', arch: 'noarch', repo: 'tsplay-test' })
function state(installed: string[], available: string[] | undefined): RpmState {
  return { manager: '/usr/bin/dnf', installed: new Map([['tsplay-hello', installed.map(hello)], ['tsplay-hello >= 1.1', []]]), ...(available ? { available: available.map(hello) } : {}), files: new Map() }
}
const plan = (args: Record<string, unknown>, s: RpmState): string[] => dnf.plan(dnf.args.parse(args), s, ctx).changes.map((c) => c.summary)

describe('dnf plan', () => {
  it('installs missing packages, upgrades only with latest, removes with absent/removed', () => {
    expect(plan({ name: 'tsplay-hello' }, state([], ['1.0', '1.1']))).toEqual(['install tsplay-hello 1.1-1'])
    expect(plan({ name: 'tsplay-hello', state: 'installed' }, state(['1.0'], undefined))).toEqual([])
    expect(plan({ name: 'tsplay-hello', state: 'latest' }, state(['1.0'], ['1.0', '1.1']))).toEqual(['upgrade tsplay-hello 1.0-1 → 1.1-1'])
    expect(plan({ name: 'tsplay-hello', state: 'latest' }, state(['1.1'], ['1.0', '1.1']))).toEqual([])
    expect(plan({ name: 'tsplay-hello', state: 'removed' }, state(['1.0'], undefined))).toEqual(['remove tsplay-hello 1.0-1'])
    expect(plan({ name: 'tsplay-hello', state: 'absent' }, state([], undefined))).toEqual([])
    expect(plan({ name: 'tsplay-hello', state: 'latest', update_only: true }, state([], ['1.1']))).toEqual([])
  })

  it('selects by version specs and fails as Ansible when nothing is offered', () => {
    expect(plan({ name: 'tsplay-hello >= 1.1' }, state(['1.0'], ['1.0', '1.1']))).toEqual(['upgrade tsplay-hello 1.0-1 → 1.1-1'])
    expect(plan({ name: 'tsplay-hello-1.0' }, state([], ['1.0', '1.1']))).toEqual(['install tsplay-hello 1.0-1'])
    const failed = (() => { try { plan({ name: 'nosuch' }, state([], [])) } catch (e) { return e } })() as { message: string; values: unknown }
    expect(failed.message).toBe('Failed to install some of the specified packages')
    expect(failed.values).toEqual({ failures: ['No package nosuch available.'], results: [] })
  })

  it('returns Ansible-shaped results', () => {
    expect(dnf.plan(dnf.args.parse({ name: 'tsplay-hello' }), state([], ['1.1']), ctx).values).toEqual({ results: ['Installed: tsplay-hello-1.1-1.noarch'], rc: 0, msg: '' })
    expect(dnf.plan(dnf.args.parse({ name: 'tsplay-hello' }), state(['1.1'], undefined), ctx).values).toEqual({ results: [], rc: 0, msg: 'Nothing to do' })
    expect(dnf.plan(dnf.args.parse({ name: 'tsplay-hello', state: 'latest' }), state(['1.0'], ['1.1']), makeContext({ conn, check: true })).values).toEqual({
      results: ['Installed: tsplay-hello-1.1-1.noarch', 'Removed: tsplay-hello-1.0-1.noarch'], rc: 0, msg: 'Check mode: No changes made, but would have if not in check mode',
    })
  })

  it('validates arguments before touching a host', () => {
    expect(dnf.args.safeParse({ name: 'x$(reboot)' }).error?.issues[0]?.message).toBe("invalid package spec 'x$(reboot)'")
    expect(dnf.args.safeParse({ name: '/tmp/x.rpm', state: 'absent' }).error?.issues[0]?.message).toBe('Cannot remove paths -- please specify package name.')
    expect(dnf.args.safeParse({ name: '@' }).error?.issues[0]?.message).toBe("invalid package spec '@'")
    expect(dnf.args.safeParse({ name: '@Development Tools' }).success).toBe(true)
    expect(yum.args.parse({ pkg: 'a,b', enablerepo: 'x,y', 'expire-cache': 'yes' })).toMatchObject({ name: ['a', 'b'], enablerepo: ['x', 'y'], update_cache: true })
  })
})

// Real dnf and rpm against a repository built here, installing into a throwaway installroot (never the controller's own rpm db).
describe.runIf(canBuildRpms() && existsSync('/usr/bin/dnf'))('dnf for real in an installroot', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-dnf-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('installs, re-applies with no change, predicts in check mode, upgrades and removes', async () => {
    const repo = buildRpmRepo(join(dir, 'build'), [{ name: 'tsplay-dnf-test', version: '1.0' }, { name: 'tsplay-dnf-test', version: '1.1' }])
    const root = join(dir, 'root')
    mkdirSync(join(root, 'etc/yum.repos.d'), { recursive: true })
    writeFileSync(join(root, 'etc/yum.repos.d/tsplay-test.repo'), repoFile('tsplay-test', repo))
    const run = (args: Record<string, unknown>, check = false) => runModule(dnf, makeContext({ conn, check }), dnf.args.parse({ installroot: root, releasever: '1', ...args }))
    const version = (): string => readFileSync(join(root, 'usr/share/tsplay-dnf-test/version'), 'utf8').trim()

    expect(await run({ name: 'tsplay-dnf-test-1.0' }, true)).toMatchObject({ status: 'changed', changes: ['install tsplay-dnf-test 1.0-1'] })
    expect(existsSync(join(root, 'usr/share/tsplay-dnf-test'))).toBe(false)
    expect(await run({ name: 'tsplay-dnf-test-1.0' })).toMatchObject({ status: 'changed', changes: ['install tsplay-dnf-test 1.0-1'] })
    expect(version()).toBe('1.0')
    expect(await run({ name: 'tsplay-dnf-test' })).toMatchObject({ status: 'ok', values: { msg: 'Nothing to do' } })
    expect(await run({ name: 'tsplay-dnf-test', state: 'latest' }, true)).toMatchObject({ status: 'changed', changes: ['upgrade tsplay-dnf-test 1.0-1 → 1.1-1'] })
    expect(await run({ name: 'tsplay-dnf-test', state: 'latest' })).toMatchObject({ status: 'changed', values: { results: ['Installed: tsplay-dnf-test-1.1-1.noarch', 'Removed: tsplay-dnf-test-1.0-1.noarch'] } })
    expect(version()).toBe('1.1')
    expect(await run({ name: 'tsplay-dnf-test', state: 'latest' })).toMatchObject({ status: 'ok' })
    expect(await run({ name: 'tsplay-dnf-test', state: 'absent' })).toMatchObject({ status: 'changed', changes: ['remove tsplay-dnf-test 1.1-1'] })
    expect(existsSync(join(root, 'usr/share/tsplay-dnf-test/version'))).toBe(false)
    expect(await run({ name: 'tsplay-dnf-test', state: 'absent' })).toMatchObject({ status: 'ok' })
  })
})
