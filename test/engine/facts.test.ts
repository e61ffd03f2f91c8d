import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseFacts, resolveSubset } from '../../engine/facts.js'
import { splitSections } from '../../engine/facts/script.js'
import { dateTimeFacts, platformFacts, userFacts } from '../../engine/facts/system.js'
import { COMPARED, expectedFact, normal } from '../helpers/facts-compare.js'

// Captured at the same moment from this machine (local) and from a lab host (lab1, a systemd-nspawn container):
// the raw output of tsplay's fact script, and what ansible-core 2.14's setup module reported (`gather_subset=all,!env`).
const fixture = (name: string): { ours: Record<string, unknown>; ansible: Record<string, unknown> } => {
  const raw = readFileSync(new URL(`../fixtures/facts/${name}.out`, import.meta.url), 'utf8')
  const ansible = JSON.parse(readFileSync(new URL(`../fixtures/facts/${name}.ansible.json`, import.meta.url), 'utf8')) as Record<string, unknown>
  return { ours: parseFacts(splitSections(raw), resolveSubset(['all', '!env'])), ansible }
}

describe.each(['local', 'lab1'])('facts parsed from %s match ansible setup', (host) => {
  const { ours, ansible } = fixture(host)

  it.each(COMPARED)('%s', (name) => {
    expect(normal(name, ours[name])).toEqual(expectedFact(name, ansible))
  })

  it('has every interface with the same per-interface facts', () => {
    for (const iface of ansible.ansible_interfaces as string[]) {
      const key = iface.replaceAll('-', '_')
      const theirs = ansible[`ansible_${key}`] as Record<string, unknown>
      const { features: _f, timestamping: _t, hw_timestamp_filters: _h, ...comparable } = theirs
      const sorted = (i: unknown) => ({ ...(i as object), ...(Array.isArray((i as { interfaces?: unknown }).interfaces) ? { interfaces: [...(i as { interfaces: string[] }).interfaces].sort() } : {}) })
      expect(sorted(ours[key])).toEqual(sorted(comparable))
    }
  })

  it('has the same date_time keys and the same mounts', () => {
    expect(Object.keys(ours.date_time as object).sort()).toEqual(Object.keys(ansible.ansible_date_time as object).sort())
    const pick = (m: Record<string, unknown>) => ({ mount: m.mount, device: m.device, fstype: m.fstype, options: m.options, size_total: m.size_total, block_size: m.block_size, block_total: m.block_total, inode_total: m.inode_total, uuid: m.uuid })
    expect((ours.mounts as Record<string, unknown>[]).map(pick)).toEqual((ansible.ansible_mounts as Record<string, unknown>[]).map(pick))
  })
})

describe('gather_subset', () => {
  it('starts from all, always keeps min, and applies exclusions', () => {
    expect([...resolveSubset(['all'])].sort()).toEqual(['date_time', 'distribution', 'dmi', 'env', 'hardware', 'network', 'platform', 'service', 'system', 'user', 'virtual'])
    expect([...resolveSubset(['!hardware', '!virtual'])].sort()).toEqual(['date_time', 'distribution', 'env', 'network', 'platform', 'service', 'system', 'user'])
    expect([...resolveSubset(['!all'])].sort()).toEqual(['date_time', 'distribution', 'env', 'platform', 'service', 'system', 'user'])
    expect([...resolveSubset(['!all', '!min'])]).toEqual([])
    expect([...resolveSubset(['network', '!min'])]).toEqual(['network'])
  })

  it('refuses an unknown subset', () => {
    expect(() => resolveSubset(['hardwre'])).toThrow("gather_subset: unknown subset 'hardwre'")
  })
})

