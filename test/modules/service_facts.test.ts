import { describe, expect, it } from 'vitest'
import { planServiceFacts, unitFilesMissing } from '../../modules/service_facts.js'

// Captured `systemctl list-units --type service --all` and `list-unit-files` output (systemd 252, LC_ALL=C).
const UNITS = `  UNIT                                 LOAD      ACTIVE   SUB     DESCRIPTION
  dbus.service                         loaded    active   running D-Bus System Message Bus
* nginx.service                        loaded    failed   failed  A high performance web server
* nosuch.service                       not-found inactive dead    nosuch.service
  ssh.service                          loaded    active   running OpenBSD Secure Shell server
  systemd-tmpfiles-clean.service       loaded    inactive dead    Cleanup of Temporary Directories

LOAD   = Reflects whether the unit definition was properly loaded.
5 loaded units listed.
`
const FILES = `UNIT FILE                  STATE           VENDOR PRESET
dbus.service               static          -
getty@.service             enabled         enabled
nginx.service              enabled         enabled
ssh.service                enabled         enabled
systemd-tmpfiles-clean.service static      -

5 unit files listed.
`

describe('service_facts', () => {
  it('merges SysV, list-units and list-unit-files as ansible does: bad states kept, other statuses from the unit files', () => {
    const { values } = planServiceFacts({}, { sysv: ' [ + ]  ssh\n [ - ]  procps\n', units: UNITS, unitFiles: FILES, shown: 'getty@.service ActiveState=inactive\n' })
    expect(values?.ansible_facts.services).toEqual({
      ssh: { name: 'ssh', state: 'running', source: 'sysv' },
      procps: { name: 'procps', state: 'stopped', source: 'sysv' },
      'dbus.service': { name: 'dbus.service', state: 'running', status: 'static', source: 'systemd' },
      'nginx.service': { name: 'nginx.service', state: 'stopped', status: 'failed', source: 'systemd' },
      'nosuch.service': { name: 'nosuch.service', state: 'stopped', status: 'not-found', source: 'systemd' },
      'ssh.service': { name: 'ssh.service', state: 'running', status: 'enabled', source: 'systemd' },
      'systemd-tmpfiles-clean.service': { name: 'systemd-tmpfiles-clean.service', state: 'stopped', status: 'static', source: 'systemd' },
      'getty@.service': { name: 'getty@.service', state: 'inactive', status: 'enabled', source: 'systemd' },
    })
  })

  it('asks for the state of unit files without a loaded unit only, and skips when there are no services at all', () => {
    expect(unitFilesMissing({ units: UNITS, unitFiles: FILES })).toEqual(['getty@.service'])
    expect(planServiceFacts({}, { unitFiles: 'x.service enabled enabled\n', shown: 'x.service \n' }).values?.ansible_facts.services['x.service']?.['state']).toBe('unknown')
    expect(planServiceFacts({}, {})).toEqual({ changes: [], skip: 'Failed to find any services. This can be due to privileges or some other configuration issue.' })
  })
})
