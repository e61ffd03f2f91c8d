import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { unarchive } from '../../modules/unarchive.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const temp = () => mkdtempSync(join(tmpdir(), 'tsplay-unarchive-'))
const name = "odd $(id) 'q'"

/** A role directory whose files/ holds app.tgz and app.zip, each with top/<name> and top/sub/b. */
function role(): string {
  const dir = temp()
  mkdirSync(join(dir, 'src/top/sub'), { recursive: true })
  writeFileSync(join(dir, 'src/top', name), 'a\n')
  writeFileSync(join(dir, 'src/top/sub/b'), 'b\n')
  mkdirSync(join(dir, 'files'))
  execFileSync('tar', ['-czf', join(dir, 'files/app.tgz'), '-C', join(dir, 'src'), 'top'])
  execFileSync('zip', ['-qr', join(dir, 'files/app.zip'), 'top'], { cwd: join(dir, 'src') })
  return dir
}

describe('unarchive on this machine', () => {
  const files = role()
  const run = (a: Record<string, unknown>, check = false) => runModule(unarchive, makeContext({ conn, check, diff: true, files }), unarchive.args.parse(a))

  it.each(['app.tgz', 'app.zip'])('unpacks %s from the controller once; check mode predicts and writes nothing', async (src) => {
    const dest = temp()
    const checked = await run({ src, dest }, true)
    expect(checked.changed).toBe(true)
    expect(existsSync(join(dest, 'top'))).toBe(false)
    const first = await run({ src, dest })
    expect(first.changes).toEqual(checked.changes)
    expect(readFileSync(join(dest, 'top', name), 'utf8')).toBe('a\n')
    expect((await run({ src, dest })).changed).toBe(false)
    writeFileSync(join(dest, 'top/sub/b'), 'changed\n')
    expect((await run({ src, dest }, true)).changed).toBe(true)
  })

  it('unpacks an archive on the host with remote_src, extra_opts and mode, then not again', async () => {
    const dest = temp()
    const a = { src: join(files, 'files/app.tgz'), remote_src: true, dest, extra_opts: ['--strip-components=1'], mode: 'u=rwX,go=rX', list_files: true }
    const first = await run(a)
    // ansible-core's unarchive shows no diff for a tar archive.
    expect(first).toMatchObject({ status: 'changed', diff: [] })
    // tar lists the names extra_opts transforms (--show-transformed-names), as ansible-core returns them, '' for top/ itself
    expect(first.values['files']).toEqual(expect.arrayContaining(['', name, 'sub/b']))
    expect(first.values['extract_results']).toMatchObject({ cmd: [expect.stringMatching(/\/tar$/), '--extract', '-C', dest, '-z', '--show-transformed-names', '--strip-components=1', '-f', join(files, 'files/app.tgz')], rc: 0, out: '' })
    expect(readFileSync(join(dest, 'sub/b'), 'utf8')).toBe('b\n')
    expect(statSync(join(dest, 'sub/b')).mode & 0o777).toBe(0o644)
    expect((await run(a)).changed).toBe(false)
  })

  it('has the host download a URL src, then finds it unpacked', async () => {
    const server = createServer((req, res) => (req.url === '/app.tgz' ? res.end(readFileSync(join(files, 'files/app.tgz'))) : ((res.statusCode = 404), res.end())))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const dest = temp()
      const a = { src: `${base}/app.tgz`, remote_src: true, dest }
      const checked = await run(a, true)
      expect(checked.changed).toBe(true)
      expect(readdirSync(dest)).toEqual([])
      expect((await run(a)).changes).toEqual(checked.changes)
      expect(readFileSync(join(dest, 'top/sub/b'), 'utf8')).toBe('b\n')
      expect((await run(a)).changed).toBe(false)
      expect((await run({ src: `${base}/missing.tgz`, remote_src: true, dest })).msg).toMatch(/download failed: status 404/)
    } finally {
      server.close()
    }
  })

  it('skips when creates exists, and fails on a missing dest', async () => {
    const dest = temp()
    expect(await run({ src: 'app.tgz', dest, creates: dest })).toMatchObject({ status: 'skipped', msg: `skipped, since ${dest} exists` })
    expect((await run({ src: 'app.tgz', dest: join(dest, 'nope') })).msg).toBe(`dest '${join(dest, 'nope')}' must be an existing dir`)
  })
})
