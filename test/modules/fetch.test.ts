import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { fetch, fetchDest } from '../../modules/fetch.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const temp = () => mkdtempSync(join(tmpdir(), 'tsplay-fetch-'))

describe('fetchDest', () => {
  it.each([
    [{ src: '/etc/app.conf', dest: '/out' }, '/out/local/etc/app.conf'],
    [{ src: '/etc/app.conf', dest: '/out/', flat: true }, '/out/app.conf'],
    [{ src: '/etc/app.conf', dest: '/out/x.conf', flat: true }, '/out/x.conf'],
  ])('%j → %s', (a, expected) => expect(fetchDest(fetch.args.parse(a), 'local')).toBe(expected))
})

describe('fetch on this machine', () => {
  const run = (a: Record<string, unknown>, check = false) => runModule(fetch, makeContext({ conn, check }), fetch.args.parse(a))

  it('fetches once, then sees the same checksum; check mode writes nothing', async () => {
    const src = join(temp(), "a $(id).conf")
    writeFileSync(src, 'content\n')
    const out = temp()
    const a = { src, dest: `${out}/`, flat: true }
    const checked = await run(a, true)
    expect(checked.changes).toEqual([`fetch ${src} to ${join(out, 'a $(id).conf')}`])
    expect(existsSync(join(out, 'a $(id).conf'))).toBe(false)
    const first = await run(a)
    expect(first.changes).toEqual(checked.changes)
    expect(first.values).toMatchObject({ checksum: createHash('sha1').update('content\n').digest('hex'), md5sum: createHash('md5').update('content\n').digest('hex') })
    expect(readFileSync(join(out, 'a $(id).conf'), 'utf8')).toBe('content\n')
    expect(await run(a)).toMatchObject({ changed: false, values: { file: src } })
  })

  it('fails on a missing file unless fail_on_missing is false', async () => {
    const src = join(temp(), 'missing')
    expect((await run({ src, dest: temp() })).msg).toBe('the remote file does not exist, not transferring, ignored')
    expect(await run({ src, dest: temp(), fail_on_missing: false })).toMatchObject({ status: 'ok', values: { file: src } })
  })
})
