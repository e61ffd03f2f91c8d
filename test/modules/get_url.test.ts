import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { get_url } from '../../modules/get_url.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const body = 'payload\n'
const sha256 = createHash('sha256').update(body).digest('hex')
let server: Server
let base = ''
const seen: { url: string; auth?: string | undefined; header?: string | undefined }[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', auth: req.headers.authorization, header: req.headers['x-token'] as string | undefined })
    if (req.url?.startsWith('/file')) res.end(body)
    else {
      res.statusCode = 404
      res.end('no')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

describe('get_url on this machine (curl against a local HTTP server)', () => {
  const run = (a: Record<string, unknown>, check = false) => runModule(get_url, makeContext({ conn, check }), get_url.args.parse(a))

  it('downloads once with a checksum; check mode predicts; a matching file is not fetched again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-geturl-'))
    const dest = join(dir, "out $(id)")
    const a = { url: `${base}/file`, dest, checksum: `sha256:${sha256}`, mode: '0600' }
    const checked = await run(a, true)
    expect(checked.changes).toEqual([`download ${base}/file to ${dest}`, `set mode of ${dest} 0644 → 0600`])
    expect(existsSync(dest)).toBe(false)
    const first = await run(a)
    expect(first.changes).toEqual(checked.changes)
    expect(first.values).toMatchObject({ status_code: 200, size: body.length, msg: `OK (${body.length} bytes)` })
    expect(readFileSync(dest, 'utf8')).toBe(body)
    expect(statSync(dest).mode & 0o777).toBe(0o600)
    const requests = seen.length
    expect((await run(a)).changed).toBe(false)
    expect((await run(a, true)).changed).toBe(false)
    expect(seen.length).toBe(requests)
  })

  it('into a directory dest always downloads, as ansible-core, and replaces the file only when it differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-geturl-'))
    writeFileSync(join(dir, 'file.bin'), 'old')
    expect((await run({ url: `${base}/file.bin`, dest: dir })).changed).toBe(true)
    expect(readFileSync(join(dir, 'file.bin'), 'utf8')).toBe(body)
    const requests = seen.length
    expect((await run({ url: `${base}/file.bin`, dest: dir })).changed).toBe(false)
    expect(seen.length).toBe(requests + 1)
  })

  it('sends headers and credentials, fails on a wrong checksum or an HTTP error, and leaves no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-geturl-'))
    const ok = await run({ url: `${base}/file?x=1`, dest: join(dir, 'a'), headers: { 'X-Token': "t $(id) '\"" }, url_username: 'u', url_password: 'p"w' })
    expect(ok.status).toBe('changed')
    expect(seen.at(-1)).toMatchObject({ header: "t $(id) '\"", auth: `Basic ${Buffer.from('u:p"w').toString('base64')}` })
    const bad = await run({ url: `${base}/file`, dest: join(dir, 'b'), checksum: 'sha256:00' })
    expect(bad.msg).toBe(`The checksum for ${join(dir, 'b')} did not match 00; it was ${sha256}.`)
    const missing = await run({ url: `${base}/nope`, dest: join(dir, 'c') })
    expect(missing).toMatchObject({ status: 'failed', changed: false, msg: 'Request failed', values: { status_code: 404 } })
    expect(readdirSync(dir)).toEqual(['a'])
  })
})
