import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { activeSwaps, escapeFstab, mountPoints, removeEntry, setEntry, unescapeFstab } from '../../modules/lib/fstab.js'
import { mount, planMount, wantedEntry, type MountState } from '../../modules/mount.js'
import { makeContext } from '../helpers/module-context.js'

const fstab = '# /etc/fstab\nUUID=abc / ext4 errors=remount-ro 0 1\n/swapfile none swap sw 0 0\n'
const swap = { path: 'none', src: '/swapfile', fstype: 'swap', opts: 'sw' }
const kinds = (args: Record<string, unknown>, state: MountState) => planMount(mount.args.parse(args), state).changes.map((c) => c.kind)

describe('fstab', () => {
  it('escapes like fstab(5)', () => {
    expect(escapeFstab('/mnt/my disk\\x')).toBe('/mnt/my\\040disk\\134x')
    expect(unescapeFstab('/mnt/my\\040disk')).toBe('/mnt/my disk')
  })

  it('sets, keeps and removes entries as ansible.posix.mount', () => {
    const data = wantedEntry(mount.args.parse({ path: '/data', src: '/dev/vdb', fstype: 'ext4', state: 'present' }))
    expect(setEntry(fstab, data)).toBe(`${fstab}/dev/vdb /data ext4 defaults 0 0\n`)
    expect(setEntry(`${fstab}/dev/vdb   /data ext4 defaults 0 0\n`, data)).toBe(`${fstab}/dev/vdb   /data ext4 defaults 0 0\n`)
    expect(setEntry(`${fstab}/dev/vdc /data ext4 defaults\n`, data)).toBe(`${fstab}/dev/vdb /data ext4 defaults 0 0\n`)
    const swapEntry = wantedEntry(mount.args.parse({ ...swap, state: 'present' }))
    expect(setEntry(fstab, swapEntry)).toBe(fstab)
    expect(removeEntry(fstab, swapEntry)).toBe('# /etc/fstab\nUUID=abc / ext4 errors=remount-ro 0 1\n')
    // Another swap file on `none` is another entry.
    expect(setEntry(fstab, { ...swapEntry, src: '/swap2' })).toBe(`${fstab}/swap2 none swap sw 0 0\n`)
  })

  it('reads /proc/self/mounts and /proc/swaps', () => {
    expect(mountPoints('/dev/vda1 / ext4 rw 0 0\ntmpfs /mnt/a\\040b tmpfs rw 0 0\n')).toEqual(new Set(['/', '/mnt/a b']))
    expect(activeSwaps('Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/swapfile                               file\t\t1048572\t\t0\t\t-2\n')).toEqual(new Set(['/swapfile']))
  })
})

describe('mount plan', () => {
  const state = (extra: Partial<MountState> = {}): MountState => ({ fstab, mounted: false, directory: true, ...extra })
  it('follows each state', () => {
    expect(kinds({ ...swap, state: 'present' }, state())).toEqual([])
    expect(kinds({ ...swap, state: 'absent' }, state({ mounted: true }))).toEqual(['fstab'])
    expect(kinds({ ...swap, state: 'absent' }, state({ fstab: '' }))).toEqual([])
    expect(kinds({ ...swap, state: 'mounted' }, state())).toEqual(['swapon'])
    expect(kinds({ path: '/data', src: '/dev/vdb', fstype: 'ext4', state: 'mounted' }, state({ directory: false }))).toEqual(['fstab', 'mkdir', 'mount'])
    expect(kinds({ path: '/data', src: '/dev/vdb', fstype: 'ext4', state: 'mounted', opts: 'noatime' }, state({ fstab: `${fstab}/dev/vdb /data ext4 defaults 0 0\n`, mounted: true }))).toEqual(['fstab', 'remount'])
    expect(kinds({ path: '/data', state: 'unmounted' }, state({ mounted: true }))).toEqual(['umount'])
    expect(kinds({ path: '/data', state: 'absent' }, state({ fstab: `${fstab}/dev/vdb /data ext4 defaults 0 0\n`, mounted: true }))).toEqual(['fstab', 'umount', 'rmdir'])
    expect(kinds({ path: '/data', state: 'remounted' }, state({ mounted: true }))).toEqual(['remount'])
  })

  it('adds noauto for boot false and requires src and fstype where needed', () => {
    expect(wantedEntry(mount.args.parse({ path: '/d', src: 's', fstype: 'ext4', state: 'present', boot: 'no', opts: 'ro' })).opts).toBe('ro,noauto')
    expect(mount.args.safeParse({ path: '/d', state: 'mounted', fstype: 'ext4' }).error?.issues[0]).toMatchObject({ path: ['src'], message: 'state is mounted but all of the following are missing: src' })
    expect(mount.args.parse({ name: '/d', state: 'unmounted' })).toMatchObject({ path: '/d' })
  })
})

describe('mount on a custom fstab here (fstab only)', () => {
  it('manages a swap entry: check predicts, apply writes, re-apply changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-mount-'))
    const file = join(dir, 'fstab')
    writeFileSync(file, fstab)
    const ctx = (check: boolean) => makeContext({ conn: connectLocal('local'), check })
    const args = mount.args.parse({ ...swap, fstab: file, state: 'absent' })
    const predicted = await runModule(mount, ctx(true), args)
    expect(predicted.status).toBe('changed')
    expect(readFileSync(file, 'utf8')).toBe(fstab)
    expect((await runModule(mount, ctx(false), args)).changes).toEqual(predicted.changes)
    expect(readFileSync(file, 'utf8')).toBe('# /etc/fstab\nUUID=abc / ext4 errors=remount-ro 0 1\n')
    expect((await runModule(mount, ctx(false), args)).status).toBe('ok')
    const back = mount.args.parse({ ...swap, fstab: file, state: 'present' })
    expect((await runModule(mount, ctx(false), back)).status).toBe('changed')
    expect(readFileSync(file, 'utf8')).toBe(fstab)
    expect((await runModule(mount, ctx(false), back)).status).toBe('ok')
  })
})

describe('mount parsers on output captured from a lab host', () => {
  const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/output/mount', name), 'utf8')
  it('reads real /proc/self/mounts, /proc/swaps and fstab', () => {
    const points = mountPoints(fixture('proc-self-mounts.txt'))
    expect(points.has('/')).toBe(true)
    expect(points.has('/proc')).toBe(true)
    expect(activeSwaps(fixture('proc-swaps.txt'))).toEqual(new Set())
    const fstab = fixture('fstab.txt')
    const swapEntry = wantedEntry(mount.args.parse({ ...swap, state: 'present' }))
    expect(setEntry(fstab, swapEntry)).toBe(fstab)
    expect(removeEntry(fstab, swapEntry)).toBe('')
  })
})
