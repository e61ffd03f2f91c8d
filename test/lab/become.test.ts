import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BecomeError, type BecomeSpec, type Connection, type ConnectOptions, openConnection, sh } from '../../engine/connection/index.js'
import { ensurePasswordUser, labHostFromEnd, labVars, PASSWORD_USER, passwordVars } from '../helpers/lab-ssh.js'
import { type LabHost, sshCheck } from './helpers.js'

// become over real SSH on a lab host: from root by key, and from an unprivileged user who logged in with a password.
const options: ConnectOptions = { acceptNewHostKeys: false, timeoutSeconds: 10 }
const ROOT_PASSWORD = 'Root-pw-for-su-7'
let host: LabHost
let asRoot: Connection
let asUser: Connection
let savedRootHash = ''
let savedAgent: string | undefined

beforeAll(async () => {
  host = labHostFromEnd(2)
  await ensurePasswordUser(host)
  // su needs root's password; the original hash is put back afterwards.
  savedRootHash = (await sshCheck(host.name, 'getent shadow root | cut -d: -f2')).trim()
  await sshCheck(host.name, `echo 'root:${ROOT_PASSWORD}' | chpasswd`)
  savedAgent = process.env.SSH_AUTH_SOCK
  delete process.env.SSH_AUTH_SOCK
  asRoot = await openConnection(host.name, labVars(host), options)
  asUser = await openConnection(host.name, passwordVars(host), options)
})

afterAll(async () => {
  if (savedAgent !== undefined) process.env.SSH_AUTH_SOCK = savedAgent
  await asRoot?.close()
  await asUser?.close()
  if (savedRootHash) await sshCheck(host.name, `usermod -p '${savedRootHash}' root`)
})

const failure = (p: Promise<unknown>): Promise<Error> => p.then(() => { throw new Error('expected a failure') }, (e: Error) => e)
const whoami = async (conn: Connection, become: BecomeSpec): Promise<string> => (await conn.with({ become }).exec(sh`id -un`)).stdout.trim()

describe('become from root', () => {
  it('becomes another user with sudo and with su', async () => {
    expect(await whoami(asRoot, { user: 'nobody', method: 'sudo' })).toBe('nobody')
    expect(await whoami(asRoot, { user: PASSWORD_USER.name, method: 'su' })).toBe(PASSWORD_USER.name)
  })
})

describe('become from an unprivileged user', () => {
  const sudo = (password?: string): BecomeSpec => ({ user: 'root', method: 'sudo', ...(password === undefined ? {} : { password }) })

  it('becomes root with sudo and the password, fed on stdin and never shown', async () => {
    const conn = asUser.with({ become: sudo(PASSWORD_USER.password) })
    const result = await conn.exec(sh`id -un; cat`, { stdin: 'data after the password' })
    expect(result.stdout).toBe('root\ndata after the password')
    expect(result.stderr).not.toContain(PASSWORD_USER.password)
    await conn.writeFile('/root/tsplay-become.txt', 'written as root\n', { mode: '0600' })
    expect((await conn.exec(sh`stat -c '%U %a' /root/tsplay-become.txt && rm /root/tsplay-become.txt`)).stdout).toBe('root 600\n')
  })

  it('becomes another user with sudo', async () => {
    expect(await whoami(asUser, { user: 'nobody', method: 'sudo', password: PASSWORD_USER.password })).toBe('nobody')
  })

  it('fails once, quickly, on a wrong sudo password', async () => {
    const start = Date.now()
    const error = await failure(asUser.with({ become: sudo('not-the-password') }).exec(sh`id -un`))
    expect(error).toBeInstanceOf(BecomeError)
    expect(error.message).toBe("become: incorrect sudo password (becoming 'root')")
    expect(Date.now() - start).toBeLessThan(10_000)
    expect((await asUser.exec(sh`echo connection still usable`)).stdout).toBe('connection still usable\n')
  })

  it('says a password is needed when none is given', async () => {
    const error = await failure(asUser.with({ become: sudo() }).exec(sh`id -un`))
    expect(error).toBeInstanceOf(BecomeError)
    expect(error.message).toBe("become: sudo needs a password for user 'root' (set become_password or use --ask-become-pass)")
  })

  it('becomes root with su and the root password, on a terminal, keeping stdout, stderr and exit code apart', async () => {
    const conn = asUser.with({ become: { user: 'root', method: 'su', password: ROOT_PASSWORD } })
    const result = await conn.exec(sh`id -un; echo to-stderr >&2; od -An -tx1; exit 4`, { stdin: Buffer.from([0, 3, 4, 13, 10, 255]), allowFailure: true })
    expect(result).toMatchObject({ exitCode: 4, stdout: 'root\n 00 03 04 0d 0a ff\n', stderr: 'to-stderr\n' })
    expect(result.stdout + result.stderr).not.toContain(ROOT_PASSWORD)
  })

  it('says su needs a password when none is given', async () => {
    const error = await failure(asUser.with({ become: { user: 'root', method: 'su' } }).exec(sh`id -un`))
    expect(error).toBeInstanceOf(BecomeError)
    expect(error.message).toBe("become: su needs a password for user 'root' (set become_password or use --ask-become-pass)")
  })

  it('fails clearly on a wrong su password', async () => {
    const start = Date.now()
    const error = await failure(asUser.with({ become: { user: 'root', method: 'su', password: 'not-the-password' } }).exec(sh`id -un`))
    expect(error).toBeInstanceOf(BecomeError)
    expect(error.message).toBe("become: incorrect su password (becoming 'root')")
    expect(Date.now() - start).toBeLessThan(10_000)
  })
})
