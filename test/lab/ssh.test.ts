import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, type ConnectOptions, openConnection, sh } from '../../engine/connection/index.js'
import { ConnectionError } from '../../engine/errors.js'
import { ensurePasswordUser, labHostFromEnd, labVars, PASSWORD_USER, passwordVars } from '../helpers/lab-ssh.js'
import { type LabHost, labKeyFile, labKnownHosts, startHost, stopHost } from './helpers.js'

// Real SSH to lab hosts (systemd-nspawn containers running OpenSSH), through tsplay's ssh2 connection.
const options: ConnectOptions = { acceptNewHostKeys: false, timeoutSeconds: 5 }
let host: LabHost
let dir: string

beforeAll(() => {
  host = labHostFromEnd(2)
  dir = mkdtempSync(join(tmpdir(), 'tsplay-lab-ssh-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function withConnection<T>(vars: Record<string, unknown>, use: (c: Connection) => Promise<T>, opts = options): Promise<T> {
  const conn = await openConnection(host.name, vars, opts)
  try {
    return await use(conn)
  } finally {
    await conn.close()
  }
}

const failure = (p: Promise<unknown>): Promise<Error> => p.then(() => { throw new Error('expected a failure') }, (e: Error) => e)
const knownHostsWith = (name: string, text: string): string => {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}
const withKnownHosts = (file: string, extra = ''): Record<string, unknown> => labVars(host, { ansible_ssh_common_args: `-o UserKnownHostsFile=${file}${extra}` })

describe('ssh to a lab host', () => {
  it('authenticates by key and runs commands on one connection', async () => {
    await withConnection(labVars(host), async (conn) => {
      expect((await conn.exec(sh`hostname`)).stdout.trim()).toBe(host.name)
      await conn.exec(sh`true`)
      const start = performance.now()
      for (let i = 0; i < 20; i++) await conn.exec(sh`true`)
      console.log(`no-op exec on ${host.name}: ${((performance.now() - start) / 20).toFixed(1)} ms`)
    })
  })

  it('authenticates with an ssh-agent holding the lab key', async () => {
    const socket = join(dir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' })
    const saved = process.env.SSH_AUTH_SOCK
    try {
      for (let i = 0; i < 50; i++) {
        try {
          execFileSync('ssh-add', [labKeyFile()], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' })
          break
        } catch {
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      process.env.SSH_AUTH_SOCK = socket
      const { ansible_ssh_private_key_file: _, ...withoutKey } = labVars(host)
      expect((await withConnection(withoutKey, (c) => c.exec(sh`id -un`))).stdout).toBe('root\n')
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK
      else process.env.SSH_AUTH_SOCK = saved
      agent.kill()
    }
  })

  it('authenticates with a password', async () => {
    await ensurePasswordUser(host)
    const saved = process.env.SSH_AUTH_SOCK
    delete process.env.SSH_AUTH_SOCK
    try {
      expect((await withConnection(passwordVars(host), (c) => c.exec(sh`id -un`))).stdout).toBe(`${PASSWORD_USER.name}\n`)
      const wrong = await failure(openConnection(host.name, passwordVars(host, 'wrong-pw-9'), options))
      expect(wrong).toBeInstanceOf(ConnectionError)
      expect(wrong.message).toContain('authentication failed')
      expect(wrong.message).not.toContain('wrong-pw-9')
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved
    }
  })
})

describe('ssh_config and jump hosts', () => {
  it('reaches a host through another lab host as ProxyJump, both configured in ~/.ssh/config', async () => {
    const jump = labHostFromEnd(3)
    const home = join(dir, 'home')
    execFileSync('mkdir', ['-p', join(home, '.ssh')])
    writeFileSync(join(home, '.ssh/known_hosts'), readFileSync(labKnownHosts()))
    writeFileSync(join(home, '.ssh/config'), `Host target\n  HostName ${host.address}\n  ProxyJump bastion\nHost bastion\n  HostName ${jump.address}\nHost *\n  User root\n  IdentityFile ${labKeyFile()}\n`)
    const saved = { home: process.env.HOME, agent: process.env.SSH_AUTH_SOCK }
    process.env.HOME = home
    delete process.env.SSH_AUTH_SOCK
    try {
      const result = await withConnection({ ansible_host: 'target' }, (c) => c.exec(sh`hostname; echo $SSH_CONNECTION`))
      const [name, connection] = result.stdout.trim().split('\n')
      expect(name).toBe(host.name)
      // The target sees the jump host as the client.
      expect(connection!.split(' ')[0]).toBe(jump.address)
    } finally {
      process.env.HOME = saved.home
      if (saved.agent !== undefined) process.env.SSH_AUTH_SOCK = saved.agent
    }
  })
})

describe('lab host keys', () => {
  it('refuses an unknown host, then accepts and records it on request', async () => {
    const file = knownHostsWith('unknown', '')
    const refused = await failure(openConnection(host.name, withKnownHosts(file), options))
    expect(refused).toBeInstanceOf(ConnectionError)
    expect(refused.message).toContain(`the host key of ${host.address} is unknown`)
    expect(refused.message).toContain('--accept-new-host-keys')
    await withConnection(withKnownHosts(file), (c) => c.exec(sh`true`), { ...options, acceptNewHostKeys: true })
    const recorded = readFileSync(file, 'utf8')
    const labLine = readFileSync(labKnownHosts(), 'utf8').split('\n').find((l) => l.split(' ')[0]!.split(',').includes(host.address))
    const labKey = labLine!.split(' ').slice(1, 3).join(' ')
    expect(recorded.trim().endsWith(labKey)).toBe(true)
    expect((await withConnection(withKnownHosts(file), (c) => c.exec(sh`echo trusted`))).stdout).toBe('trusted\n')
  })

  it('refuses a changed host key loudly', async () => {
    const keygen = join(dir, 'other')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keygen])
    const other = readFileSync(`${keygen}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
    const file = knownHostsWith('changed', `${host.address} ${other}\n`)
    const error = await failure(openConnection(host.name, withKnownHosts(file), { ...options, acceptNewHostKeys: true }))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toMatch(/^cannot connect to root@[\d.]+:22: WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED/)
  })
})

describe('unreachable lab host', () => {
  it('fails a running command when its host goes away, and reports the stopped host as ConnectionError quickly', async () => {
    const victim = labHostFromEnd(1)
    // Keepalives every second notice a silent peer after three unanswered ones.
    const conn = await openConnection(victim.name, labVars(victim, { ansible_ssh_common_args: `-o UserKnownHostsFile=${labKnownHosts()} -o ServerAliveInterval=1` }), options)
    const running = failure(conn.exec(sh`sleep 120`))
    await stopHost(victim.name)
    try {
      const lost = await running
      expect(lost).toBeInstanceOf(ConnectionError)
      expect(lost.message).toMatch(/^connection to lab\d+ lost/)
      await conn.close()
      const start = Date.now()
      const error = await failure(openConnection(victim.name, labVars(victim), { ...options, timeoutSeconds: 3 }))
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toMatch(/^cannot connect to root@[\d.]+:22: (no route to host|timed out after 3 s|connection refused)$/)
      expect(Date.now() - start).toBeLessThan(4500)
    } finally {
      await startHost(victim.name)
    }
  })
})

describe('atomic writes on a lab host', () => {
  it('never lets a concurrent reader see a partial file', async () => {
    await withConnection(labVars(host), async (conn) => {
      const path = '/root/tsplay-atomic.bin'
      const a = Buffer.alloc(8 << 20, 'a')
      const b = Buffer.alloc(8 << 20, 'b')
      await conn.writeFile(path, a)
      const sum = async (data: Buffer): Promise<string> => (await conn.exec(sh`md5sum | cut -c1-32`, { stdin: data })).stdout.trim()
      const [sumA, sumB] = [await sum(a), await sum(b)]
      // The reader runs on the host, checksumming the file as fast as it can until told to stop.
      const reader = conn.exec(sh`n=0; bad=0; while [ ! -e /root/tsplay-atomic.stop ]; do
        s=$(md5sum < ${path} | cut -c1-32); n=$((n+1)); [ "$s" = ${sumA} ] || [ "$s" = ${sumB} ] || bad=$((bad+1)); done
        rm -f /root/tsplay-atomic.stop; echo "$n $bad"`)
      for (let i = 0; i < 12; i++) await conn.writeFile(path, i % 2 === 0 ? b : a, { mode: '0600' })
      await conn.exec(sh`touch /root/tsplay-atomic.stop`)
      const [reads, bad] = (await reader).stdout.trim().split(' ').map(Number)
      console.log(`atomic write reader: ${reads} reads, ${bad} partial`)
      expect(reads).toBeGreaterThan(5)
      expect(bad).toBe(0)
      expect((await conn.exec(sh`stat -c %a ${path}; ls -a /root | grep -c '^.tsplay' || true`)).stdout).toBe('600\n0\n')
      await conn.exec(sh`rm -f ${path}`)
    })
  })
})