describe('the one-exec sections', () => {
  it('splits the output of one head -v into a section per file, exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-head-'))
    try {
      const files = { a: 'no newline at the end', b: '', c: 'line\n\n==> not asked for <==\nlast\n', d: '\n\n' }
      for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
      const paths = ['a', 'gone', 'b', 'c', 'd'].map((n) => join(dir, n))
      // real GNU head: no header for the file it cannot open, a blank line before each later header
      const printed = spawnSync('head', ['-v', '-c', '1000000000', '--', ...paths], { encoding: 'utf8' }).stdout
      const sections = splitSections(`\n@@tsplay-facts files\n${paths.join('\n')}\n\n@@tsplay-facts head\n${printed}`)
      expect(Object.fromEntries(sections)).toEqual(Object.fromEntries(Object.entries(files).map(([n, t]) => [join(dir, n), t])))
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('reads uname -snrvm, whose kernel version has spaces', () => {
    const s = new Map([['uname_snrvm', 'Linux web1.example.com 6.1.0-37-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.140-1 (2025-05-22) x86_64\n'], ['long_bit', '64\n']])
    expect(platformFacts(s)).toMatchObject({ system: 'Linux', nodename: 'web1.example.com', hostname: 'web1', kernel: '6.1.0-37-amd64', kernel_version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.140-1 (2025-05-22)', machine: 'x86_64', userspace_architecture: 'x86_64' })
  })

  it('reads one id: the effective user is named, the real ids are reported, a nameless uid is its number', () => {
    const passwd = ['passwd', 'root:x:0:0:root:/root:/bin/bash\n'] as const
    expect(userFacts(new Map([['id_all', 'uid=1000(alice) gid=1001(staff) euid=0(root) egid=0(root) groups=1001(staff)\n'], passwd]))).toEqual({
      user_id: 'root', user_uid: 0, user_gid: 0, user_gecos: 'root', user_dir: '/root', user_shell: '/bin/bash',
      real_user_id: 1000, effective_user_id: 0, real_group_id: 1001, effective_group_id: 1001,
    })
    expect(userFacts(new Map([['id_all', 'uid=4242 gid=4242 groups=4242\n'], ['passwd', '']]))).toMatchObject({ user_id: '4242', real_user_id: 4242, effective_user_id: 4242, real_group_id: 4242 })
  })

  it('reads one date -f: now, then January and July noon; the UTC time is the same epoch second', () => {
    const dates = ['2026|11|Sunday|0|46|22|03|03|42|1795334622|EST|-0500|201072123', '2026|01|Thursday|4|00|01|12|00|00|1767286800|EST|-0500|000000000', '2026|07|Wednesday|3|26|01|12|00|00|1782921600|EDT|-0400|000000000']
    const old = new Map([['date', `${dates[0]}\n2026-11-22T08:03:42\n`], ['tz_seasons', 'EST -0500\nEDT -0400\n']])
    expect(dateTimeFacts(new Map([['dates', `${dates.join('\n')}\n`]]))).toEqual(dateTimeFacts(old))
    expect(dateTimeFacts(old)).toMatchObject({ date_time: { iso8601: '2026-11-22T08:03:42Z', tz: 'EST', tz_dst: 'EDT', iso8601_micro: '2026-11-22T08:03:42.201072Z' } })
  })
})

// Captured from lab6 one right after the other: the script before it printed all files with one head (one cat per
// file, uname/id/date one option per exec) and the script now. Everything but the clock and the free space agrees.
describe('old and new fact script output of the same host', () => {
  const parse = (name: string) => {
    const raw = readFileSync(new URL(`../fixtures/facts/lab6.${name}-script.out`, import.meta.url), 'utf8')
    return { raw, facts: parseFacts(splitSections(raw), resolveSubset(['all'])) }
  }
  const old = parse('old')
  const current = parse('new')
  const VOLATILE = new Set(['date_time', 'uptime_seconds', 'loadavg', 'memfree_mb', 'memory_mb', 'swapfree_mb', 'mounts'])
  const stable = (facts: Record<string, unknown>) => Object.fromEntries(Object.entries(facts).filter(([k]) => !VOLATILE.has(k)))

  it('are the two formats', () => {
    expect(old.raw).toContain('\n@@tsplay-facts uname\n')
    expect(old.raw).not.toContain('\n@@tsplay-facts head\n')
    expect(current.raw).toContain('\n@@tsplay-facts head\n==> ')
    expect(current.raw).toContain('\n@@tsplay-facts dates\n')
  })

  it('give the same facts', () => {
    expect(Object.keys(stable(current.facts)).length).toBeGreaterThan(70)
    expect(stable(current.facts)).toEqual(stable(old.facts))
  })

  it('give the same mounts and date_time keys, the same time within seconds', () => {
    const fixed = (mounts: unknown) => (mounts as Record<string, unknown>[]).map(({ mount, device, fstype, options, block_size, block_total, inode_total, uuid }) => ({ mount, device, fstype, options, block_size, block_total, inode_total, uuid }))
    expect(fixed(current.facts.mounts)).toEqual(fixed(old.facts.mounts))
    const [a, b] = [old.facts.date_time, current.facts.date_time] as Record<string, string>[]
    expect(Object.keys(b!).sort()).toEqual(Object.keys(a!).sort())
    expect(Math.abs(Number(b!.epoch) - Number(a!.epoch))).toBeLessThan(5)
    expect(b!.iso8601).toBe(new Date(Number(b!.epoch) * 1000).toISOString().replace(/\.\d+Z$/, 'Z'))
  })
})
