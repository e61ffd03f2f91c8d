import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { compareZip, parseZipInspect } from '../../modules/lib/file-zip.js'
import { unarchive } from '../../modules/unarchive.js'
import { makeContext } from '../helpers/module-context.js'

// zipInspectScript output captured on this machine (`unzip -Z -T -s`, `unzip -v`, stat and gzip CRC lines) for a zip of
// tree/{a,c.log,sub/b} unpacked into dest, then tree/sub removed, tree/c.log chowned and tree/a edited (size, time, CRC).
const CAPTURED = `@@zip-info
Archive:  app.zip
Zip file size: 748 bytes, number of entries: 5
drwxr-xr-x  3.0 unx        0 bx stor 20261122.101727 tree/
-rw-r--r--  3.0 unx        2 tx stor 20261122.101727 tree/c.log
drwxr-xr-x  3.0 unx        0 bx stor 20261122.101727 tree/sub/
-rw-r--r--  3.0 unx        2 tx stor 20261122.101727 tree/sub/b
-rw-r--r--  3.0 unx        2 tx stor 20261122.101727 tree/a
5 files, 6 bytes uncompressed, 6 bytes compressed:  0.0%
@@zip-rc 0
@@zip-crc
Archive:  app.zip
 Length   Method    Size  Cmpr    Date    Time   CRC-32   Name
--------  ------  ------- ---- ---------- ----- --------  ----
       0  Stored        0   0% 2026-11-22 10:17 00000000  tree/
       2  Stored        2   0% 2026-11-22 10:17 efdcc385  tree/c.log
       0  Stored        0   0% 2026-11-22 10:17 00000000  tree/sub/
       2  Stored        2   0% 2026-11-22 10:17 f6c7f2c4  tree/sub/b
       2  Stored        2   0% 2026-11-22 10:17 ddeaa107  tree/a
--------          -------  ---                            -------
       6                6   0%                            5 files
@@zip-times
1795342647
1795342647
1795342647
1795342647
1795342647
@@zip-stat
@@m tree/
41ed 4096 1795342901.773491033 0 0
@@m tree/c.log
81a4 2 1795342647.000000000 65534 0
crc  4024222597
@@m tree/sub/
@@m tree/sub/b
@@m tree/a
81a4 5 1795342950.250000000 0 0
crc  1234567
@@zip-umask 0022
`

describe('zip comparison as ansible-core ZipArchive.is_unarchived', () => {
  it('itemises missing, changed and foreign-owned members in zipinfo order', () => {
    const z = parseZipInspect(CAPTURED)
    expect(z.members.map((m) => m.path)).toEqual(['tree/', 'tree/c.log', 'tree/sub/', 'tree/sub/b', 'tree/a'])
    expect(z.crcs.get('tree/a')).toBe(0xddeaa107)
    expect(compareZip(z, { uid: 0, gid: 0, excludes: [] })).toEqual({ unarchived: false, diff: '.f....o..?? tree/c.log\n>d++++++.?? tree/sub/\n>f++++++.?? tree/sub/b\n.fcst....?? tree/a\n' })
    // a mode the task sets counts instead of the archive's; an excluded path is skipped
    expect(compareZip(z, { mode: '0600', uid: 0, gid: 0, excludes: ['tree/sub/', 'tree/sub/b'] }).diff).toBe('.d...p...?? tree/\n.f...po..?? tree/c.log\n.fcstp...?? tree/a\n')
  })

  it('is unarchived only when zipinfo succeeded and nothing differs', () => {
    const same = CAPTURED.replace('65534 0\ncrc  4024222597', '0 0\ncrc  4024222597')
    const z = parseZipInspect(same.replace(/@@m tree\/sub\/\n@@m tree\/sub\/b\n@@m tree\/a\n[^@]*/, ''))
    expect(compareZip({ ...z, members: z.members.slice(0, 2) }, { uid: 0, gid: 0, excludes: [] })).toEqual({ unarchived: true, diff: '' })
    expect(compareZip({ ...z, rc: 11, members: z.members.slice(0, 2) }, { uid: 0, gid: 0, excludes: [] }).unarchived).toBe(false)
  })
})

