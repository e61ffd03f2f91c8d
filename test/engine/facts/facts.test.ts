import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseFacts, resolveSubset } from '../../../engine/facts/gather.js'
import { splitSections } from '../../../engine/facts/script.js'
import { dateTimeFacts, platformFacts, userFacts } from '../../../engine/facts/system.js'
import { COMPARED, expectedFact, normal } from '../../helpers/facts-compare.js'

// Captured at the same moment from this machine (local) and from a lab host (lab1, a systemd-nspawn container):
// the raw output of tsplay's fact script, and what ansible-core 2.14's setup module reported (`gather_subset=all,!env`).
const fixture = (name: string): { ours: Record<string, unknown>; ansible: Record<string, unknown> } => {
  const raw = readFileSync(new URL(`../../fixtures/facts/${name}.out`, import.meta.url), 'utf8')
  const ansible = JSON.parse(readFileSync(new URL(`../../fixtures/facts/${name}.ansible.json`, import.meta.url), 'utf8')) as Record<string, unknown>
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
    expect([...resolveSubset(['all'])].sort()).toEqual(['date_time', 'distribution', 'dmi', 'env', 'hardware', 'network', 'platform', 'python', 'service', 'system', 'user', 'virtual'])
    expect([...resolveSubset(['!hardware', '!virtual'])].sort()).toEqual(['date_time', 'distribution', 'env', 'network', 'platform', 'python', 'service', 'system', 'user'])
    expect([...resolveSubset(['!all'])].sort()).toEqual(['date_time', 'distribution', 'env', 'platform', 'python', 'service', 'system', 'user'])
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
    const raw = readFileSync(new URL(`../../fixtures/facts/lab6.${name}-script.out`, import.meta.url), 'utf8')
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

describe('the fact script in fewer programs reads as the separate commands did', () => {
  const MARK = '@@tsplay-facts'
  const script = (sections: Record<string, string>): string => Object.entries(sections).map(([name, text]) => `\n${MARK} ${name}\n${text}`).join('')
  const eth0 = `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000
    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff`
  const lo = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000
    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
    inet 127.0.0.1/8 scope host lo
       valid_lft forever preferred_lft forever`
  const v4 = ['    inet 192.0.2.10/24 brd 192.0.2.255 scope global eth0\n       valid_lft forever preferred_lft forever', '    inet 192.0.2.11/24 brd 192.0.2.255 scope global secondary eth0:1\n       valid_lft forever preferred_lft forever']
  const v6 = ['    inet6 2001:db8::10/64 scope global dynamic mngtmpaddr\n       valid_lft 86000sec preferred_lft 14000sec', '    inet6 2001:db8::beef/64 scope global temporary dynamic\n       valid_lft 86000sec preferred_lft 14000sec']
  const route4 = '8.8.8.8 via 192.0.2.1 dev eth0 src 192.0.2.10 uid 0 \n    cache '
  const route6 = '2404:6800:400a:800::1012 from :: via fe80::1 dev eth0 proto ra src 2001:db8::10 metric 100 pref medium'
  const net = `\n${MARK} net eth0\naddress=52:54:00:12:34:56\nmtu=1500\noperstate=up\ntype=1\nflags=0x1003\n\n${MARK} net lo\naddress=00:00:00:00:00:00\nmtu=65536\noperstate=unknown\ntype=772\nflags=0x9\n`

  it('splits one `ip -batch` into the default routes and the primary and secondary listings', () => {
    const separate = script({
      route4,
      route6,
      addr_primary: [lo, eth0, v4[0], v6[0]].join('\n'),
      addr_secondary: [eth0, v4[1], v6[1]].join('\n'),
    })
    const batched = script({ ip_batch: [route4, route6, lo, eth0, v4[0], v4[1], v6[0], v6[1]].join('\n') })
    const facts = (raw: string): Record<string, unknown> => parseFacts(splitSections(raw + net), resolveSubset(['network']))
    expect(facts(batched)).toEqual(facts(separate))
    expect(facts(batched)).toMatchObject({
      default_ipv4: { address: '192.0.2.10', gateway: '192.0.2.1', interface: 'eth0' },
      default_ipv6: { address: '2001:db8::10', gateway: 'fe80::1', interface: 'eth0' },
      all_ipv4_addresses: ['192.0.2.10', '192.0.2.11'],
      all_ipv6_addresses: ['2001:db8::10', '2001:db8::beef'],
    })
  })

  it('reads the ids from /proc/self/status, the name from passwd, and nproc from Cpus_allowed_list', () => {
    const passwd = 'alice:x:1000:1001:Alice:/home/alice:/bin/bash\n'
    const old = userFacts(new Map([['id_all', 'uid=1000(alice) gid=1001(staff) groups=1001(staff)\n'], ['passwd', passwd]]))
    expect(userFacts(new Map([['ids', 'uid 1000 1000\ngid 1001 1001\n'], ['passwd', passwd]]))).toEqual(old)
    expect(userFacts(new Map([['ids', 'uid 4242 4242\ngid 4242 4242\n'], ['passwd', '']]))).toMatchObject({ user_id: '4242', effective_user_id: 4242 })
    const status = 'Name:\thead\nCpus_allowed:\tff\nCpus_allowed_list:\t0-3,6,8-9\n'
    expect(parseFacts(new Map([['/proc/cpuinfo', 'processor\t: 0\n'], ['/proc/self/status', status]]), resolveSubset(['hardware']))).toMatchObject({ processor_nproc: 7 })
  })

  it('tells a chroot from `[ / -ef /proc/1/root/. ]`', () => {
    const chroot = (text: string): unknown => parseFacts(new Map([['chroot', text]]), resolveSubset(['all']))['is_chroot']
    expect([chroot('root-same\n'), chroot('root-differs\n'), chroot('2049 2\nfs ext2/ext3\n')]).toEqual([false, true, false])
  })
})
