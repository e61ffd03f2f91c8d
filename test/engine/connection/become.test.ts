import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../../engine/connection/local.js'
import { BecomeError } from '../../../engine/connection/types.js'
import { sh, wrapBecome } from '../../../engine/connection/shell.js'

// Runs as root (CI and this machine): root may sudo and su without a password, so these cover the plumbing;
// password prompts, wrong passwords and unprivileged users are covered on lab hosts (test/lab/become.test.ts).
describe('become on the local connection', () => {
  const local = connectLocal('localhost')

  it('runs as another user with sudo, stdin passing after the become handshake', async () => {
    const result = await local.with({ become: { user: 'nobody', method: 'sudo' } }).exec(sh`id -un; cat`, { stdin: 'piped' })
    expect(result.stdout).toBe('nobody\npiped')
  })

  it('runs su with a password on a terminal, stdout, stderr, stdin and exit code intact', async () => {
    const conn = local.with({ become: { user: 'nobody', method: 'su', password: 'unused-by-root' } })
    const bytes = Buffer.from([0, 1, 3, 4, 13, 10, 26, 127, 255])
    const result = await conn.exec(sh`id -un; echo oops >&2; od -An -tx1; exit 7`, { stdin: bytes, allowFailure: true })
    expect(result).toMatchObject({ exitCode: 7, stdout: 'nobody\n 00 01 03 04 0d 0a 1a 7f ff\n', stderr: 'oops\n' })
    const big = Buffer.alloc(200_000, 'z')
    expect((await conn.exec(sh`wc -c`, { stdin: big })).stdout.trim()).toBe('200000')
  })

  it('reports a user that does not exist as a become failure', async () => {
    const error = await local.with({ become: { user: 'no-such-user-tsplay', method: 'sudo' } }).exec(sh`true`).catch((e: Error) => e)
    expect(error).toBeInstanceOf(BecomeError)
    expect((error as Error).message).toMatch(/^become: could not become 'no-such-user-tsplay' with sudo: sudo: unknown user/)
  })

  it('never puts the password on the command line', () => {
    const line = wrapBecome(sh`id`, { user: 'root', method: 'sudo', password: 'hunter2' })
    expect(line).not.toContain('hunter2')
    expect(line).toContain('-S')
  })
})
