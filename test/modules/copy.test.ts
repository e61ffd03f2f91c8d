import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { copy } from '../../modules/copy.js'
import type { FileState } from '../../modules/lib/file-state.js'
import { sha1 } from '../../modules/lib/write-file.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const temp = () => mkdtempSync(join(tmpdir(), 'tsplay-copy-'))
const hostile = "-x $(touch pwned) `id` ; 'q' \"dq\"\nline"

describe('copy plan', () => {
  const dest = (extra: Partial<FileState> = {}): FileState => ({ path: '/etc/x', exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', checksum: sha1('old\n'), content: Buffer.from('old\n'), ...extra })
  const state = (target: FileState, dirExists = true) => ({ jobs: [{ dest: '/etc/x', content: Buffer.from('new\n'), afterHeader: 'dynamically generated' }], targets: [target], dirs: [{ path: '/etc', exists: dirExists, type: 'directory' as const }], umask: 0o022 })
  const plan = (a: Record<string, unknown>, s: ReturnType<typeof state>) => copy.plan(copy.args.parse({ dest: '/etc/x', content: 'new\n', ...a }), s, makeContext({ conn }))

  it.each([
    ['creates a missing file', {}, state({ path: '/etc/x', exists: false }), ['create /etc/x']],
    ['updates differing content', {}, state(dest()), ['update /etc/x']],
    ['leaves equal content', {}, state(dest({ checksum: sha1('new\n') })), []],
    ['only fixes the mode', { mode: '0600' }, state(dest({ checksum: sha1('new\n') })), ['set mode of /etc/x 0644 → 0600']],
    ['does not replace with force false', { force: false }, state(dest()), []],
    ['sets the mode of a new file once', { mode: '0600' }, state({ path: '/etc/x', exists: false }), ['create /etc/x', 'set mode of /etc/x 0644 → 0600']],
  ])('%s', (_, a, s, expected) => {
    expect(plan(a, s).changes.map((c) => c.summary)).toEqual(expected)
  })

  it('reports only dest for a file kept by force false, as ansible-core', () => {
    expect(plan({ force: false }, state(dest())).values).toEqual({ dest: '/etc/x' })
  })

  it('diffs old and new content with Ansible headers', () => {
    expect(plan({}, state(dest())).diff).toEqual([{ before: 'old\n', after: 'new\n', beforeHeader: '/etc/x', afterHeader: 'dynamically generated' }])
  })

  it('fails when the parent directory is missing, as Ansible', () => {
    expect(() => plan({}, state({ path: '/etc/x', exists: false }, false))).toThrow('Destination directory /etc does not exist')
  })

  it('returns checksum and md5sum of the new content', () => {
    expect(plan({}, state(dest())).values).toMatchObject({ dest: '/etc/x', checksum: sha1('new\n'), md5sum: createHash('md5').update('new\n').digest('hex'), size: 4, state: 'file' })
  })

  it('rejects content together with src, and validate without %s', () => {
    expect(copy.args.safeParse({ dest: '/x', content: 'a', src: 'b' }).success).toBe(false)
    expect(copy.args.safeParse({ dest: '/x' }).success).toBe(false)
    expect(() => plan({ validate: 'true' }, state(dest()))).toThrow('validate must contain %s: true')
  })
})

describe('copy on this machine', () => {
  const run = (a: Record<string, unknown>, check = false, files?: string) => runModule(copy, makeContext({ conn, check, diff: true, ...(files ? { files } : {}) }), copy.args.parse(a))

  it('writes content: check predicts, run writes, re-run and re-check change nothing', async () => {
    const dir = temp()
    const dest = join(dir, hostile)
    const a = { dest, content: `${hostile}\n`, mode: 'u=rw,g=r,o=' }
    const checked = await run(a, true)
    expect(checked.changes).toEqual([`create ${dest}`, `set mode of ${dest} 0644 → 0640`])
    expect(existsSync(dest)).toBe(false)
    const first = await run(a)
    expect(first.changes).toEqual(checked.changes)
    expect(first.values).toMatchObject({ dest, mode: '0640', owner: 'root', uid: 0, group: 'root', gid: 0, state: 'file' })
    expect(readFileSync(dest, 'utf8')).toBe(`${hostile}\n`)
    expect(statSync(dest).mode & 0o777).toBe(0o640)
    expect(existsSync(join(dir, 'pwned'))).toBe(false)
    expect((await run(a)).changed).toBe(false)
    expect((await run(a, true)).changed).toBe(false)
  })

  it('keeps a backup and validates with %s', async () => {
    const dir = temp()
    const dest = join(dir, 'conf')
    writeFileSync(dest, 'old\n', { mode: 0o600 })
    const outcome = await run({ dest, content: 'new\n', backup: true, validate: 'grep -q new %s' })
    expect(outcome.status).toBe('changed')
    expect(readFileSync(dest, 'utf8')).toBe('new\n')
    expect(statSync(dest).mode & 0o777).toBe(0o600)
    const backup = outcome.values['backup_file'] as string
    expect(readFileSync(backup, 'utf8')).toBe('old\n')
    const refused = await run({ dest, content: 'bad\n', validate: 'grep -q new %s' })
    expect(refused).toMatchObject({ status: 'failed', changed: false, msg: 'failed to validate' })
    expect(readFileSync(dest, 'utf8')).toBe('new\n')
    expect(readdirSync(dir).filter((n) => n.startsWith('.tsplay'))).toEqual([])
  })

  it('copies a file and a directory from the controller files/, into a directory dest', async () => {
    const role = temp()
    mkdirSync(join(role, 'files/tree/sub'), { recursive: true })
    writeFileSync(join(role, 'files/one.txt'), 'one\n')
    writeFileSync(join(role, 'files/tree/a'), 'a\n')
    writeFileSync(join(role, 'files/tree/sub/b'), 'b\n')
    const dest = temp()
    expect((await run({ src: 'one.txt', dest: `${dest}/` }, false, role)).status).toBe('changed')
    expect(readFileSync(join(dest, 'one.txt'), 'utf8')).toBe('one\n')
    expect((await run({ src: 'one.txt', dest }, false, role)).status).toBe('ok')
    const tree = { src: 'tree', dest }
    const checked = await run(tree, true, role)
    expect(checked.changes).toEqual([`create directory ${dest}/tree`, `create directory ${dest}/tree/sub`, `create ${dest}/tree/a`, `create ${dest}/tree/sub/b`])
    expect((await run(tree, false, role)).changes).toEqual(checked.changes)
    expect(readFileSync(join(dest, 'tree/sub/b'), 'utf8')).toBe('b\n')
    expect((await run(tree, false, role)).changed).toBe(false)
  })

  it('does not read a large old file just to say it is too large to diff', async () => {
    const dest = join(temp(), 'big')
    writeFileSync(dest, 'x'.repeat(200_000))
    const outcome = await run({ dest, content: 'small\n' }, true)
    expect(outcome.diff[0]).toMatchObject({ before: '(file too large to diff: 200000 bytes)\n', after: 'small\n' })
  })

  it('copies a directory on the host with remote_src, then only what changed', async () => {
    const dir = temp()
    mkdirSync(join(dir, 'src/sub'), { recursive: true })
    writeFileSync(join(dir, 'src', hostile), 'a\n')
    writeFileSync(join(dir, 'src/sub/b'), 'b\n')
    mkdirSync(join(dir, 'dst'))
    const a = { src: join(dir, 'src'), dest: join(dir, 'dst'), remote_src: true, mode: '0600' }
    const checked = await run(a, true)
    expect(checked.changes).toEqual([
      `create directory ${dir}/dst/src`, `create directory ${dir}/dst/src/sub`,
      `copy ${dir}/src/${hostile} to ${dir}/dst/src/${hostile}`, `copy ${dir}/src/sub/b to ${dir}/dst/src/sub/b`,
    ])
    expect(readdirSync(join(dir, 'dst'))).toEqual([])
    expect((await run(a)).changes).toEqual(checked.changes)
    expect(readFileSync(join(dir, 'dst/src/sub/b'), 'utf8')).toBe('b\n')
    expect(statSync(join(dir, 'dst/src/sub/b')).mode & 0o777).toBe(0o600)
    expect((await run(a)).changed).toBe(false)
    writeFileSync(join(dir, 'src/sub/b'), 'B\n')
    expect((await run({ ...a, src: `${join(dir, 'src')}/`, dest: join(dir, 'dst/src') })).changes).toEqual([`copy ${dir}/src/sub/b to ${dir}/dst/src/sub/b`])
    expect(existsSync(join(dir, 'pwned'))).toBe(false)
  })

  it('copies a file on the host with remote_src', async () => {
    const dir = temp()
    writeFileSync(join(dir, 'src'), 'remote\n')
    const a = { src: join(dir, 'src'), dest: join(dir, 'dst'), remote_src: true }
    // ansible-core's copy module (which remote_src runs) returns no diff.
    expect(await run(a)).toMatchObject({ status: 'changed', diff: [] })
    expect(readFileSync(join(dir, 'dst'), 'utf8')).toBe('remote\n')
    expect((await run(a)).status).toBe('ok')
  })

  it('gives dest the source mode with mode preserve, from the host and from files/', async () => {
    const dir = temp()
    writeFileSync(join(dir, 'src'), 'remote\n', { mode: 0o640 })
    expect((await run({ src: join(dir, 'src'), dest: join(dir, 'dst'), remote_src: true, mode: 'preserve' })).status).toBe('changed')
    expect(statSync(join(dir, 'dst')).mode & 0o777).toBe(0o640)
    mkdirSync(join(dir, 'files'))
    writeFileSync(join(dir, 'files/run.sh'), 'echo\n', { mode: 0o750 })
    expect((await run({ src: 'run.sh', dest: join(dir, 'run.sh'), mode: 'preserve' }, false, join(dir, 'files'))).status).toBe('changed')
    expect(statSync(join(dir, 'run.sh')).mode & 0o777).toBe(0o750)
    expect((await run({ src: 'run.sh', dest: join(dir, 'run.sh'), mode: 'preserve' }, false, join(dir, 'files'))).status).toBe('ok')
  })
})
