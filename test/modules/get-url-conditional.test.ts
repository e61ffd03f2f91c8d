// get_url's requests against a server here that honours If-Modified-Since: what goes out (method, conditional,
// no-cache) and what comes of a 304, for a fresh, a stale and a current dest, with and without force, in check
// mode (HEAD) and for real (GET); and a checksum taken from a list.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { get_url } from '../../modules/get_url.js'
import { downloadScript, parseStatus, type DownloadOptions } from '../../modules/lib/download.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const body = 'version 2\n'
const LAST_MODIFIED = new Date('2024-01-01T00:00:00Z')
const seen: string[] = []
let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    const since = req.headers['if-modified-since']
    seen.push(`${req.method} ${req.url}${since ? ` since ${new Date(since).toISOString().slice(0, 10)}` : ''}${req.headers['cache-control'] ? ` ${req.headers['cache-control']}` : ''}`)
    if (req.url === '/SUMS') return res.end(`${'0'.repeat(64)}  other\n${createHash('sha256').update(body).digest('hex')}  art\n`)
    if (since && new Date(since) >= LAST_MODIFIED) return res.writeHead(304).end()
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

const run = (a: Record<string, unknown>, check = false) => runModule(get_url, makeContext({ conn, check }), get_url.args.parse(a))
const requests = async (f: () => Promise<unknown>): Promise<string[]> => {
  const before = seen.length
  await f()
  return seen.slice(before)
}

describe('get_url conditional requests', () => {
  it('asks only for what is newer than dest: a 304 is no change, a newer artifact replaces dest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-geturl-ims-'))
    const dest = join(dir, 'art')
    writeFileSync(dest, body)
    expect(await requests(async () => expect(await run({ url: `${base}/art`, dest }, true)).toMatchObject({ status: 'ok', values: { status_code: 304 } }))).toEqual([`HEAD /art since ${new Date().toISOString().slice(0, 10)}`])
    expect(await run({ url: `${base}/art`, dest })).toMatchObject({ status: 'ok', changed: false, values: { status_code: 304, msg: 'HTTP Error 304: Not Modified' } })
    writeFileSync(dest, 'old\n')
    utimesSync(dest, new Date('2020-01-01'), new Date('2020-01-01'))
    expect((await run({ url: `${base}/art`, dest }, true)).status).toBe('changed')
    expect(readFileSync(dest, 'utf8')).toBe('old\n')
    expect(await requests(async () => expect((await run({ url: `${base}/art`, dest })).status).toBe('changed'))).toEqual(['GET /art since 2020-01-01'])
    expect(readFileSync(dest, 'utf8')).toBe(body)
  })

  it('with force fetches unconditionally with no-cache, and changes nothing when the bytes are the same', async () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'tsplay-geturl-ims-')), 'art')
    writeFileSync(dest, body)
    expect(await requests(async () => expect(await run({ url: `${base}/art`, dest, force: true })).toMatchObject({ status: 'ok', changed: false, values: { status_code: 200 } }))).toEqual(['GET /art no-cache'])
    expect(await requests(async () => expect((await run({ url: `${base}/art`, dest, force: true }, true)).status).toBe('changed'))).toEqual(['HEAD /art no-cache'])
  })

  it('takes the digest from a checksum list, and then skips the download while dest has it', async () => {
    const dest = join(mkdtempSync(join(tmpdir(), 'tsplay-geturl-ims-')), 'art')
    const a = { url: `${base}/art`, dest, checksum: `sha256:${base}/SUMS` }
    expect(await requests(async () => expect((await run(a, true)).status).toBe('changed'))).toEqual(['GET /SUMS', 'HEAD /art'])
    expect((await run(a)).status).toBe('changed')
    expect(await requests(async () => expect(await run(a)).toMatchObject({ status: 'ok', values: { msg: 'file already exists' } }))).toEqual(['GET /SUMS'])
    expect((await run({ ...a, url: `${base}/unlisted` })).msg).toBe(`Unable to find a checksum for file 'unlisted' in '${base}/SUMS'`)
  })
})

describe('conditional and HEAD requests with each downloader', () => {
  const tools = (names: string[]): string => {
    const bin = mkdtempSync(join(tmpdir(), 'tsplay-geturl-bin-'))
    // The system's python3, not a version manager's shim that needs bash on PATH.
    for (const name of names) execFileSync('ln', ['-s', name === 'python3' ? '/usr/bin/python3' : execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim(), join(bin, name)])
    return bin
  }
  it.each([
    ['curl', ['curl', 'date']],
    ['wget', ['wget', 'awk', 'date']],
    ...(existsSync('/usr/bin/python3') ? [['python3', ['python3', 'date']] as [string, string[]]] : []),
  ])('%s: a 304 succeeds, HEAD reads only the status, a stale file is fetched', async (_, names) => {
    const env = { PATH: tools(names) }
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-geturl-tool-'))
    writeFileSync(join(dir, 'current'), body)
    writeFileSync(join(dir, 'stale'), 'old\n')
    utimesSync(join(dir, 'stale'), new Date('2020-01-01'), new Date('2020-01-01'))
    const fetch = (o: Partial<DownloadOptions>) => {
      const { command, stdin } = downloadScript({ url: `${base}/art`, output: join(dir, 'out'), ...o })
      return connectLocal('local').with({ env }).exec(command, { stdin, allowFailure: true })
    }
    const notModified = await fetch({ ifModifiedSinceOf: join(dir, 'current') })
    expect([notModified.exitCode, parseStatus(notModified.stdout)], notModified.stderr).toEqual([0, 304])
    const head = await fetch({ method: 'HEAD', ifModifiedSinceOf: join(dir, 'stale'), output: '/dev/null' })
    expect([head.exitCode, parseStatus(head.stdout)], head.stderr).toEqual([0, 200])
    expect(seen.at(-1)).toBe('HEAD /art since 2020-01-01')
    const stale = await fetch({ ifModifiedSinceOf: join(dir, 'stale') })
    expect([stale.exitCode, parseStatus(stale.stdout), readFileSync(join(dir, 'out'), 'utf8')]).toEqual([0, 200, body])
  })
})

describe('get_url from a file:// URL', () => {
  it('check mode compares the source with dest as ansible-core does (it reads the whole file), the run replaces only what differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-geturl-file-'))
    writeFileSync(join(dir, 'src'), body)
    const a = { url: `file://${join(dir, 'src')}`, dest: join(dir, 'dest') }
    expect((await run(a, true)).status).toBe('changed')
    expect((await run(a)).status).toBe('changed')
    expect((await run(a, true)).status).toBe('ok')
    expect((await run(a)).status).toBe('ok')
    writeFileSync(join(dir, 'src'), 'version 3\n')
    expect((await run(a, true)).status).toBe('changed')
    expect((await run(a)).status).toBe('changed')
    expect(readFileSync(join(dir, 'dest'), 'utf8')).toBe('version 3\n')
  })
})
