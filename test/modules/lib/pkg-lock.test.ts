import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connectLocal, sh } from '../../../engine/connection/index.js'
import { waitForLock } from '../../../modules/lib/pkg-lock.js'

const conn = connectLocal('controller')
const dir = mkdtempSync(join(tmpdir(), 'tsplay-lock-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

// A stand-in for apt-get that reports the dpkg lock as held until a flag file appears.
const locked = (flag: string) => sh`if [ -e ${flag} ]; then echo installed; else echo 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)' >&2; exit 100; fi`

describe('waitForLock', () => {
  it('retries while the lock is held, then returns the successful attempt', async () => {
    const flag = join(dir, 'released')
    setTimeout(() => writeFileSync(flag, ''), 4000)
    const result = await conn.exec(waitForLock(locked(flag), 60))
    expect(result.stdout).toBe('installed\n')
    expect(result.stderr).toContain('tsplay: package manager lock is held by another process, waiting')
    expect(existsSync(flag)).toBe(true)
  })

  it('gives up after the timeout with the last attempt\'s output and exit code', async () => {
    const result = await conn.exec(waitForLock(locked(join(dir, 'never')), 2), { allowFailure: true })
    expect(result.exitCode).toBe(100)
    expect(result.stderr).toContain('E: Could not get lock')
  })

  it('does not retry other failures', async () => {
    const start = Date.now()
    const result = await conn.exec(waitForLock(sh`echo 'E: Unable to locate package nope' >&2; exit 100`, 60), { allowFailure: true })
    expect([result.exitCode, result.stderr]).toEqual([100, 'E: Unable to locate package nope\n'])
    expect(Date.now() - start).toBeLessThan(2500)
  })
})
