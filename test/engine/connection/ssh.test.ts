import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openConnection } from '../../../engine/connection/open.js'
import type { Connection, ConnectOptions } from '../../../engine/connection/types.js'
import { sh } from '../../../engine/connection/shell.js'
import { ConnectionError } from '../../../engine/errors.js'
import { type SshdFixture, startSshd } from '../../helpers/sshd.js'

// A real OpenSSH server on loopback (this machine's openssh-server), so these run without the lab.
let sshd: SshdFixture
const options: ConnectOptions = { acceptNewHostKeys: false, timeoutSeconds: 5 }

beforeAll(async () => {
  sshd = await startSshd()
})
afterAll(async () => {
  await sshd?.stop()
})

const vars = (extra: Record<string, unknown> = {}, knownHosts = sshd.knownHosts): Record<string, unknown> => ({
  ansible_host: '127.0.0.1',
  ansible_port: sshd.port,
  ansible_user: 'root',
  ansible_ssh_private_key_file: sshd.clientKey,
  ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHosts}`,
  ...extra,
})

async function withConnection<T>(v: Record<string, unknown>, use: (conn: Connection) => Promise<T>, opts: ConnectOptions = options): Promise<T> {
  const conn = await openConnection('web1', v, opts)
  try {
    return await use(conn)
  } finally {
    await conn.close()
  }
}

const failure = (promise: Promise<unknown>): Promise<Error> => promise.then(() => { throw new Error('expected a failure') }, (e: Error) => e)

describe('ssh connection (loopback sshd)', () => {
  it('runs commands with exit codes, stdin and binary output over one connection', async () => {
    await withConnection(vars(), async (conn) => {
      expect(conn.host).toBe('web1')
      expect((await conn.exec(sh`printf '%s' ${'a b'}`)).stdout).toBe('a b')
      expect((await conn.exec(sh`exit 3`, { allowFailure: true })).exitCode).toBe(3)
      expect((await conn.exec(sh`cat`, { stdin: 'from stdin' })).stdout).toBe('from stdin')
      const bytes = Buffer.from([0, 255, 10, 13, 128])
      const path = join(sshd.dir, 'binary')
      await conn.writeFile(path, bytes)
      expect(await conn.readFile(path)).toEqual(bytes)
      expect(await conn.readFile(join(sshd.dir, 'missing'))).toBeNull()
    })
  })

  it('queues channels beyond the server MaxSessions and runs them all', async () => {
    await withConnection(vars(), async (conn) => {
      const results = await Promise.all(Array.from({ length: 40 }, (_, i) => conn.exec(sh`sleep 0.05; echo ${i}`)))
      expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 40 }, (_, i) => String(i)))
    })
  })

  it('runs a no-op command with no round trips beyond the exec channel', async () => {
    await withConnection(vars(), async (conn) => {
      await conn.exec(sh`true`)
      const start = performance.now()
      for (let i = 0; i < 20; i++) await conn.exec(sh`true`)
      const perCommand = (performance.now() - start) / 20
      console.log(`no-op exec over ssh: ${perCommand.toFixed(2)} ms`)
      // sshd's own session setup dominates (OpenSSH's ControlMaster needs as long here, 90-120 ms on an idle
      // machine); the bound only catches a gross regression, as this machine is shared and often loaded.
      expect(perCommand).toBeLessThan(2000)
    })
  })

  it('becomes another user with sudo and su', async () => {
    await withConnection(vars(), async (conn) => {
      expect((await conn.with({ become: { user: 'nobody', method: 'sudo' } }).exec(sh`id -un`)).stdout.trim()).toBe('nobody')
      expect((await conn.with({ become: { user: 'nobody', method: 'su' } }).exec(sh`id -un`)).stdout.trim()).toBe('nobody')
      expect((await conn.with({ become: { user: 'nobody', method: 'sudo' } }).exec(sh`cat`, { stdin: 'x' })).stdout).toBe('x')
    })
  })

  it('kills a command that exceeds its time limit', async () => {
    await withConnection(vars(), async (conn) => {
      // A command that ignores the polite signals, with a duration of its own so the check below finds only it.
      const seconds = `21.${process.pid}${Date.now() % 1000}`
      const error = await failure(conn.exec(sh`trap '' HUP PIPE TERM INT; sleep ${seconds}; echo done`, { timeoutMs: 1500 }))
      expect(error).toBeInstanceOf(ConnectionError)
      expect((await conn.exec(sh`echo still`)).stdout).toBe('still\n')
      // The remote command is gone too, not left running behind the released caller: it ignores TERM, so the KILL
      // that follows the 1.5 s grace ends it (21 s would pass otherwise).
      const left = async (): Promise<string> => (await conn.exec(sh`pgrep -f ${`sleep ${seconds.replace('.', '[.]')}`} || echo none`)).stdout
      const deadline = Date.now() + 8000
      while ((await left()) !== 'none\n' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250))
      expect(await left()).toBe('none\n')
    })
  })

  it('reports a connection that drops mid-command as ConnectionError, and reconnects for the next command', async () => {
    await withConnection(vars(), async (conn) => {
      // The parent of the remote shell is this connection's sshd session process.
      const pid = (await conn.exec(sh`echo $PPID`)).stdout.trim()
      const running = conn.exec(sh`sleep 20`)
      await new Promise((r) => setTimeout(r, 200))
      process.kill(Number(pid), 'SIGKILL')
      const error = await failure(running)
      expect(error).toBeInstanceOf(ConnectionError)
      expect((await conn.exec(sh`echo back`)).stdout).toBe('back\n')
    })
  })

  it('closes idempotently', async () => {
    const conn = await openConnection('web1', vars(), options)
    await conn.close()
    await conn.close()
    expect(await failure(conn.exec(sh`true`))).toBeInstanceOf(ConnectionError)
  })

  it('authenticates with an ssh-agent, also through a jump host, and reads ~/.ssh/config', async () => {
    const socket = join(sshd.dir, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' })
    const saved = process.env.SSH_AUTH_SOCK
    const savedHome = process.env.HOME
    // A home of our own: its known_hosts trusts the server (jump hosts use the default file, as with ssh -J).
    const home = join(sshd.dir, 'home')
    mkdirSync(join(home, '.ssh'), { recursive: true })
    writeFileSync(join(home, '.ssh/known_hosts'), readFileSync(sshd.knownHosts))
    writeFileSync(join(home, '.ssh/config'), `Host db*\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ${sshd.clientKey}\n`)
    process.env.HOME = home
    try {
      for (let i = 0; i < 50; i++) {
        try {
          execFileSync('ssh-add', [sshd.clientKey], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' })
          break
        } catch {
          await new Promise((r) => setTimeout(r, 50))
        }
      }
      process.env.SSH_AUTH_SOCK = socket
      const { ansible_ssh_private_key_file: _, ...noKey } = vars()
      expect((await withConnection(noKey, (c) => c.exec(sh`echo agent`))).stdout).toBe('agent\n')
      // The jump host is reached with the agent too; then the target through a forwarded channel.
      const jumped = vars({ ansible_ssh_common_args: `-o UserKnownHostsFile=${sshd.knownHosts} -J root@127.0.0.1:${sshd.port}` })
      expect((await withConnection(jumped, (c) => c.exec(sh`echo jumped`))).stdout).toBe('jumped\n')
      delete process.env.SSH_AUTH_SOCK
      expect((await withConnection({ ansible_host: 'db1' }, (c) => c.exec(sh`echo configured`))).stdout).toBe('configured\n')
      const viaOption = { ...noKey, ansible_ssh_common_args: `-o UserKnownHostsFile=${sshd.knownHosts} -o IdentityAgent=${socket}` }
      expect((await withConnection(viaOption, (c) => c.exec(sh`echo identity-agent`))).stdout).toBe('identity-agent\n')
    } finally {
      process.env.HOME = savedHome
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK
      else process.env.SSH_AUTH_SOCK = saved
      agent.kill()
    }
  })
})

describe('ssh connection failures', () => {
  it('refuses a wrong key as an authentication failure', async () => {
    const other = join(sshd.dir, 'other_key')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
    const saved = process.env.SSH_AUTH_SOCK
    delete process.env.SSH_AUTH_SOCK
    try {
      const error = await failure(openConnection('web1', vars({ ansible_ssh_private_key_file: other }), options))
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toBe(`cannot connect to root@127.0.0.1:${sshd.port}: authentication failed (tried key ${other})`)
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved
    }
  })

  it('refuses a ProxyCommand instead of silently connecting directly', async () => {
    const error = await failure(openConnection('web1', vars({ ansible_ssh_common_args: `-o ProxyCommand='ssh -W %h:%p bastion'` }), options))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe('cannot connect to 127.0.0.1: ProxyCommand is not supported by tsplay (use ProxyJump or -J instead): ssh -W %h:%p bastion')
  })

  it('reports a refused port quickly', async () => {
    const server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    await new Promise((r) => server.close(r))
    const error = await failure(openConnection('web1', vars({ ansible_port: port }), options))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe(`cannot connect to root@127.0.0.1:${port}: connection refused`)
  })

  it('times out on a server that never speaks ssh', async () => {
    const silent: Server = createServer(() => {})
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const port = (silent.address() as { port: number }).port
    try {
      const start = Date.now()
      const error = await failure(openConnection('web1', vars({ ansible_port: port }), { ...options, timeoutSeconds: 1 }))
      expect(error.message).toBe(`cannot connect to root@127.0.0.1:${port}: timed out after 1 s`)
      expect(Date.now() - start).toBeLessThan(3000)
    } finally {
      silent.close()
    }
  })
})

describe('host keys', () => {
  const fresh = (name: string, content = ''): string => {
    const file = join(sshd.dir, name)
    writeFileSync(file, content)
    return file
  }

  it('refuses an unknown host and says how to accept it', async () => {
    const file = fresh('empty_known_hosts')
    const error = await failure(openConnection('web1', vars({}, file), options))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toContain(`the host key of [127.0.0.1]:${sshd.port} is unknown`)
    expect(error.message).toContain('--accept-new-host-keys')
    expect(error.message).toContain('tsplay_accept_new_host_keys=true')
    expect(readFileSync(file, 'utf8')).toBe('')
  })

  it('accepts a new key on request, records it, and trusts it next time', async () => {
    const file = fresh('accept_known_hosts')
    const logs: string[] = []
    await withConnection(vars({ tsplay_accept_new_host_keys: 'true' }, file), (c) => c.exec(sh`true`), { ...options, log: (m) => logs.push(m) })
    // Debian's /etc/ssh/ssh_config says HashKnownHosts yes, so the name is recorded hashed, as ssh would.
    const recorded = readFileSync(file, 'utf8')
    expect(recorded.endsWith(` ${sshd.hostPublicKey}\n`)).toBe(true)
    expect(recorded.split('\n')).toHaveLength(2)
    expect(logs.join('\n')).toContain('accepted new host key')
    expect((await withConnection(vars({}, file), (c) => c.exec(sh`echo known`))).stdout).toBe('known\n')
  })

  it('refuses a changed key loudly, even when asked to accept new keys', async () => {
    const other = join(sshd.dir, 'impostor')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
    const impostor = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
    const file = fresh('changed_known_hosts', `# comment\n[127.0.0.1]:${sshd.port} ${impostor}\n`)
    const error = await failure(openConnection('web1', vars({}, file), { ...options, acceptNewHostKeys: true }))
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toContain('WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED')
    expect(error.message).toContain(`${file}:2`)
  })

  it('verifies hashed known_hosts entries', async () => {
    const file = fresh('hashed_known_hosts', readFileSync(sshd.knownHosts, 'utf8'))
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' })
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/)
    expect((await withConnection(vars({}, file), (c) => c.exec(sh`echo hashed`))).stdout).toBe('hashed\n')
  })

  it('negotiates the host key type that known_hosts holds when the server has several', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'tsplay-rsa-'))
    execFileSync('ssh-keygen', ['-q', '-t', 'rsa', '-b', '2048', '-N', '', '-f', join(keys, 'host_rsa')])
    const server = await startSshd([`HostKey ${join(keys, 'host_rsa')}`])
    try {
      const rsa = readFileSync(join(keys, 'host_rsa.pub'), 'utf8').split(' ').slice(0, 2).join(' ')
      const file = fresh('rsa_only_known_hosts', `[127.0.0.1]:${server.port} ${rsa}\n`)
      const v = { ...vars({}, file), ansible_port: server.port, ansible_ssh_private_key_file: server.clientKey }
      expect((await withConnection(v, (c) => c.exec(sh`echo rsa`))).stdout).toBe('rsa\n')
    } finally {
      await server.stop()
      rmSync(keys, { recursive: true, force: true })
    }
  })

  it('accepts without recording under StrictHostKeyChecking=no, and says so', async () => {
    const file = fresh('strict_no_known_hosts')
    const logs: string[] = []
    const v = vars({ ansible_ssh_common_args: `-o UserKnownHostsFile=${file} -o StrictHostKeyChecking=no` })
    await withConnection(v, (c) => c.exec(sh`true`), { ...options, log: (m) => logs.push(m) })
    expect(readFileSync(file, 'utf8')).toBe('')
    expect(logs.join('\n')).toContain('without recording it')
  })
})
