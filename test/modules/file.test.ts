import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { file } from '../../modules/file.js'
import type { FileState } from '../../modules/lib/file-state.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const args = (a: Record<string, unknown>) => file.args.parse(a)
const f = (path: string, extra: Partial<FileState> = {}): FileState => ({ path, exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', nlink: 1, inode: 1, dev: 1, ...extra })
const missing = (path: string): FileState => ({ path, exists: false })
const summaries = (a: Record<string, unknown>, state: Parameters<typeof file.plan>[1]) => file.plan(args(a), state, makeContext({ conn })).changes.map((c) => c.summary)
const temp = () => mkdtempSync(join(tmpdir(), 'tsplay-file-'))

describe('file plan', () => {
  it.each([
    ['creates a missing directory', { path: '/d', state: 'directory' }, { path: missing('/d'), umask: 0o022 }, ['create directory /d']],
    ['leaves a matching directory alone', { path: '/d', state: 'directory', mode: '0755' }, { path: f('/d', { type: 'directory', mode: '0755' }), umask: 0o022 }, []],
    ['sets the mode of a new directory', { path: '/d', state: 'directory', mode: '0700' }, { path: missing('/d'), umask: 0o022 }, ['create directory /d', 'set mode of /d 0755 → 0700']],
    ['removes a file', { path: '/f', state: 'absent' }, { path: f('/f'), umask: 0o022 }, ['remove file /f']],
    ['removes nothing that is absent', { path: '/f', state: 'absent' }, { path: missing('/f'), umask: 0o022 }, []],
    ['touches always', { path: '/f', state: 'touch' }, { path: f('/f'), umask: 0o022 }, ['touch /f']],
    ['touches only to create with preserved times', { path: '/f', state: 'touch', modification_time: 'preserve', access_time: 'preserve' }, { path: f('/f'), umask: 0o022 }, []],
    ['creates with preserved times', { path: '/f', state: 'touch', modification_time: 'preserve', access_time: 'preserve' }, { path: missing('/f'), umask: 0o022 }, ['create /f']],
    ['keeps a matching modification time', { path: '/f', modification_time: '202001011200.00' }, { path: f('/f', { mtime: 1577880000 }), umask: 0o022, epochs: { m: 1577880000 } }, []],
    // ansible-core compares the floats: a fraction of a second off is a change.
    ['sets a modification time a fraction off', { path: '/f', modification_time: '202001011200.00' }, { path: f('/f', { mtime: 1577880000.25 }), umask: 0o022, epochs: { m: 1577880000 } }, ['set times of /f']],
    ['sets a differing modification time', { path: '/f', modification_time: '202001011200.00' }, { path: f('/f', { mtime: 1 }), umask: 0o022, epochs: { m: 1577880000 } }, ['set times of /f']],
    ['computes symbolic modes', { path: '/f', mode: 'u+x' }, { path: f('/f'), umask: 0o022 }, ['set mode of /f 0644 → 0744']],
    ['defaults state to the current kind', { dest: '/d', mode: '0755' }, { path: f('/d', { type: 'directory', mode: '0755' }), umask: 0o022 }, []],
    ['links', { path: '/l', src: '/f', state: 'link' }, { path: missing('/l'), src: f('/f'), umask: 0o022 }, ['link /l → /f']],
    ['keeps a correct link', { path: '/l', src: '/f', state: 'link' }, { path: f('/l', { type: 'link', linkTarget: '/f' }), target: f('/f'), src: f('/f'), umask: 0o022 }, []],
    ['re-points a wrong link', { path: '/l', src: '/f', state: 'link' }, { path: f('/l', { type: 'link', linkTarget: '/g' }), target: f('/g'), src: f('/f'), umask: 0o022 }, ['link /l → /f']],
    ['keeps a correct hard link', { path: '/h', src: '/f', state: 'hard' }, { path: f('/h', { nlink: 2, inode: 7 }), src: f('/f', { nlink: 2, inode: 7 }), umask: 0o022 }, []],
    // Without state, a file with two links is 'hard'; without src that needs no src (as ansible-core, measured on a lab host).
    ['sets attributes of a hard-linked file without src', { path: '/h', owner: 'nobody' }, { path: f('/h', { nlink: 2 }), umask: 0o022 }, ['set owner of /h root → nobody']],
  ])('%s', (_, a, state, expected) => {
    expect(summaries(a, state as Parameters<typeof file.plan>[1])).toEqual(expected)
  })

  it.each([
    [{ path: '/g', state: 'file' }, { path: missing('/g'), umask: 0o022 }, 'file (/g) is absent, cannot continue'],
    [{ path: '/f', state: 'directory' }, { path: f('/f'), umask: 0o022 }, '/f already exists as a file'],
    [{ path: '/f', src: '/nope', state: 'link' }, { path: f('/f'), src: missing('/nope'), umask: 0o022 }, 'src file does not exist, use "force=yes" if you really want to create the link: /nope'],
    [{ path: '/f', src: '/g', state: 'link' }, { path: f('/f'), src: f('/g'), umask: 0o022 }, 'refusing to convert from file to symlink for /f'],
    [{ path: '/f', src: '/g', state: 'hard' }, { path: f('/f'), src: f('/g', { inode: 9 }), umask: 0o022 }, 'Cannot link, file exists at destination'],
    [{ path: '/f', src: '/g', state: 'hard' }, { path: f('/f', { nlink: 2 }), src: f('/g', { inode: 9 }), umask: 0o022 }, 'Cannot link, different hard link exists at destination'],
    [{ path: '/d', src: '/g', state: 'link', force: true }, { path: f('/d', { type: 'directory', nlink: 3 }), src: f('/g'), umask: 0o022 }, 'the directory /d is not empty, refusing to convert it'],
  ])('fails as Ansible does: %j', (a, state, message) => {
    expect(() => summaries(a, state as Parameters<typeof file.plan>[1])).toThrow(message)
  })

  it('shows a diff of path, state and mode like Ansible', () => {
    const plan = file.plan(args({ path: '/d', state: 'directory' }), { path: missing('/d'), umask: 0o022 }, makeContext({ conn }))
    expect(plan.diff).toEqual([{ before: '{\n    "path": "/d",\n    "state": "absent"\n}\n', after: '{\n    "path": "/d",\n    "state": "directory"\n}\n' }])
  })

  // Each as ansible-core 2.14 printed it on a lab host (test/lab/differential-files.test.ts).
  it('shows both targets of a re-pointed link, and in check mode no attributes of a new directory nor a diff of a new touched file', () => {
    const link = file.plan(args({ path: '/l', src: 'b', state: 'link' }), { path: f('/l', { type: 'link', linkTarget: 'a' }), target: f('/a'), src: f('/b'), umask: 0o022 }, makeContext({ conn }))
    expect(link.diff).toEqual([{ before: '{\n    "path": "/l",\n    "src": "a"\n}\n', after: '{\n    "path": "/l",\n    "src": "b"\n}\n' }])
    const dir = (check: boolean) => file.plan(args({ path: '/d', state: 'directory', mode: '0750' }), { path: missing('/d'), umask: 0o022 }, makeContext({ conn, check })).diff?.[0]?.after
    expect([dir(true), dir(false)]).toEqual(['{\n    "path": "/d",\n    "state": "directory"\n}\n', '{\n    "mode": "0750",\n    "path": "/d",\n    "state": "directory"\n}\n'])
    const touch = (check: boolean) => file.plan(args({ path: '/t', state: 'touch' }), { path: missing('/t'), umask: 0o022 }, makeContext({ conn, check })).diff
    expect([touch(true), touch(false)?.length]).toEqual([undefined, 1])
  })

  it('refuses unknown arguments, takes unquoted (numeric) modes as ansible does', () => {
    expect(file.args.safeParse({ path: '/x', stat: 'file' }).success).toBe(false)
    expect(file.args.safeParse({ path: '/x', mode: 0o755 }).data?.mode).toBe('0755')
  })
})

describe('file on this machine', () => {
  const run = (a: Record<string, unknown>, check = false) => runModule(file, makeContext({ conn, check, diff: true }), args(a))

  it('only peeks with _diff_peek: a NUL byte in the head means binary, as ansible-core guesses', async () => {
    const base = temp()
    writeFileSync(join(base, 'text'), 'plain\n')
    writeFileSync(join(base, 'bin'), Buffer.from([1, 0, 2]))
    for (const [name, binary] of [['text', false], ['bin', true], ['missing', false]] as const) {
      const out = await run({ path: join(base, name), _diff_peek: true })
      expect([out.status, out.values['appears_binary'], out.values['warnings']]).toEqual(['ok', binary, undefined])
    }
  })

  it('creates nested directories with a mode: check predicts, run changes, re-run does not', async () => {
    const base = temp()
    const path = join(base, "a b/$(touch x);`id`/-c")
    const a = { path, state: 'directory', mode: '0750' }
    const checked = await run(a, true)
    expect(checked.changed).toBe(true)
    expect(existsSync(join(base, 'a b'))).toBe(false)
    const first = await run(a)
    expect(first.changes).toEqual(checked.changes)
    expect(statSync(path).mode & 0o7777).toBe(0o750)
    expect(statSync(join(base, 'a b')).mode & 0o7777).toBe(0o750)
    expect(existsSync(join(base, 'x'))).toBe(false)
    expect((await run(a)).changed).toBe(false)
    expect((await run(a, true)).changed).toBe(false)
  })

  it('links, re-links and removes', async () => {
    const base = temp()
    writeFileSync(join(base, 'f'), 'x')
    const link = { path: join(base, 'l'), src: 'f', state: 'link' }
    expect((await run(link)).status).toBe('changed')
    expect(readlinkSync(join(base, 'l'))).toBe('f')
    expect((await run(link)).status).toBe('ok')
    const hard = { path: join(base, 'h'), src: join(base, 'f'), state: 'hard' }
    expect((await run(hard)).status).toBe('changed')
    expect(statSync(join(base, 'h')).ino).toBe(statSync(join(base, 'f')).ino)
    expect((await run(hard)).status).toBe('ok')
    expect((await run({ path: join(base, 'l'), state: 'absent' })).status).toBe('changed')
    expect(() => lstatSync(join(base, 'l'))).toThrow()
    expect((await run({ path: join(base, 'l'), state: 'absent' })).status).toBe('ok')
  })

  it('applies attributes recursively, then finds nothing to do', async () => {
    const base = temp()
    mkdirSync(join(base, 'd/e'), { recursive: true })
    writeFileSync(join(base, 'd/e/f'), 'x', { mode: 0o600 })
    const a = { path: join(base, 'd'), state: 'directory', recurse: true, mode: 'u=rwX,go=rX' }
    const checked = await run(a, true)
    expect(checked.changes).toEqual([`set attributes of 1 entry below ${join(base, 'd')}`])
    expect(statSync(join(base, 'd/e/f')).mode & 0o777).toBe(0o600)
    expect((await run(a)).changes).toEqual(checked.changes)
    expect(statSync(join(base, 'd/e/f')).mode & 0o777).toBe(0o644)
    expect((await run(a)).changed).toBe(false)
  })

  it('returns what ansible-core 2.14 returns (checked side by side)', async () => {
    const base = temp()
    writeFileSync(join(base, 'f'), '')
    expect((await run({ path: join(base, 'new'), state: 'touch' }, true)).values).toEqual({ dest: join(base, 'new') })
    expect((await run({ path: join(base, 'new'), state: 'touch' })).values).toMatchObject({ dest: join(base, 'new'), state: 'file', mode: '0644', size: 0 })
    expect((await run({ path: join(base, 'l'), src: 'f', state: 'link' })).values).toMatchObject({ dest: join(base, 'l'), src: 'f', state: 'link', mode: '0777', size: 1 })
    expect((await run({ path: join(base, 'l') })).values).toMatchObject({ dest: join(base, 'l'), src: 'f', state: 'link' })
    expect((await run({ path: join(base, 'l'), state: 'file' })).values).toMatchObject({ path: join(base, 'f'), state: 'file' })
    expect((await run({ path: join(base, 'f'), state: 'absent' })).values).toEqual({ path: join(base, 'f'), state: 'absent' })
  })

  it('sets a modification time given in Ansible\'s format once', async () => {
    const path = join(temp(), 'f')
    writeFileSync(path, '')
    const a = { path, modification_time: '202001011200.00' }
    expect((await run(a)).changed).toBe(true)
    expect(statSync(path).mtime.getFullYear()).toBe(2020)
    expect((await run(a)).changed).toBe(false)
    expect(file.args.safeParse({ path, modification_time: 'yesterday' }).success).toBe(false)
  })

  it('fails on a missing file with state file', async () => {
    const outcome = await run({ path: join(temp(), 'nope'), state: 'file' })
    expect(outcome.status).toBe('failed')
    expect(outcome.msg).toMatch(/is absent, cannot continue$/)
  })
})
