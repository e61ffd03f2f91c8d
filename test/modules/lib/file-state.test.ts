import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../../engine/connection/index.js'
import { parseProbe, probeFile, probeFiles, quotedTarget, type ProbeRequest } from '../../../modules/lib/file-state.js'
import { recordingLocal } from '../../helpers/recording.js'

const fixture = readFileSync(new URL('../../fixtures/output/stat/probe-tmpdir.txt', import.meta.url), 'utf8')
const requests: ProbeRequest[] = [
  { path: '/t/f', checksum: 'sha1', content: true, mime: true },
  { path: '/t/dir' },
  { path: '/t/ln' },
  { path: '/t/ln', follow: true, checksum: 'sha256' },
  { path: '/t/dangling' },
  { path: '/t/dangling', follow: true },
  { path: '/t/missing' },
  { path: '/dev/null' },
]

// Captured from a temp dir /tmp/tmp.1qAV6CyQf5 holding f, dir/, ln -> f and dangling -> nowhere.
describe('parseProbe on captured output of GNU stat 9.1', () => {
  const { files, umask } = parseProbe(fixture, requests)

  it('reads the umask', () => expect(umask).toBe(0o022))

  it('reads a regular file with checksum and content', () => {
    expect(files[0]).toMatchObject({ exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', size: 6, nlink: 1, readable: true, writeable: true, executable: false, checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f' })
    expect(files[0]!.content!.toString()).toBe('hello\n')
    expect(files[0]!.mime).toBe('text/plain; charset=us-ascii')
    expect(files[0]!.mtime).toBeCloseTo(1795321056.626835506, 3)
    expect(files[0]).toMatchObject({ blocks: 8, blockSize: 4096, rdev: 0 })
  })

  it('reads a directory', () => expect(files[1]).toMatchObject({ type: 'directory', mode: '0755', nlink: 2, executable: true }))

  it('reads a link without following it, with its target', () => {
    expect(files[2]).toMatchObject({ type: 'link', mode: '0777', linkTarget: 'f', linkSource: '/tmp/tmp.1qAV6CyQf5/f' })
    expect(files[2]!.checksum).toBeUndefined()
  })

  it('follows a link when asked', () => expect(files[3]).toMatchObject({ type: 'file', checksum: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03' }))

  it('sees a dangling link only when not following it', () => {
    expect(files[4]).toMatchObject({ type: 'link', linkTarget: 'nowhere' })
    expect(files[5]).toEqual({ path: '/t/dangling', exists: false })
    expect(files[6]).toEqual({ path: '/t/missing', exists: false })
    expect(files[7]).toMatchObject({ type: 'char', rdev: 259 })
  })
})

describe('probeFile on this machine', () => {
  it('treats hostile names as data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'))
    const name = join(dir, "-x $(touch pwned) `id` ; 'q' \"dq\"\nline")
    writeFileSync(name, 'data')
    symlinkSync(name, join(dir, 'l'))
    const conn = connectLocal('local')
    expect(await probeFile(conn, { path: name, checksum: 'md5', content: true })).toMatchObject({ exists: true, type: 'file', checksum: '8d777f385d3dfec8815d20f7496026dc' })
    expect(await probeFile(conn, { path: join(dir, 'l') })).toMatchObject({ type: 'link', linkTarget: name })
    expect(await probeFile(conn, { path: join(dir, 'pwned') })).toMatchObject({ exists: false })
  })

  it('reads link targets plainly, with a newline by base64, and a checksum the same with or without content', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'))
    writeFileSync(join(dir, 'f'), 'data')
    symlinkSync('f', join(dir, 'rel'))
    symlinkSync(join(dir, 'gone/x'), join(dir, 'dangling'))
    symlinkSync('two\nlines', join(dir, 'nl'))
    const conn = connectLocal('local')
    const [rel, dangling, nl] = await Promise.all(['rel', 'dangling', 'nl'].map((l) => probeFile(conn, { path: join(dir, l) })))
    expect([rel?.linkTarget, rel?.linkSource]).toEqual(['f', join(dir, 'f')])
    expect([dangling?.linkTarget, dangling?.linkSource]).toEqual([join(dir, 'gone/x'), ''])
    expect([nl?.linkTarget, nl?.linkSource]).toEqual(['two\nlines', join(dir, 'two\nlines')])
    // one probe with the link followed and not, the file itself and a missing path: one batched stat per kind
    const { files } = await probeFiles(conn, [{ path: join(dir, 'rel'), follow: true }, { path: join(dir, 'rel') }, { path: join(dir, 'f'), follow: true }, { path: join(dir, 'none'), follow: true }])
    expect(files.map((f) => [f.exists, f.type, f.size])).toEqual([[true, 'file', 4], [true, 'link', 1], [true, 'file', 4], [false, undefined, undefined]])
    const [summed, read] = await Promise.all([probeFile(conn, { path: join(dir, 'f'), checksum: 'sha256' }), probeFile(conn, { path: join(dir, 'f'), checksum: 'sha256', content: true })])
    expect(summed?.checksum).toBe('3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7')
    expect(read?.checksum).toBe(summed?.checksum)
  })
})

