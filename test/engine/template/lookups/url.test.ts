import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ansiblePrinted, comparable, debugTasks, fixture, play, tsplayPrinted } from './compare.js'

// The server runs in its own process: tsplay's url lookup waits synchronously for its answer.
const SERVER = `
const http = require('node:http'), https = require('node:https'), fs = require('node:fs')
const handler = (req, res) => {
  if (req.url === '/text') return res.end('line one\\nline two\\r\\nline three\\n')
  if (req.url === '/headers') return res.end(JSON.stringify({ test: req.headers['x-test'] ?? null, agent: req.headers['user-agent'] }))
  if (req.url === '/moved') { res.writeHead(302, { Location: '/text' }); return res.end() }
  res.writeHead(404, 'Not Found'); res.end('nope')
}
const plain = http.createServer(handler).listen(0, '127.0.0.1', () => {
  const tls = https.createServer({ key: fs.readFileSync(process.argv[1]), cert: fs.readFileSync(process.argv[2]) }, handler).listen(0, '127.0.0.1', () => {
    process.stdout.write(plain.address().port + ' ' + tls.address().port + '\\n')
  })
})
`

describe('url', () => {
  let server: ChildProcess
  let base = ''
  let secure = ''
  const dir = fixture({})

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' })
    server = spawn(process.execPath, ['-e', SERVER, `${dir}/key.pem`, `${dir}/cert.pem`], { stdio: ['ignore', 'pipe', 'inherit'] })
    const ports = await new Promise<string>((done) => server.stdout!.once('data', (d: Buffer) => done(d.toString())))
    const [plain, tls] = ports.trim().split(' ')
    base = `http://127.0.0.1:${plain}`
    secure = `https://127.0.0.1:${tls}`
  })
  afterAll(() => void server.kill())

  it('prints what ansible-playbook prints', { timeout: 180_000 }, async () => {
    const expressions = [
      `lookup('url', '${base}/text')`,
      `query('url', '${base}/text')`,
      `lookup('url', '${base}/text', split_lines=False)`,
      `lookup('url', '${base}/headers', headers={'X-Test': 'yes'})`,
      `lookup('url', '${base}/headers', http_agent='agent/1')`,
      `lookup('url', '${base}/moved')`,
      `lookup('url', '${base}/missing')`,
      `lookup('url', '${base}/missing', errors='ignore')`,
      `lookup('url', '${secure}/text')`,
      `lookup('url', '${secure}/text', validate_certs=False)`,
      `lookup('url', 'http://127.0.0.1:1/refused')`,
    ]
    const d = fixture({ 'site.yml': play(debugTasks(expressions)) })
    const ansible = await ansiblePrinted(d)
    const tsplay = await tsplayPrinted(d)
    expect(tsplay.map(comparable)).toEqual(ansible.map(comparable))
    expect(ansible.length).toBe(expressions.length)
  })
})
