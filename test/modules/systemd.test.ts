import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isEnabled, parseSystemctlShow } from '../../modules/lib/systemd-show.js'
import { service, toSystemdArgs } from '../../modules/service.js'
import { parseGathered, planUnit, systemd, type UnitState } from '../../modules/systemd.js'

// Captured from `systemctl show` on a lab host (Debian bookworm, systemd 252).
const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/output/systemd', name), 'utf8')
const active = parseSystemctlShow(fixture('show-ssh-active.txt'))
const inactive = parseSystemctlShow(fixture('show-inactive.txt'))
const notFound = parseSystemctlShow(fixture('show-not-found.txt'))

const unit = (status: Record<string, string>, enabledOut = 'enabled', enabledRc = 0): UnitState => ({ status, enabledOut, enabledRc })
const plan = (args: Record<string, unknown>, state: UnitState) => planUnit(systemd.args.parse(args), state)
const kinds = (args: Record<string, unknown>, state: UnitState) => plan(args, state).changes.map((c) => c.summary)

describe('systemctl show parser', () => {
  it('reads real output, keeping repeated and braced Exec values', () => {
    expect(active).toMatchObject({ LoadState: 'loaded', ActiveState: 'active', SubState: 'running', UnitFileState: 'enabled', MainPID: '37' })
    // ExecReload appears twice; as in ansible-core, the last one wins.
    expect(active['ExecReload']).toMatch(/^\{ path=\/bin\/kill ; argv\[\]=\/bin\/kill -HUP \$MAINPID/)
    expect(inactive).toMatchObject({ ActiveState: 'inactive', SubState: 'dead', UnitFileState: 'enabled' })
    expect(notFound['LoadState']).toBe('not-found')
  })

  it('joins an Exec value that runs over several lines', () => {
    expect(parseSystemctlShow('ExecStart={ path=/bin/a ;\n argv[]=/bin/a x }\nId=a.service\n')).toEqual({ ExecStart: '{ path=/bin/a ;\n argv[]=/bin/a x }', Id: 'a.service' })
  })

  it('reads is-enabled as ansible-core: exit 0, but not a lone alias or indirect', () => {
    const lines = fixture('is-enabled.txt').trimEnd().split('\n')
    expect(isEnabled(Number(lines[1]), lines[0]!)).toBe(true)
    expect(isEnabled(Number(lines[3]), '')).toBe(false)
    expect(isEnabled(Number(lines[7]), lines[6]!)).toBe(false)
    expect(isEnabled(0, 'indirect\n')).toBe(false)
  })

  it('splits the one-round-trip gather output', () => {
    const state = parseGathered(`${fixture('show-ssh-active.txt')}--tsplay-is-enabled--\nmasked\n1\n`)
    expect(state).toMatchObject({ enabledRc: 1, enabledOut: 'masked' })
    expect(state.status['ActiveState']).toBe('active')
  })
})

describe('systemd plan', () => {
  it('starts, stops, restarts and reloads as ansible-core decides', () => {
    expect(kinds({ name: 'ssh', state: 'started' }, unit(active))).toEqual([])
    expect(kinds({ name: 'x', state: 'started' }, unit(inactive))).toEqual(['start x'])
    expect(kinds({ name: 'ssh', state: 'stopped' }, unit(active))).toEqual(['stop ssh'])
    expect(kinds({ name: 'x', state: 'stopped' }, unit(inactive))).toEqual([])
    expect(kinds({ name: 'x', state: 'stopped' }, unit({ ...inactive, ActiveState: 'deactivating' }))).toEqual(['stop x'])
    expect(kinds({ name: 'ssh', state: 'restarted' }, unit(active))).toEqual(['restart ssh'])
    expect(kinds({ name: 'ssh', state: 'reloaded' }, unit(active))).toEqual(['reload ssh'])
    expect(kinds({ name: 'x', state: 'reloaded' }, unit(inactive))).toEqual(['start x'])
  })

  it('masks before enabling before starting, and returns the desired values', () => {
    const planned = plan({ name: 'x', state: 'restarted', enabled: true, masked: false }, unit(inactive, 'masked', 1))
    expect(planned.changes.map((c) => c.kind)).toEqual(['unmask', 'enable', 'start'])
    expect(planned.values).toMatchObject({ name: 'x', enabled: true, state: 'started' })
    expect(kinds({ name: 'x', enabled: false }, unit(inactive, 'disabled', 1))).toEqual([])
    expect(kinds({ name: 'x', enabled: true }, unit(inactive, 'alias', 0))).toEqual(['enable x'])
    expect(kinds({ name: 'x', masked: true }, unit(inactive))).toEqual(['mask x'])
  })

  it('fails on a missing unit unless only masking, with ansible-core\'s message', () => {
    expect(() => plan({ name: 'nope', state: 'started' }, unit(notFound, '', 1))).toThrow('Could not find the requested service nope: host')
    expect(() => plan({ name: 'nope', enabled: true }, unit(notFound, '', 1))).toThrow('Could not find the requested service nope: host')
    expect(kinds({ name: 'nope', masked: true }, unit(notFound, '', 1))).toEqual(['mask nope'])
    expect(() => plan({ name: 'bad', state: 'started' }, unit({ ...inactive, LoadError: 'org.freedesktop.systemd1.BadUnitSetting "x"' }))).toThrow("Error loading unit file 'bad'")
  })

  it('validates arguments like ansible-core', () => {
    expect(systemd.args.safeParse({}).error?.issues[0]?.message).toBe('one of the following is required: name, state, enabled, masked, daemon_reload, daemon_reexec')
    expect(systemd.args.parse({ name: 'x' })).toMatchObject({ name: 'x', daemon_reload: false })
    expect(systemd.args.safeParse({ state: 'started' }).error?.issues[0]?.message).toBe("missing parameter(s) required by 'state': name")
    expect(systemd.args.parse({ 'daemon-reload': 'yes' })).toMatchObject({ daemon_reload: true })
    expect(systemd.args.parse({ service: 'ssh', enabled: 'no' })).toMatchObject({ name: 'ssh', enabled: false })
    expect(systemd.args.safeParse({ name: 'x', state: 'running' }).success).toBe(false)
  })

  it('service maps onto systemd, ignoring init-script-only arguments', () => {
    const a = service.args.parse({ name: 'nginx', state: 'reloaded', sleep: 3, args: '-x', pattern: 'ngin' })
    expect(toSystemdArgs(a)).toMatchObject({ name: 'nginx', state: 'reloaded', scope: 'system' })
    expect(service.args.safeParse({ name: 'nginx' }).success).toBe(false)
  })
})