// Each expectation as ansible-playbook 2.14 gave it for the same archive and task (-c local, side by side).
describe('unarchive include/exclude and zip results on this machine', () => {
  const conn = connectLocal('local')
  const work = mkdtempSync(join(tmpdir(), 'tsplay-unzip-'))
  mkdirSync(join(work, 'src/tree/sub'), { recursive: true })
  for (const [p, c] of [['tree/a', 'a\n'], ['tree/c.log', 'c\n'], ['tree/sub/b', 'b\n']] as const) writeFileSync(join(work, 'src', p), c)
  execFileSync('zip', ['-qr', join(work, 'app.zip'), 'tree/c.log', 'tree/sub', 'tree/a', 'tree'], { cwd: join(work, 'src') })
  execFileSync('tar', ['-czf', join(work, 'app.tgz'), '-C', join(work, 'src'), 'tree'])
  const run = (a: Record<string, unknown>, check = false) => runModule(unarchive, makeContext({ conn, check, diff: true }), unarchive.args.parse({ remote_src: true, list_files: true, ...a }))
  const fresh = (name: string) => {
    const dest = join(work, name)
    rmSync(dest, { recursive: true, force: true })
    mkdirSync(dest)
    return dest
  }

  it('zip: exclude patterns, the itemised diff as the prepared diff, extract_results; then nothing to do', async () => {
    const dest = fresh('zex')
    const a = { src: join(work, 'app.zip'), dest, exclude: ['*.log'] }
    const checked = await run(a, true)
    expect(checked.changed).toBe(true)
    expect(existsSync(join(dest, 'tree'))).toBe(false)
    const first = await run(a)
    expect(first.diff).toEqual([{ before: '', after: '', prepared: checked.diff[0]!.prepared }])
    expect(existsSync(join(dest, 'tree/c.log'))).toBe(false)
    expect(first.values['files']).toEqual(['tree/sub/', 'tree/sub/b', 'tree/a', 'tree/'])
    expect(first.values).toMatchObject({ handler: 'ZipArchive', state: 'directory', extract_results: { cmd: [expect.stringMatching(/\/unzip$/), '-o', join(work, 'app.zip'), '-x', '*.log', '-d', dest], rc: 0, err: '' } })
    expect(String((first.values['extract_results'] as { out: string }).out)).toContain(` extracting: ${dest}/tree/a  \n`)
    expect((await run(a)).changed).toBe(false)
    chmodSync(join(dest, 'tree/a'), 0o600)
    expect((await run(a, true)).diff).toEqual([{ before: '', after: '', prepared: '.f...p...?? tree/a\n' }])
  })

  it('zip: include patterns (fnmatch, * crosses /); tar: include names and exclude patterns (a trailing / dropped)', async () => {
    const zin = await run({ src: join(work, 'app.zip'), dest: fresh('zin'), include: ['tree/a', 'tree/sub/*'] })
    expect(zin.values['files']).toEqual(['tree/sub/', 'tree/sub/b', 'tree/a'])
    expect(zin.diff[0]).toMatchObject({ prepared: '>d++++++.?? tree/sub/\n>f++++++.?? tree/sub/b\n>f++++++.?? tree/a\n' })
    const tin = await run({ src: join(work, 'app.tgz'), dest: fresh('tin'), include: ['tree/a'] })
    expect(tin.values['files']).toEqual(['tree/a'])
    expect(existsSync(join(work, 'tin/tree/c.log'))).toBe(false)
    const tex = { src: join(work, 'app.tgz'), dest: fresh('tex'), exclude: ['*.log', 'tree/sub/'] }
    const first = await run(tex)
    expect(first.values['files']).toEqual(['tree/', 'tree/a'])
    expect((first.values['extract_results'] as { cmd: string[] }).cmd.slice(1)).toEqual(['--extract', '-C', tex.dest, '-z', '--exclude=*.log', '--exclude=tree/sub', '-f', tex.src])
    expect(existsSync(join(tex.dest, 'tree/sub'))).toBe(false)
    expect((await run(tex)).changed).toBe(false)
    expect(unarchive.args.safeParse({ src: 'a.zip', dest: '/d', include: ['x'], exclude: ['y'] }).error?.issues[0]?.message).toBe('parameters are mutually exclusive: include|exclude')
  })
})
