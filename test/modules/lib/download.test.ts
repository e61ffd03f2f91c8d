import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectLocal, raw, sh } from '../../../engine/connection/index.js'
import { downloadScript, downloadTo, HTTP_ERROR, NO_DOWNLOADER, parseStatus } from '../../../modules/lib/download.js'

const dir = mkdtempSync(join(tmpdir(), 'tsplay-download-'))
let server: Server
let base = ''
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/key.asc') res.end('-----BEGIN PGP PUBLIC KEY BLOCK-----\n')
    else if (req.url === '/auth') res.end(`${req.headers['x-token'] ?? ''} ${req.headers.authorization ?? ''}\n`)
    else res.writeHead(404).end('no')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server.close()
  rmSync(dir, { recursive: true, force: true })
})

const fetchTo = (url: string, file: string, env: Record<string, string> = {}) =>
  connectLocal('controller').with({ env }).exec(sh`f=${file}; ${raw(downloadTo(url, 'f'))}`, { allowFailure: true })

/** The full script with headers and credentials on stdin, with only the tools in `path` when given. */
const download = (url: string, file: string, path?: string) => {
  const { command, stdin } = downloadScript({ url, output: file, headers: { 'X-Token': "t $(id) 'q'" }, username: 'u', password: 'p"w' })
  return connectLocal('controller').with({ env: path === undefined ? {} : { PATH: path } }).exec(command, { stdin, allowFailure: true })
}

describe('downloadScript', () => {
  it('downloads with the tools the host has', async () => {
    const result = await fetchTo(`${base}/key.asc`, join(dir, 'a'))
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('-----BEGIN PGP PUBLIC KEY BLOCK-----\n')
  })

  it.runIf(existsSync('/usr/bin/python3'))('falls back to python3 where neither curl nor wget exists', async () => {
    const bin = join(dir, 'bin')
    mkdirSync(bin)
    symlinkSync('/usr/bin/python3', join(bin, 'python3'))
    const result = await fetchTo(`${base}/key.asc`, join(dir, 'b'), { PATH: bin })
    expect(result.exitCode, result.stderr).toBe(0)
    expect(readFileSync(join(dir, 'b'), 'utf8')).toContain('BEGIN PGP')
  })

  it.runIf(existsSync('/usr/bin/python3') && existsSync('/usr/bin/curl'))('sends headers and credentials from stdin with curl and with python3 alike, and prints the status', async () => {
    const basic = `Basic ${Buffer.from('u:p"w').toString('base64')}`
    const curl = await download(`${base}/auth`, join(dir, 'e'))
    expect([curl.exitCode, parseStatus(curl.stdout), readFileSync(join(dir, 'e'), 'utf8')]).toEqual([0, 200, `t $(id) 'q' ${basic}\n`])
    const python = await download(`${base}/auth`, join(dir, 'f'), join(dir, 'bin'))
    expect([python.exitCode, parseStatus(python.stdout), readFileSync(join(dir, 'f'), 'utf8')]).toEqual([0, 200, `t $(id) 'q' ${basic}\n`])
    const missing = await download(`${base}/missing`, join(dir, 'g'), join(dir, 'bin'))
    expect([missing.exitCode, parseStatus(missing.stdout)]).toEqual([HTTP_ERROR, 404])
  })

  it('fails on an HTTP error and when no tool exists', async () => {
    expect((await fetchTo(`${base}/missing`, join(dir, 'c'))).exitCode).not.toBe(0)
    const none = await fetchTo(`${base}/key.asc`, join(dir, 'd'), { PATH: join(dir, 'empty') })
    expect([none.exitCode, none.stderr.trim()]).toEqual([NO_DOWNLOADER, 'neither curl, wget nor python3 is installed to download with'])
    const refused = await download('http://127.0.0.1:1/x', join(dir, 'h'))
    expect([refused.exitCode === 0, parseStatus(refused.stdout)]).toEqual([false, 0])
  })
})
