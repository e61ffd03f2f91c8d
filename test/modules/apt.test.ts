import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { apt } from '../../modules/apt.js'
import type { AptState } from '../../modules/lib/apt-state.js'
import { compareDebVersions, parseAptCachePolicy, parseAptSimulate, parseDpkgQuery } from '../../modules/lib/dpkg.js'
import { makeContext } from '../helpers/module-context.js'

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/output/apt', name), 'utf8')
const conn = connectLocal('controller')
const ctx = makeContext({ conn })

describe('dpkg and apt parsers on captured output', () => {
  it('reads dpkg-query -W lines, leaving unknown packages out', () => {
    const dpkg = parseDpkgQuery(fixture('dpkg-query.txt'))
    expect([...dpkg.keys()]).toEqual(['bash', 'bash:amd64', 'coreutils', 'coreutils:amd64', 'libc6', 'libc6:amd64'])
    expect(dpkg.get('bash')).toEqual({ name: 'bash', arch: 'amd64', version: '5.2.15-2+b8', installed: true, hasFiles: true })
    expect(parseDpkgQuery('nano\tamd64\trc \t7.2-1\n').get('nano')).toMatchObject({ installed: false, hasFiles: true })
  })

  it('reads apt-cache policy: installed, candidate and the version table', () => {
    const policy = parseAptCachePolicy(fixture('apt-cache-policy.txt'))
    expect(policy.get('hello')).toEqual({ installed: null, candidate: '2.10-3', versions: ['2.10-3'] })
    expect(policy.get('bash')).toEqual({ installed: '5.2.15-2+b8', candidate: '5.2.15-2+b13', versions: ['5.2.15-2+b13', '5.2.15-2+b8'] })
    expect(policy.get('libc6')?.versions).toEqual(['2.36-9+deb12u14', '2.36-9+deb12u7'])
    expect(policy.has('nosuchpkg')).toBe(false)
  })

  it('reads what apt-get -s would install, upgrade and remove', () => {
    expect(parseAptSimulate(fixture('apt-get-s-install.txt')).install.map((p) => `${p.name} ${p.to}`)).toEqual(['libtext-charwidth-perl 0.04-11', 'cowsay 3.03+dfsg2-8', 'hello 2.10-3'])
    expect(parseAptSimulate(fixture('apt-get-s-upgrade.txt')).upgrade).toEqual([{ name: 'bash', from: '5.2.15-2+b8', to: '5.2.15-2+b13' }])
    const removal = parseAptSimulate(fixture('apt-get-s-remove.txt'))
    expect(removal.purge).toEqual([{ name: 'debootstrap', from: '1.0.128+nmu2+deb12u2' }, { name: 'wget', from: '1.21.3-1+deb12u1' }])
    expect(parseAptSimulate(fixture('apt-get-s-autoremove.txt')).remove.map((p) => p.name)).toEqual(['git', 'git-man', 'less', 'liberror-perl'])
  })

  it('compares Debian versions as dpkg --compare-versions', () => {
    const cases: [string, string, number][] = [
      ['1.0', '1.0', 0], ['1.0~rc1', '1.0', -1], ['1:0.1', '2.0', 1], ['2.10-3', '2.9-9', 1], ['5.2.15-2+b8', '5.2.15-2+b13', -1],
      ['1.0-1', '1.0', 1], ['1.0a', '1.0', 1], ['1.0~', '1.0~~', 1], ['7.88.1-10+deb12u5', '7.88.1-10+deb12u12', -1], ['1.01', '1.1', 0],
    ]
    for (const [a, b, sign] of cases) expect([a, b, Math.sign(compareDebVersions(a, b))]).toEqual([a, b, sign])
  })
})

function state(overrides: Partial<AptState> = {}): AptState {
  return { now: 10_000, cacheMtime: 9_000, dpkg: parseDpkgQuery(fixture('dpkg-query.txt')), policy: parseAptCachePolicy(fixture('apt-cache-policy.txt')), debs: [], ...overrides }
}
const plan = (args: Record<string, unknown>, s: AptState = state()): string[] => apt.plan(apt.args.parse(args), s, ctx).changes.map((c) => c.summary)

