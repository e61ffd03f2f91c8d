import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { file } from '../../modules/file.js'
import { planChattr } from '../../modules/lib/file-chattr.js'
import { parseProbe, probeScript, type FileState } from '../../modules/lib/file-state.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const args = (a: Record<string, unknown>) => file.args.parse(a)
const f = (path: string, extra: Partial<FileState> = {}): FileState => ({ path, exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', nlink: 1, inode: 1, dev: 1, ...extra })
type PlanState = Parameters<typeof file.plan>[1]
const plan = (a: Record<string, unknown>, s: PlanState, check = false) => file.plan(args(a), s, makeContext({ conn, check }))

// Verdicts and diffs as ansible-playbook 2.14 gave them for the same tasks (-c local on ext4, side by side).
describe('file attributes as ansible-core sets them', () => {
  it.each([
    ['+i on e: always a change (lsattr shows ie, not i)', '+i', 'e', '+i'],
    ['+i on ie: still a change', '+i', 'ie', '+i'],
    ['-i: always a change', '-i', 'e', '-i'],
    ['ie on e: set exactly', 'ie', 'e', '=ie'],
    ['eA on Ae: the order counts', 'eA', 'Ae', '=eA'],
    ['=Ae: the = stays part of the flags (chattr then fails)', '=Ae', 'Ae', '==Ae'],
    ['+i where lsattr failed', '+i', undefined, '+i'],
  ])('%s', (_, wanted, current, after) => {
    expect(planChattr(wanted, current, '/f')).toMatchObject({ before: current ?? null, after })
  })

  it.each([['ie', 'ie'], ['Ae', 'Ae'], ['+i', 'i'], ['', '']])('%s on %s: no change', (wanted, current) => {
    expect(planChattr(wanted, current, '/f')).toBeUndefined()
  })

  it('shows attributes in the diff, takes the attr alias, and a new path starts from its directory\'s flags', () => {
    const p = plan({ path: '/f', attr: '+i' }, { path: f('/f', { attrFlags: 'e' }), umask: 0o022 })
    expect(p.changes.map((c) => c.summary)).toEqual(['set attributes of /f e → +i'])
    expect(p.diff).toEqual([{ before: '{\n    "attributes": "e",\n    "path": "/f"\n}\n', after: '{\n    "attributes": "+i",\n    "path": "/f"\n}\n' }])
    expect(plan({ path: '/f', attributes: 'e' }, { path: f('/f', { attrFlags: 'e' }), umask: 0o022 }).changes).toEqual([])
    const unreadable = plan({ path: '/f', attributes: 'i' }, { path: f('/f'), umask: 0o022 })
    expect(unreadable.diff?.[0]?.before).toBe('{\n    "attributes": null,\n    "path": "/f"\n}\n')
    const dir = plan({ path: '/d', state: 'directory', attributes: 'eA' }, { path: { path: '/d', exists: false }, umask: 0o022, parentFlags: 'e' })
    expect(dir.diff?.[0]?.after).toBe('{\n    "attributes": "=eA",\n    "path": "/d",\n    "state": "directory"\n}\n')
    expect(plan({ path: '/d', state: 'directory', attributes: 'e' }, { path: { path: '/d', exists: false }, umask: 0o022, parentFlags: 'e' }).changes.map((c) => c.summary)).toEqual(['create directory /d'])
    // in check mode a directory the task creates shows neither attributes nor mode, as ansible-core returns early
    expect(plan({ path: '/d', state: 'directory', attributes: 'eA' }, { path: { path: '/d', exists: false }, umask: 0o022, parentFlags: 'e' }, true).diff?.[0]?.after).toBe('{\n    "path": "/d",\n    "state": "directory"\n}\n')
  })

  it('reads lsattr -d flags (captured on a lab host: overlayfs answers -d but not -v) and treats a failure as unknown', () => {
    const requests = [{ path: '/root/x', attributes: 'flags' as const }, { path: '/srv/y', attributes: 'flags' as const }]
    const out = 'umask 0022\n@@path\nstat 81a4 0 0 0 1.0 1.0 1.0 5 6 1 0 4096 0\nowner root\ngroup root\naccess rw\nlsflags ----i---------e------- /root/x\n@@path\nstat 81a4 0 0 0 1.0 1.0 1.0 5 6 1 0 4096 0\nowner root\ngroup root\naccess rw\nlsflags \n'
    const [x, y] = parseProbe(out, requests).files
    expect([x?.attrFlags, y?.attrFlags]).toEqual(['ie', undefined])
    expect(probeScript(requests)).toContain("probe /root/x '' '' '' '' 2")
  })
})
