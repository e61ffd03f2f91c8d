import { execFileSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { lines, openConnection, raw, sh } from '../../engine/connection/index.js'
import { factScript, gatherFacts, resolveSubset } from '../../engine/facts/index.js'
import { COMPARED, expectedFact, normal } from '../helpers/facts-compare.js'
import { labHostFromEnd, labVars } from '../helpers/lab-ssh.js'
import { labInventory } from './helpers.js'

// tsplay's facts for a lab host, gathered over its own SSH connection, next to what ansible's setup module
// reports for the same host at the same moment (lab hosts carry python3 for this comparison).
let ours: Record<string, unknown>
let ansible: Record<string, unknown>
let elapsedMs = 0

beforeAll(async () => {
  const host = labHostFromEnd(3)
  const conn = await openConnection(host.name, labVars(host), { acceptNewHostKeys: false, timeoutSeconds: 10 })
  try {
    const start = performance.now()
    ours = await gatherFacts(conn)
    elapsedMs = performance.now() - start
  } finally {
    await conn.close()
  }
  const output = execFileSync('ansible', ['-i', labInventory(), host.name, '-m', 'setup'], { encoding: 'utf8' })
  ansible = (JSON.parse(output.slice(output.indexOf('{'))) as { ansible_facts: Record<string, unknown> }).ansible_facts
})

describe('facts of a lab host', () => {
  it('are gathered in one round trip', () => {
    console.log(`gatherFacts over ssh: ${elapsedMs.toFixed(0)} ms`)
    expect(elapsedMs).toBeLessThan(5000)
  })

  it('runs few programs on the host (an exec costs it ~2 ms)', async () => {
    // Wrappers first in PATH log each program the script runs by name (not those it runs by absolute path).
    const wrappers = `d=/tmp/tsplay-exec-count; rm -rf "$d"; mkdir -p "$d/bin"
for p in /usr/local/sbin/* /usr/local/bin/* /usr/sbin/* /usr/bin/* /sbin/* /bin/*; do n=\${p##*/}
  [ -f "$p" ] && [ -x "$p" ] && [ ! -e "$d/bin/$n" ] && printf '#!/bin/sh\\necho %s >>%s/log\\nexec %s "$@"\\n' "$n" "$d" "$p" >"$d/bin/$n"
done; chmod +x "$d"/bin/*`
    const host = labHostFromEnd(3)
    const conn = await openConnection(host.name, labVars(host), { acceptNewHostKeys: false, timeoutSeconds: 10 })
    try {
      await conn.exec(sh`${raw(wrappers)}`)
      await conn.exec(lines(sh`${raw('PATH=/tmp/tsplay-exec-count/bin:$PATH; export PATH')}`, factScript(resolveSubset(['all']))))
      const log = (await conn.exec(sh`cat /tmp/tsplay-exec-count/log; rm -rf /tmp/tsplay-exec-count`)).stdout.trim().split('\n')
      console.log(`fact script programs: ${log.length}: ${log.join(' ')}`)
      expect(log).toContain('uname')
      expect(log.length).toBeLessThanOrEqual(20)
    } finally {
      await conn.close()
    }
  })

  it.each(COMPARED)('%s matches ansible setup', (name) => {
    expect(normal(name, ours[name])).toEqual(expectedFact(name, ansible))
  })

  it('has the same mounts and per-interface facts', () => {
    const pick = (m: Record<string, unknown>) => ({ mount: m.mount, device: m.device, fstype: m.fstype, options: m.options, size_total: m.size_total, block_size: m.block_size, inode_total: m.inode_total, uuid: m.uuid })
    expect((ours.mounts as Record<string, unknown>[]).map(pick)).toEqual((ansible.ansible_mounts as Record<string, unknown>[]).map(pick))
    for (const iface of ansible.ansible_interfaces as string[]) {
      const key = iface.replaceAll('-', '_')
      const { features: _f, timestamping: _t, hw_timestamp_filters: _h, ...comparable } = ansible[`ansible_${key}`] as Record<string, unknown>
      expect(ours[key]).toEqual(comparable)
    }
  })

  it('has the same environment variables and date_time keys', () => {
    // ansible's ssh runs modules on a pty (TERM, SSH_TTY) and forwards LANG/LC_* (Debian's SendEnv); tsplay's exec
    // channels do neither, so commands see the host's own locale. `_` is whatever the last shell command was.
    const comparable = (env: unknown) => Object.keys(env as object).filter((k) => !/^(_|TERM|SSH_TTY|LANG|LC_.*)$/.test(k)).sort()
    expect(comparable(ours.env)).toEqual(comparable(ansible.ansible_env))
    expect(comparable(ours.env)).toContain('SSH_CONNECTION')
    expect(Object.keys(ours.date_time as object).sort()).toEqual(Object.keys(ansible.ansible_date_time as object).sort())
    expect(Math.abs(Number((ours.date_time as { epoch: string }).epoch) - Number((ansible.ansible_date_time as { epoch: string }).epoch))).toBeLessThan(60)
  })
})
