import { describe, expect, it } from 'vitest'
import { type Command, type Connection, connectLocal } from '../../engine/connection/index.js'
import { type AptSpec, readAptState } from '../../modules/lib/apt-state.js'

/** This machine's dpkg, with the scripts sent to it kept. */
function recording(): { conn: Connection; scripts: string[] } {
  const local = connectLocal('controller')
  const scripts: string[] = []
  const conn = Object.create(local) as Connection
  Object.assign(conn, { exec: (c: Command, o?: object) => (scripts.push(c), local.exec(c, o)) })
  return { conn, scripts }
}

const spec = (name: string): AptSpec => ({ spec: name, name })

describe('the apt read on this machine', () => {
  it('asks apt-cache for versions only when a named package is not installed (counted by builtins, multi-arch once)', async () => {
    const installed = await readAptState(recording().conn, [spec('dpkg'), spec('bash'), spec('dpkg')], [], { alwaysPolicy: false })
    expect([...installed.dpkg.keys()]).toEqual(expect.arrayContaining(['dpkg', 'bash']))
    expect(installed.policy.size).toBe(0)
    const missing = await readAptState(recording().conn, [spec('dpkg'), spec('tsplay-no-such-package')], [], { alwaysPolicy: false })
    expect(missing.policy.has('dpkg')).toBe(true)
  })

  it('reads the clock only when the cache age matters', async () => {
    const r = recording()
    expect((await readAptState(r.conn, [spec('dpkg')], [], { alwaysPolicy: false, clock: false })).now).toBe(0)
    expect((await readAptState(r.conn, [spec('dpkg')], [], { alwaysPolicy: false, clock: true })).now).toBeGreaterThan(1.7e9)
    expect(r.scripts.map((s) => s.includes('date +%s'))).toEqual([false, true])
  })
})
