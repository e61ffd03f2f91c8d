// apt's policy_rc_d, autoclean and clean through ansible-playbook and through tsplay on the same lab host: a .deb
// built here records in its postinst what /usr/sbin/policy-rc.d said during the install; a stale archive sits
// in apt's cache for autoclean. Verdicts of a check run, a first and a second run, and the host after each.
// clean is tested apart: ansible-core runs apt-get clean even in check mode, tsplay does not.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, raw, sh } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { apt } from '../../modules/apt.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { makeContext } from '../helpers/module-context.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'

const DEB = '/tmp/tsdiff-rcd_1.0_all.deb'
const STALE = '/var/cache/apt/archives/tsdiff-stale_9.9_all.deb'
const work = mkdtempSync(join(tmpdir(), 'tsplay-aptopt-'))
let lab: LabHost
let conn: Connection

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_PACKAGES_LAB_HOST', 'lab5')
  conn = await connectLabHost(lab)
  mkdirSync(join(work, 'pkg/DEBIAN'), { recursive: true })
  writeFileSync(join(work, 'pkg/DEBIAN/control'), 'Package: tsdiff-rcd\nVersion: 1.0\nArchitecture: all\nMaintainer: tsplay tests <t@example.invalid>\nDescription: records policy-rc.d during its install\n')
  writeFileSync(join(work, 'pkg/DEBIAN/postinst'), '#!/bin/sh\ncat /usr/sbin/policy-rc.d > /var/tmp/tsdiff-policy 2>/dev/null || echo none > /var/tmp/tsdiff-policy\n', { mode: 0o755 })
  execFileSync('dpkg-deb', ['-b', join(work, 'pkg'), join(work, 'rcd.deb')], { stdio: 'pipe' })
  await conn.writeFile(DEB, readFileSync(join(work, 'rcd.deb')))
})
afterAll(async () => {
  await conn?.exec(RESET, { allowFailure: true })
  await conn?.exec(sh`rm -f ${DEB} /usr/sbin/policy-rc.d /var/tmp/tsdiff-policy`, { allowFailure: true })
  await conn?.close()
  rmSync(work, { recursive: true, force: true })
})

// An existing policy-rc.d (exit 0) that both engines must put back after their own (exit 101).
const RESET = sh`dpkg --purge tsdiff-rcd >/dev/null 2>&1; rm -f /var/tmp/tsdiff-policy
printf '#!/bin/sh\nexit 0\n' > /usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d
: > ${STALE}; true`
const STATE = sh`dpkg-query -W -f='\${Package} \${db:Status-Abbrev}\n' tsdiff-rcd 2>&1; cat /var/tmp/tsdiff-policy 2>&1; cat /usr/sbin/policy-rc.d; ls ${STALE} 2>&1; true`

describe('differential: apt policy_rc_d and autoclean under ansible-playbook and tsplay on the same lab host', () => {
  it('agree on installing under a temporary policy-rc.d and on deleting a stale cached archive', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: install, apt: {deb: ${DEB}, policy_rc_d: 101}}
    - {name: autoclean, apt: {autoclean: true}, register: ac}
    - {name: recorded, copy: {dest: /var/tmp/tsdiff-ac, content: "{{ ac.changed }} {{ ac.stdout_lines | select('match', 'Del ') | list }}"}}
`
    const state = sh`${raw(STATE)}; cat /var/tmp/tsdiff-ac 2>&1; true`
    try {
      const result = await runBothEngines({ host: lab, conn, playbook, reset: sh`${raw(RESET)}; rm -f /var/tmp/tsdiff-ac`, state })
      expect(result.tsplay, result.logs.tsplay.join('\n')).toEqual(result.ansible)
      expect(result.ansible[2]!.filter((l) => !l.startsWith('TASK ['))).toEqual([...['changed', 'changed', 'changed'].map((v) => `${v}: [${lab.name}]`), expect.stringMatching(/ok=3 +changed=3 /)])
      // After the first run: installed with 101 in force, the old policy-rc.d back, the stale archive gone.
      expect(result.ansible[3]![0]).toMatch(/^tsdiff-rcd ii \n#!\/bin\/sh\nexit 101\n#!\/bin\/sh\nexit 0\nls: cannot access .*\nTrue \['Del tsdiff-stale 9.9 \[0 B\]'\]$/)
      expect(result.ansible[5]![0]).toMatch(/\nFalse \[\]$/)
    } finally {
      await conn.exec(RESET)
    }
  })

  it('clean empties the archive cache, reported as no change, and leaves it alone in check mode', async () => {
    await conn.exec(RESET)
    const run = (check: boolean) => runModule(apt, makeContext({ conn, check }), apt.args.parse({ clean: true }))
    expect(await run(true)).toMatchObject({ status: 'ok', changed: false })
    expect((await conn.exec(sh`ls ${STALE}`, { allowFailure: true })).exitCode).toBe(0)
    expect(await run(false)).toMatchObject({ status: 'ok', changed: false })
    expect((await conn.exec(sh`ls /var/cache/apt/archives/*.deb`, { allowFailure: true })).exitCode).not.toBe(0)
  })
})
