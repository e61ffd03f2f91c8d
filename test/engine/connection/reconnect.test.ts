// A connection found dead before a command leaves is opened again (sshd killed or restarted, the TCP connection
// cut between tasks), as ansible's ssh client starts a new ControlPersist master; a command in flight when the
// connection died fails as unreachable and never runs twice. Against a real OpenSSH server on loopback.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openConnection } from '../../../engine/connection/open.js'
import { sh } from '../../../engine/connection/shell.js'
import { type Connection, type ConnectOptions, UnsentError } from '../../../engine/connection/types.js'
import { ConnectionError } from '../../../engine/errors.js'
import { rootVars, type SshdFixture, startSshd } from '../../helpers/sshd.js'

let sshd: SshdFixture
beforeAll(async () => void (sshd = await startSshd()))
afterAll(async () => sshd?.stop())

const options: ConnectOptions = { acceptNewHostKeys: false, timeoutSeconds: 5 }
const vars = (knownHosts?: string): Record<string, unknown> => rootVars(sshd, knownHosts)

const failure = (promise: Promise<unknown>): Promise<Error> => promise.then(() => { throw new Error('expected a failure') }, (e: Error) => e)
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Kill the sshd process serving `conn` (the parent of its shells), as a crash of the host's sshd does. */
async function killSession(conn: Connection): Promise<void> {
  const pid = Number((await conn.exec(sh`echo $PPID`)).stdout.trim())
  expect(pid).toBeGreaterThan(1)
  process.kill(pid, 'SIGKILL')
}

describe('reconnecting after a dropped connection (loopback sshd)', () => {
  it('opens a new connection for the next command when the old one died between commands', async () => {
    const conn = await openConnection('web1', vars(), options)
    try {
      await killSession(conn)
      await sleep(300)
      const before = sshd.logins()
      // through the command runner (buffered), and on a channel of its own (a timeout makes it unbufferable)
      expect((await conn.exec(sh`echo again`)).stdout).toBe('again\n')
      expect((await conn.exec(sh`echo channel`, { timeoutMs: 10_000 })).stdout).toBe('channel\n')
      expect(sshd.logins() - before).toBe(1)
    } finally {
      await conn.close()
    }
  })

  it('reconnects also for a command on a channel of its own when the connection died while idle', async () => {
    const conn = await openConnection('web1', vars(), options)
    try {
      await killSession(conn)
      await sleep(300)
      expect((await conn.exec(sh`cat`, { stdin: 'in', timeoutMs: 10_000 })).stdout).toBe('in')
    } finally {
      await conn.close()
    }
  })

  it('fails a command in flight when the connection dies as unreachable, and never runs it again', async () => {
    const conn = await openConnection('web1', vars(), options)
    const marks = join(sshd.dir, `marks-${Date.now()}`)
    try {
      const pid = Number((await conn.exec(sh`echo $PPID`)).stdout.trim())
      const running = conn.exec(sh`echo ran >> ${marks}; sleep 20`)
      await sleep(400)
      process.kill(pid, 'SIGKILL')
      const error = await failure(running)
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error).not.toBeInstanceOf(UnsentError)
      expect(error.message).toMatch(/web1/)
      // the next command is a new one: it reconnects; the one that was in flight ran exactly once
      expect((await conn.exec(sh`cat -- ${marks}`)).stdout).toBe('ran\n')
    } finally {
      await conn.close()
    }
  })

  it('checks the host key again when it reconnects: a key no longer trusted is refused', async () => {
    const known = join(sshd.dir, `known-${Date.now()}`)
    copyFileSync(sshd.knownHosts, known)
    const conn = await openConnection('web1', vars(known), options)
    try {
      await killSession(conn)
      // known_hosts now names another key for the host, as after a reinstall behind the same address
      const impostor = readFileSync(`${sshd.clientKey}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
      writeFileSync(known, `[127.0.0.1]:${sshd.port} ${impostor}\n`)
      await sleep(300)
      const error = await failure(conn.exec(sh`true`))
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/)
    } finally {
      await conn.close()
    }
  })

  it('does not reconnect a connection that was closed on purpose', async () => {
    const conn = await openConnection('web1', vars(), options)
    await conn.exec(sh`true`)
    await conn.close()
    const before = sshd.logins()
    expect(await failure(conn.exec(sh`true`))).toBeInstanceOf(ConnectionError)
    expect(sshd.logins()).toBe(before)
  })
})
