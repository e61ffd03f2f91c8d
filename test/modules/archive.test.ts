import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { archive, type ArchiveState, planArchive } from '../../modules/archive.js'
import { archiveMembers, commonPath, parseExpansion } from '../../modules/lib/archive-members.js'

// community.general.archive's own common_path, the oracle for ours.
function pythonCommonPath(cases: string[][]): string[] {
  const code = 'import json,sys\nfrom ansible_collections.community.general.plugins.modules.archive import common_path\nprint(json.dumps([common_path(c) for c in json.load(sys.stdin)]))'
  return JSON.parse(execFileSync('python3', ['-c', code], { input: JSON.stringify(cases), env: { ...process.env, PYTHONPATH: '/usr/lib/python3/dist-packages' } }).toString()) as string[]
}

const rec = (...words: string[]): string => words.map((w) => `${w}\0`).join('')

/** A host with the tree /srv/data (a, sub/, sub/b, c.log) and /srv/one.txt. */
const DATA = rec('E', '/srv/data', 'd', 'W', 'ff', 'a', 'W', 'dd', 'sub', 'W', 'ff', 'sub/b', 'W', 'ff', 'c.log', 'Z')
const ONE = rec('E', '/srv/one.txt', 'f')

function state(stdout: string, paths: string[], extra: Partial<ArchiveState> = {}): ArchiveState {
  return { expansion: parseExpansion(stdout, paths), dest: { exists: false }, umask: 0o022, ...extra }
}

describe('archive members', () => {
  it('computes the common root as the module does', () => {
    const cases = [['/srv/data'], ['/srv/a/x', '/srv/b'], ['/srv/ab/x', '/srv/ac/y'], ['/data'], ['/a/b/c', '/a/b/d'], ['rel'], ['x/y', 'x/z']]
    expect(cases.map((c) => commonPath(c))).toEqual(pythonCommonPath(cases))
  })

  it('lists directories before files at each level, then descends (os.walk), skipping symlinked directories', () => {
    const e = parseExpansion(rec('E', '/t', 'd', 'W', 'ff', 'f1', 'W', 'dd', 'd1', 'W', 'ff', 'd1/x', 'W', 'ld', 'link', 'W', 'ff', 'f2', 'Z'), ['/t'])
    expect(e.sources.get('/t')!.walk).toEqual(['d1', 'link', 'f1', 'f2', 'd1/x'])
    expect(archiveMembers([e.sources.get('/t')!], '/', ['*x'], false).map((m) => m.name)).toEqual(['t/d1', 't/link', 't/f1', 't/f2'])
  })
})

describe('archive plan', () => {
  const args = (a: Record<string, unknown>) => archive.args.parse(a)

  it('archives a tree into a new dest; check mode reports dest_state absent and nothing archived, as ansible', () => {
    const a = args({ path: '/srv/data', dest: '/srv/d.tgz' })
    const real = planArchive(a, state(DATA, ['/srv/data']), false)
    expect(real.changes.map((c) => c.kind)).toEqual(['write'])
    expect(real.values).toMatchObject({ dest_state: 'archive', arcroot: '/srv/', archived: ['/srv/data/sub', '/srv/data/a', '/srv/data/c.log', '/srv/data/sub/b'] })
    expect(planArchive(a, state(DATA, ['/srv/data']), true).values).toMatchObject({ dest_state: 'absent', archived: [] })
  })

  it('changes nothing when the existing archive lists what it would write, and sets attributes that differ', () => {
    const a = args({ path: '/srv/data', dest: '/srv/d.tgz', mode: '0600' })
    const stat = { path: '/srv/d.tgz', exists: true, type: 'file' as const, mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', size: 10 }
    const same = planArchive(a, state(DATA, ['/srv/data'], { dest: { exists: true, stat }, current: 'x\n', candidate: 'x\n' }), false)
    expect(same.changes.map((c) => c.summary)).toEqual(['set mode of /srv/d.tgz 0644 → 0600'])
    const differs = planArchive(a, state(DATA, ['/srv/data'], { dest: { exists: true, stat }, current: 'x\n', candidate: 'y\n' }), true)
    expect(differs.changes.map((c) => c.kind)).toEqual(['write'])
  })

  it('compresses a single file to PATH.gz, and needs dest for several paths', () => {
    const one = planArchive(args({ path: '/srv/one.txt' }), state(ONE, ['/srv/one.txt']), false)
    expect(one.values).toMatchObject({ dest: '/srv/one.txt.gz', dest_state: 'compress', archived: ['/srv/one.txt'] })
    expect(() => planArchive(args({ path: ['/srv/data', '/srv/one.txt'] }), state(DATA + ONE, ['/srv/data', '/srv/one.txt']), false)).toThrow('Error, must specify "dest" when archiving multiple files or trees')
  })

  it('reports missing sources as incomplete, and fails when nothing is left after exclude_path', () => {
    const s = state(rec('E', '/srv/one.txt', 'f', 'E', '/srv/nope', 'm'), ['/srv/one.txt', '/srv/nope'])
    expect(planArchive(args({ path: ['/srv/one.txt', '/srv/nope'], dest: '/srv/m.tar', format: 'tar' }), s, false).values).toMatchObject({ dest_state: 'incomplete', missing: ['/srv/nope'] })
    const none = state(rec('E', '/srv/one.txt', 'f', 'X', '/srv/one.txt'), ['/srv/one.txt'])
    expect(() => planArchive(args({ path: '/srv/one.txt', exclude_path: '/srv/one.txt' }), none, false)).toThrow('Error, no source paths were found')
  })

  it('refuses to remove sources that contain the archive', () => {
    expect(() => planArchive(args({ path: '/srv/data', dest: '/srv/data/x.tgz', remove: true }), state(DATA, ['/srv/data']), false)).toThrow('can not be contained in source paths')
  })
})
