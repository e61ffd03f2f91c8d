import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { file } from '../../modules/file.js'
import { jsonDiffText, asFloat } from '../../modules/lib/file-diff.js'
import { parseIds } from '../../modules/lib/file-ids.js'
import { statTime, type FileState } from '../../modules/lib/file-state.js'
import { parseWalk, walkScript } from '../../modules/lib/file-walk.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const args = (a: Record<string, unknown>) => file.args.parse(a)
const f = (path: string, extra: Partial<FileState> = {}): FileState => ({ path, exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', nlink: 1, inode: 1, dev: 1, ...extra })
const missing = (path: string): FileState => ({ path, exists: false })
type PlanState = Parameters<typeof file.plan>[1]
const diffOf = (a: Record<string, unknown>, state: PlanState, check = false) => file.plan(args(a), state, makeContext({ conn, check })).diff?.[0]
const json = (o: Record<string, unknown>) => jsonDiffText(o)

// Each expected diff as ansible-playbook 2.14 printed it for the same task (-c local --diff, side by side).
describe('file diffs as ansible-core shows them', () => {
  it('shows owner and group as the uid/gid ansible-core resolves, and compares by id', () => {
    const state: PlanState = { path: f('/f', { uid: 0, gid: 0 }), umask: 0o022, ids: { uid: 65534, gid: 65534 } }
    expect(diffOf({ path: '/f', owner: 'nobody', group: 'nogroup' }, state)).toEqual({ before: '{\n    "group": 0,\n    "owner": 0,\n    "path": "/f"\n}\n', after: '{\n    "group": 65534,\n    "owner": 65534,\n    "path": "/f"\n}\n' })
    // another name for the same uid is no change
    expect(file.plan(args({ path: '/f', owner: 'toor' }), { path: f('/f'), umask: 0o022, ids: { uid: 0 } }, makeContext({ conn })).changes).toEqual([])
    expect(diffOf({ path: '/f', owner: '4242' }, { path: f('/f'), umask: 0o022, ids: { uid: 4242 } })?.after).toBe('{\n    "owner": 4242,\n    "path": "/f"\n}\n')
  })

  it('fails on a name the host cannot resolve, with the path info, as ansible-core does; not for a new directory in check mode', () => {
    const plan = (a: Record<string, unknown>, s: PlanState, check = false) => () => file.plan(args(a), s, makeContext({ conn, check }))
    expect(plan({ path: '/f', owner: 'nosuchuser' }, { path: f('/f'), umask: 0o022, ids: {} })).toThrow('chown failed: failed to look up user nosuchuser')
    expect(plan({ path: '/f', group: 'nosuchgroup' }, { path: f('/f'), umask: 0o022, ids: {} })).toThrow('chgrp failed: failed to look up group nosuchgroup')
    expect(plan({ path: '/d', state: 'directory', owner: 'nosuchuser' }, { path: missing('/d'), umask: 0o022, ids: {} }, true)).not.toThrow()
  })

  it('shows the times a touch sets, as Python floats', () => {
    const state: PlanState = { path: f('/f', { mtime: 1795342094.595723, atime: 1795342094.7917228 }), umask: 0o022, epochs: { now: [1795342095.4018228, 1795342095.4018228] } }
    expect(diffOf({ path: '/f', state: 'touch' }, state)).toEqual({
      before: '{\n    "atime": 1795342094.7917228,\n    "mtime": 1795342094.595723,\n    "path": "/f",\n    "state": "file"\n}\n',
      after: '{\n    "atime": 1795342095.4018228,\n    "mtime": 1795342095.4018228,\n    "path": "/f",\n    "state": "touch"\n}\n',
    })
    const stamp = { path: '/f', modification_time: '202001011200.00', access_time: 'preserve' }
    expect(diffOf(stamp, { path: f('/f', { mtime: 1795342097.127723 }), umask: 0o022, epochs: { m: 1577880000 } })).toEqual({ before: '{\n    "mtime": 1795342097.127723,\n    "path": "/f"\n}\n', after: '{\n    "mtime": 1577880000.0,\n    "path": "/f"\n}\n' })
    // a new file: its creation time before and the clock after; in check mode no diff (ansible-core returns early)
    const created = diffOf({ path: '/g', state: 'touch' }, { path: missing('/g'), umask: 0o022, epochs: { now: [10.5, 11.25] } })
    expect(created?.before).toBe('{\n    "atime": 10.5,\n    "mtime": 10.5,\n    "path": "/g",\n    "state": "absent"\n}\n')
    expect(created?.after).toBe('{\n    "atime": 11.25,\n    "mtime": 11.25,\n    "path": "/g",\n    "state": "touch"\n}\n')
    expect(diffOf({ path: '/g', state: 'touch' }, { path: missing('/g'), umask: 0o022, epochs: { now: [10.5, 11.25] } }, true)).toBeUndefined()
  })

  it('lists what a removed directory held under path_content, in check mode too', () => {
    const state: PlanState = { path: f('/d', { type: 'directory' }), umask: 0o022, content: { directories: ['/d/x'], files: ['/d/x/f'] } }
    for (const check of [false, true]) {
      expect(diffOf({ path: '/d', state: 'absent' }, state, check)?.before).toBe('{\n    "path": "/d",\n    "path_content": {\n        "directories": [\n            "/d/x"\n        ],\n        "files": [\n            "/d/x/f"\n        ]\n    },\n    "state": "directory"\n}\n')
    }
    expect(diffOf({ path: '/f', state: 'absent' }, { path: f('/f'), umask: 0o022 })?.before).toBe('{\n    "path": "/f",\n    "state": "file"\n}\n')
  })

  it('serialises as json.dumps(sort_keys=True, indent=4) with ensure_ascii', () => {
    expect(json({ b: 'é☃', a: { z: [], y: asFloat(3) } })).toBe('{\n    "a": {\n        "y": 3.0,\n        "z": []\n    },\n    "b": "\\u00e9\\u2603"\n}\n')
  })

  it('reads ids printed by the lookup script, digits as given', () => {
    expect(parseIds('ids-owner 65534\nids-group \nids-self 0 0\n', { owner: 'nobody', group: 'nosuch' })).toEqual({ uid: 65534, self: { uid: 0, gid: 0 } })
    expect(parseIds('', { owner: '12', group: '34' })).toEqual({ uid: 12, gid: 34 })
  })
})

describe('file diffs against Python on this machine', () => {
  const python = (code: string, ...argv: string[]) => execFileSync('python3', ['-c', code, ...argv], { encoding: 'utf8' })

  it('lists a directory in os.walk order (links to directories listed, not descended)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tsplay-walk-'))
    for (const d of ['b/c', 'a', 'b/e/f', 'z y']) mkdirSync(join(root, d), { recursive: true })
    for (const p of ['top', 'b/c/1', 'b/2', 'a/3', 'b/e/f/4', 'z y/5']) writeFileSync(join(root, p), '')
    symlinkSync('b', join(root, 'to-dir'))
    symlinkSync('nowhere', join(root, 'broken'))
    const walked = parseWalk((await conn.exec(walkScript(root))).stdout, root)
    const expected = JSON.parse(python('import os,sys,json\nd=[];f=[]\nfor b,s,n in os.walk(sys.argv[1]):\n d+=[os.path.join(b,x) for x in s]; f+=[os.path.join(b,x) for x in n]\nprint(json.dumps({"directories":d,"files":f}))', root))
    expect(walked).toEqual(expected)
    expect(walked.directories).toContain(join(root, 'to-dir'))
    expect(parseWalk((await conn.exec(walkScript(join(root, 'to-dir')))).stdout, join(root, 'to-dir'))).toEqual({ directories: [], files: [] })
  })

  it('computes stat times exactly as os.stat().st_mtime', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-times-'))
    const paths = Array.from({ length: 20 }, (_, i) => join(dir, String(i)))
    for (const p of paths) writeFileSync(p, '')
    const texts = execFileSync('stat', ['-c', '%.9Y', ...paths], { encoding: 'utf8' }).trim().split('\n')
    const reprs = python('import os,sys\nfor p in sys.argv[1:]: print(repr(os.stat(p).st_mtime))', ...paths).trim().split('\n')
    expect(texts.map((t) => String(statTime(t)))).toEqual(reprs)
    expect(statSync(dir).isDirectory()).toBe(true)
  })

  it('touches an existing file: the diff shows the old times and the new ones', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'tsplay-touch-')), 'f')
    writeFileSync(p, '')
    const old = statTime(execFileSync('stat', ['-c', '%.9Y', p], { encoding: 'utf8' }).trim())
    const outcome = await runModule(file, makeContext({ conn, diff: true }), args({ path: p, state: 'touch' }))
    const before = JSON.parse(outcome.diff[0]!.before) as Record<string, number>
    const after = JSON.parse(outcome.diff[0]!.after) as Record<string, number>
    expect(before['mtime']).toBe(old)
    expect(after['mtime']).toBeGreaterThanOrEqual(old)
    expect(Object.keys(after).sort()).toEqual(['atime', 'mtime', 'path', 'state'])
  })
})