describe('apt plan', () => {
  it('installs what is missing, leaves what is there, upgrades only with latest', () => {
    expect(plan({ name: ['hello', 'bash'] })).toEqual(['install hello 2.10-3'])
    expect(plan({ name: 'hello,bash', state: 'latest' })).toEqual(['install hello 2.10-3', 'upgrade bash 5.2.15-2+b8 → 5.2.15-2+b13'])
    expect(plan({ name: 'libc6', state: 'latest' })).toEqual([])
    expect(plan({ name: 'libc6:amd64', state: 'latest' })).toEqual([])
  })

  it('honours versions: = with wildcards, >=, and refuses what has no candidate', () => {
    expect(plan({ name: 'bash=5.2.15-2+b8' })).toEqual([])
    expect(plan({ name: 'bash=5.2.15-2+b1*' })).toEqual(['upgrade bash 5.2.15-2+b8 → 5.2.15-2+b13'])
    expect(plan({ name: 'libc6=2.36-9+deb12u7', allow_downgrade: true })).toEqual(['downgrade libc6 2.36-9+deb12u14 → 2.36-9+deb12u7'])
    expect(plan({ name: 'bash>=5.0' })).toEqual([])
    expect(() => plan({ name: 'hello=3.0' })).toThrow('no available installation candidate for hello=3.0')
    expect(() => plan({ name: 'nosuchpkg' })).toThrow('no available installation candidate for nosuchpkg')
  })

  it('removes installed packages and purges leftover configuration only with purge', () => {
    const s = state({ dpkg: parseDpkgQuery('bash\tamd64\tii \t5.2\nnano\tamd64\trc \t7.2-1\n') })
    expect(plan({ name: ['bash', 'nano', 'hello'], state: 'absent' }, s)).toEqual(['remove bash 5.2'])
    expect(plan({ name: ['bash', 'nano'], state: 'absent', purge: true }, s)).toEqual(['purge bash 5.2', 'purge nano 7.2-1'])
  })

  it('refreshes the lists when stale, and only then counts it as a change with packages to do', () => {
    expect(plan({ update_cache: true })).toEqual(['update the apt package lists'])
    expect(plan({ update_cache: true, cache_valid_time: 3600 })).toEqual([])
    expect(plan({ name: 'bash', update_cache: true })).toEqual([])
    expect(plan({ name: 'nosuchpkg', update_cache: true })).toEqual(['update the apt package lists', 'install nosuchpkg'])
    expect(apt.plan(apt.args.parse({ cache_valid_time: 10 }), state(), ctx).values).toEqual({ cache_updated: true, cache_update_time: 9000 })
  })

  it('lists dependencies from the simulation and shows a package diff', () => {
    const p = apt.plan(apt.args.parse({ name: ['hello', 'cowsay'] }), state({ policy: new Map([['hello', { installed: null, candidate: '2.10-3', versions: ['2.10-3'] }], ['cowsay', { installed: null, candidate: '3.03+dfsg2-8', versions: ['3.03+dfsg2-8'] }]]), simulation: parseAptSimulate(fixture('apt-get-s-install.txt')) }), ctx)
    expect(p.changes.map((c) => c.summary)).toEqual(['install hello 2.10-3', 'install cowsay 3.03+dfsg2-8', 'install libtext-charwidth-perl 0.04-11 (dependency)'])
    expect(p.diff?.[0]?.after).toBe('cowsay 3.03+dfsg2-8\nhello 2.10-3\nlibtext-charwidth-perl 0.04-11\n')
  })

  it('upgrades the whole system only when apt-get -s finds something to do', () => {
    const upgrade = parseAptSimulate(fixture('apt-get-s-upgrade.txt'))
    expect(plan({ upgrade: 'dist' }, state({ simulation: upgrade }))).toEqual(['upgrade all packages (dist)', 'upgrade bash 5.2.15-2+b8 → 5.2.15-2+b13'])
    expect(plan({ name: '*', state: 'latest' }, state({ simulation: upgrade }))).toEqual(['upgrade all packages', 'upgrade bash 5.2.15-2+b8 → 5.2.15-2+b13'])
    expect(plan({ upgrade: 'yes' }, state({ simulation: parseAptSimulate('0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n') }))).toEqual([])
    expect(plan({ autoremove: true }, state({ simulation: parseAptSimulate(fixture('apt-get-s-autoremove.txt')) }))).toEqual([
      'remove packages nothing depends on any more', 'remove git 1:2.39.5-0+deb12u3', 'remove git-man 1:2.39.5-0+deb12u3', 'remove less 590-2.1~deb12u2', 'remove liberror-perl 0.17029-2',
    ])
  })

  it('validates arguments before touching a host', () => {
    expect(apt.args.safeParse({ name: 'foo;rm -rf /' }).error?.issues[0]?.message).toBe("invalid package name 'foo;rm -rf /'")
    expect(apt.args.safeParse({ name: 'foo=1=2' }).error?.issues[0]?.message).toBe('invalid package spec: foo=1=2')
    expect(apt.args.safeParse({ pkg: 'foo', name: 'bar' }).error?.issues[0]?.message).toBe("'pkg' is an alias of 'name': give only one of them")
    expect(apt.args.safeParse({ name: 'foo', stat: 'present' }).success).toBe(false)
    expect(apt.args.parse({ package: 'a,b', 'update-cache': 'yes' })).toMatchObject({ name: ['a', 'b'], update_cache: true })
  })
})

// The controller is Debian: check mode is exercised for real here (it never installs anything).
describe.runIf(existsSync('/usr/bin/dpkg-query') && process.getuid?.() === 0)('apt in check mode on this machine', () => {
  it('predicts installing a missing package with apt-get -s and reports installed ones unchanged', async () => {
    const missing = await runModule(apt, makeContext({ conn, check: true }), apt.args.parse({ name: ['hello', 'coreutils'] }))
    expect(missing.status).toBe('changed')
    expect(missing.changes[0]).toMatch(/^install hello \S+$/)
    const present = await runModule(apt, makeContext({ conn, check: true }), apt.args.parse({ name: 'coreutils' }))
    expect(present).toMatchObject({ status: 'ok', changed: false })
    const unknown = await runModule(apt, makeContext({ conn, check: true }), apt.args.parse({ name: 'no-such-package-tsplay' }))
    expect(unknown).toMatchObject({ status: 'failed', msg: 'no available installation candidate for no-such-package-tsplay' })
  })
})

describe('runModule with an apply that finds nothing to do', () => {
  it('reports ok when a refresh leaves the lists as they were (apt update_cache alone)', async () => {
    const fake = { ...apt, gather: async () => state(), apply: async () => ({ cache_updated: false, cache_update_time: 9000, changed: false }) }
    const result = await runModule(fake, makeContext({ conn }), apt.args.parse({ update_cache: true }))
    expect(result).toMatchObject({ status: 'ok', changed: false, changes: [], values: { cache_updated: false, cache_update_time: 9000 } })
    expect(result.values).not.toHaveProperty('changed')
  })
})