describe('probes asked of one connection view in the same turn (a loop gathering ahead)', () => {
  it('go as one script, with one stat and one sha1sum for all their files, and read what each reads alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'))
    const path = (name: string): string => join(dir, name)
    for (const name of ['a', 'b', 'c', 'back\\slash']) writeFileSync(path(name), `content of ${name}\n`)
    mkdirSync(path('d'))
    execFileSync('mkfifo', [path('fifo')])
    const { conn, commands: scripts } = recordingLocal()
    const asks: ProbeRequest[][] = [
      [{ path: path('a'), checksum: 'sha1' }, { path: path('d'), follow: true }],
      [{ path: path('b'), checksum: 'sha1' }, { path: path('d'), follow: true }],
      // a FIFO must not be read (it would block), a backslash gets a sha1sum of its own, content gives the sum
      [{ path: path('fifo'), checksum: 'sha1' }],
      [{ path: path('back\\slash'), checksum: 'sha1' }],
      [{ path: path('c'), checksum: 'sha1', content: true }],
      [{ path: path('missing'), checksum: 'sha1' }],
    ]
    const together = await Promise.all(asks.map((r) => probeFiles(conn, r)))
    expect(scripts).toHaveLength(1)
    expect(scripts[0]!.match(/exec sha1sum/g)).toHaveLength(1)
    const alone: Awaited<ReturnType<typeof probeFiles>>[] = []
    for (const r of asks) alone.push(await probeFiles(conn, r))
    expect(scripts).toHaveLength(1 + asks.length)
    const seen = (results: typeof alone) => results.map((r) => r.files.map((f) => [f.path, f.exists, f.type, f.size, f.mode, f.checksum, f.content?.toString()]))
    expect(seen(together)).toEqual(seen(alone))
    const sha1 = (name: string): string => createHash('sha1').update(`content of ${name}\n`).digest('hex')
    expect(together.map((r) => r.files[0]!.checksum)).toEqual([sha1('a'), sha1('b'), undefined, sha1('back\\slash'), sha1('c'), undefined])
    expect(together[0]!.files[1]).toMatchObject({ exists: true, type: 'directory' })
  })
})

describe('link targets from the batched stat (%N, QUOTING_STYLE=c)', () => {
  it('reads C string literals: escapes, octal bytes as UTF-8, an arrow inside the target', () => {
    expect(quotedTarget('"l" -> "f"')).toBe('f')
    expect(quotedTarget('"a \\"q\\" -> b" -> "../x\\\\y\\nz\\t"')).toBe('../x\\y\nz\t')
    expect(quotedTarget('"l" -> "\\303\\251t\\303\\251 \\1"')).toBe('été \u0001')
    expect(quotedTarget('"l" -> "raw é"')).toBe('raw é')
    expect(quotedTarget('"plain file"')).toBeUndefined()
    expect(quotedTarget('"l" -> "unterminated')).toBeUndefined()
  })

  it('gives exact targets of links with hostile names without readlink, and the resolved path only when asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-probe-'))
    const targets = ['../a b\'c"d', 'x -> y', 'été\\z', ' trailing ', 'sub/\u0007bell']
    targets.forEach((t, i) => symlinkSync(t, join(dir, `l${i}`)))
    const { conn } = recordingLocal()
    const { files } = await probeFiles(conn, targets.map((_, i) => ({ path: join(dir, `l${i}`), linkSource: false })))
    expect(files.map((f) => [f.type, f.linkTarget, f.linkSource])).toEqual(targets.map((t) => ['link', t, undefined]))
    const resolved = await probeFile(conn, { path: join(dir, 'l1') })
    expect([resolved.linkTarget, resolved.linkSource]).toEqual(['x -> y', join(dir, 'x -> y')])
    // under a UTF-8 locale stat prints é itself rather than octal escapes: the same target
    const utf8 = await probeFile(conn.with({ env: { LC_ALL: 'C.UTF-8' } }), { path: join(dir, 'l2'), linkSource: false })
    expect(utf8.linkTarget).toBe('été\\z')
  })
})
