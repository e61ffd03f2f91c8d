import { execFileSync } from 'node:child_process'
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { stat } from '../../modules/stat.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const run = async (a: Record<string, unknown>) => (await runModule(stat, makeContext({ conn }), stat.args.parse(a))).values['stat'] as Record<string, unknown>

describe('stat on this machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-stat-'))
  const path = join(dir, "f $(id) `x`")
  writeFileSync(path, 'hello\n', { mode: 0o640 })
  symlinkSync(path, join(dir, 'l'))

  it('reports a regular file with the keys Ansible reports', async () => {
    const s = await run({ path })
    expect(s).toMatchObject({
      exists: true, path, mode: '0640', isreg: true, isdir: false, islnk: false, size: 6, nlink: 1,
      rusr: true, wusr: true, xusr: false, rgrp: true, wgrp: false, roth: false, isuid: false,
      pw_name: 'root', gr_name: 'root', checksum: 'f572d396fae9206628714fb2ce00f72e94f2258f',
      mimetype: 'text/plain', charset: 'us-ascii', device_type: 0, block_size: 4096,
    })
    expect(typeof s['mtime']).toBe('number')
    const lsattr = execFileSync('lsattr', ['-vd', '--', path]).toString().split(/\s+/)
    expect(s).toMatchObject({ version: lsattr[0], attr_flags: lsattr[1]!.replaceAll('-', '') })
    expect((s['attributes'] as string[]).length).toBe((s['attr_flags'] as string).length)
  })

  it('reports a link, or what it points to with follow', async () => {
    expect(await run({ path: join(dir, 'l') })).toMatchObject({ islnk: true, isreg: false, mode: '0777', lnk_target: path, lnk_source: path })
    expect(await run({ path: join(dir, 'l'), follow: true, checksum_algorithm: 'sha256' })).toMatchObject({ islnk: false, isreg: true, checksum: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03' })
  })

  it('reports a missing path as exists false only, and never changes', async () => {
    const outcome = await runModule(stat, makeContext({ conn }), stat.args.parse({ path: join(dir, 'missing') }))
    expect(outcome).toMatchObject({ status: 'ok', changed: false, values: { stat: { exists: false } } })
    expect(Object.keys(outcome.values['stat'] as object)).toEqual(['exists'])
  })

  it('skips checksum and mime when asked', async () => {
    const s = await run({ path, get_checksum: false, get_mime: 'no' })
    expect(s['checksum']).toBeUndefined()
    expect(s['mimetype']).toBeUndefined()
  })
})
