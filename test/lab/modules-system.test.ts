// Command and system modules on a real lab host over SSH (systemd as PID 1, its own network namespace):
// each change runs in check mode first (host untouched, same prediction), then for real, then again with
// no change. The reboot test really reboots the host and comes back on a new connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Command, type Connection, openConnection, raw, sh } from '../../engine/connection/index.js'
import { type AnyModule, type ModuleContext, type ModuleOutcome, runModule } from '../../engine/module.js'
import { command } from '../../modules/command.js'
import { group } from '../../modules/group.js'
import { hostname } from '../../modules/hostname.js'
import { mount } from '../../modules/mount.js'
import { reboot } from '../../modules/reboot.js'
import { shell } from '../../modules/shell.js'
import { sysctl } from '../../modules/sysctl.js'
import { systemd } from '../../modules/systemd.js'
import { user } from '../../modules/user.js'
import { wait_for } from '../../modules/wait_for.js'
import { wait_for_connection } from '../../modules/wait_for_connection.js'
import { converge as convergeOn } from '../helpers/converge.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { labVars } from '../helpers/lab-ssh.js'
import { makeContext } from '../helpers/module-context.js'
import { type LabHost, labHostNamed } from './helpers.js'

let lab: LabHost
let conn: Connection
const odd = "x $(touch /tmp/pwned) `id`; 'q' \"dq\""
const UNIT = 'tsplay-demo'

const connect = (timeoutSeconds = 10): Promise<Connection> => openConnection(lab.name, labVars(lab), { acceptNewHostKeys: false, timeoutSeconds })

/** A context whose reconnect really drops the SSH connection and opens a new one, as the runner's does. */
function context(check: boolean): ModuleContext {
  return {
    ...makeContext({ conn, check, diff: true }),
    async reconnect(options) {
      await conn.close()
      conn = await connect(Math.max(1, Math.round((options?.timeoutMs ?? 10_000) / 1000)))
      return conn
    },
  }
}

const run = (mod: AnyModule, args: Record<string, unknown>, check = false): Promise<ModuleOutcome> => runModule(mod, context(check), mod.args.parse(args))
const host = async (probe: Command): Promise<string> => (await conn.exec(probe, { allowFailure: true })).stdout

const converge = (mod: AnyModule, args: Record<string, unknown>, probe: Command): Promise<ModuleOutcome> => convergeOn(() => conn, run, mod, args, probe)

beforeAll(async () => {
  lab = labHostNamed('TSPLAY_SYSTEM_LAB_HOST', 'lab3')
  conn = await connect()
})
afterAll(async () => {
  await conn?.exec(sh`systemctl disable --now ${UNIT} 2>/dev/null; systemctl unmask ${UNIT} 2>/dev/null; rm -f /lib/systemd/system/${UNIT}.service /etc/sysctl.d/90-tsplay-test.conf; systemctl daemon-reload; userdel -r tsplay-u 2>/dev/null; groupdel tsplay-g 2>/dev/null; umount /mnt/tsplay-tmp 2>/dev/null; rmdir /mnt/tsplay-tmp 2>/dev/null; sed -i '/tsplay-tmp/d' /etc/fstab; true`, { allowFailure: true })
  await conn?.close()
})

describe('command modules on a lab host', () => {
  it('command passes values as data, shell runs code, creates guards', async () => {
    const out = await run(command, { argv: ['printf', '%s', odd] })
    expect(out.values['stdout']).toBe(odd)
    expect((await run(shell, { cmd: 'cd /etc && pwd | tr e E' })).values['stdout']).toBe('/Etc')
    await conn.exec(sh`rm -f /tmp/tsplay-created`)
    await converge(command, { cmd: 'touch /tmp/tsplay-created', creates: '/tmp/tsplay-created' }, sh`ls /tmp/tsplay-created 2>&1; true`)
    expect(await host(sh`test -e /tmp/pwned && echo pwned`)).toBe('')
  })
})

describe('systemd on a lab host', () => {
  it('starts, enables, stops and masks a real unit', async () => {
    // In /lib, where packages put units: a unit file in /etc cannot be masked (systemd refuses to replace it).
    await conn.writeFile(`/lib/systemd/system/${UNIT}.service`, '[Unit]\nDescription=tsplay demo\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n')
    const probe = sh`systemctl is-active ${UNIT}; systemctl is-enabled ${UNIT}; true`
    const started = await converge(systemd, { name: UNIT, state: 'started', enabled: true, daemon_reload: true }, probe)
    expect(started.changes).toEqual([`enable ${UNIT}`, `start ${UNIT}`])
    expect(await host(probe)).toBe('active\nenabled\n')
    expect((await run(systemd, { name: UNIT, state: 'restarted' })).status).toBe('changed')
    await converge(systemd, { name: UNIT, state: 'stopped', enabled: false }, probe)
    expect(await host(probe)).toBe('inactive\ndisabled\n')
    await converge(systemd, { name: UNIT, masked: true }, probe)
    expect(await host(sh`systemctl is-enabled ${UNIT}; true`)).toBe('masked\n')
    await converge(systemd, { name: UNIT, masked: false }, probe)
    expect(await run(systemd, { name: 'tsplay-no-such-unit', state: 'started' })).toMatchObject({ status: 'failed', msg: 'Could not find the requested service tsplay-no-such-unit: host' })
  })
})

describe('sysctl on a lab host', () => {
  it('sets and persists a net.* key, comparing the file and the live value', async () => {
    await conn.exec(sh`sysctl -w net.ipv4.ip_forward=0 >/dev/null; rm -f /etc/sysctl.d/90-tsplay-test.conf`)
    const probe = sh`sysctl -n net.ipv4.ip_forward; cat /etc/sysctl.d/90-tsplay-test.conf 2>&1; true`
    await converge(sysctl, { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: '/etc/sysctl.d/90-tsplay-test.conf', sysctl_set: true }, probe)
    expect(await host(probe)).toBe('1\nnet.ipv4.ip_forward=1\n')
    // A live value changed behind our back is seen and set again through the reload.
    await conn.exec(sh`sysctl -w net.ipv4.ip_forward=0 >/dev/null`)
    const repaired = await converge(sysctl, { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: '/etc/sysctl.d/90-tsplay-test.conf' }, probe)
    expect(repaired.changes).toEqual(['reload /etc/sysctl.d/90-tsplay-test.conf'])
    expect(await host(probe)).toBe('1\nnet.ipv4.ip_forward=1\n')
  })
})

describe('mount, user, group and hostname on a lab host', () => {
  it('mount takes the swap entry out of fstab and puts it back', async () => {
    const original = await host(sh`cat /etc/fstab`)
    if (!original.includes('/swapfile none swap sw 0 0')) await conn.writeFile('/etc/fstab', `${original}/swapfile none swap sw 0 0\n`)
    const probe = sh`cat /etc/fstab`
    await converge(mount, { path: 'none', src: '/swapfile', fstype: 'swap', opts: 'sw', state: 'absent' }, probe)
    expect(await host(probe)).not.toContain('/swapfile')
    await converge(mount, { path: 'none', src: '/swapfile', fstype: 'swap', opts: 'sw', state: 'present' }, probe)
    expect(await host(probe)).toContain('/swapfile none swap sw 0 0\n')
  })

  it('mount mounts, remounts with new options, unmounts and removes a real tmpfs', async () => {
    const probe = sh`grep tsplay-tmp /etc/fstab; grep tsplay-tmp /proc/self/mounts; ls -d /mnt/tsplay-tmp 2>&1; true`
    const tmpfs = { path: '/mnt/tsplay-tmp', src: 'tmpfs', fstype: 'tmpfs' }
    const mounted = await converge(mount, { ...tmpfs, opts: 'size=1m', state: 'mounted' }, probe)
    expect(mounted.changes).toEqual(['add /mnt/tsplay-tmp in /etc/fstab', 'create /mnt/tsplay-tmp', 'mount /mnt/tsplay-tmp'])
    expect(await host(sh`grep tsplay-tmp /proc/self/mounts`)).toMatch(/^tmpfs \/mnt\/tsplay-tmp tmpfs rw,relatime,size=1024k/)
    const remounted = await converge(mount, { ...tmpfs, opts: 'size=2m', state: 'mounted' }, probe)
    expect(remounted.changes).toEqual(['update /mnt/tsplay-tmp in /etc/fstab', 'remount /mnt/tsplay-tmp'])
    expect(await host(sh`grep tsplay-tmp /proc/self/mounts`)).toContain('size=2048k')
    await converge(mount, { path: '/mnt/tsplay-tmp', state: 'unmounted' }, probe)
    expect(await host(sh`grep -c tsplay-tmp /etc/fstab`)).toBe('1\n')
    const absent = await converge(mount, { ...tmpfs, state: 'absent' }, probe)
    expect(absent.changes).toEqual(['remove /mnt/tsplay-tmp from /etc/fstab', 'remove directory /mnt/tsplay-tmp'])
    expect(await host(probe)).toMatch(/No such file or directory/)
  })

  it('group and user are created, changed and removed', async () => {
    const probe = sh`getent group tsplay-g; getent passwd tsplay-u; id -Gn tsplay-u 2>&1; true`
    await converge(group, { name: 'tsplay-g', gid: 4321 }, probe)
    await converge(user, { name: 'tsplay-u', group: 'tsplay-g', groups: ['sudo'], shell: '/bin/sh', comment: odd }, probe)
    expect(await host(sh`getent passwd tsplay-u`)).toMatch(/^tsplay-u:x:\d+:4321:/)
    await converge(user, { name: 'tsplay-u', shell: '/bin/bash', groups: [] }, probe)
    expect(await host(sh`id -Gn tsplay-u`)).toBe('tsplay-g\n')
    await converge(user, { name: 'tsplay-u', state: 'absent', remove: true }, probe)
    await converge(group, { name: 'tsplay-g', state: 'absent' }, probe)
  })

  it('hostname sets the running and the permanent name, then goes back', async () => {
    const original = (await host(sh`hostname`)).trim()
    const probe = sh`hostname; cat /etc/hostname`
    await converge(hostname, { name: 'tsplay-renamed' }, probe)
    expect(await host(probe)).toBe('tsplay-renamed\ntsplay-renamed\n')
    await converge(hostname, { name: original }, probe)
  })
})

describe('waiting and rebooting a lab host', () => {
  it('wait_for sees sshd listening and wait_for_connection answers', async () => {
    expect(await run(wait_for, { port: 22, timeout: 10 })).toMatchObject({ status: 'ok', values: { port: 22 } })
    expect(await run(wait_for, { port: 1, state: 'stopped', timeout: 5 })).toMatchObject({ status: 'ok' })
    expect(await run(wait_for_connection, { timeout: 30 })).toMatchObject({ status: 'ok' })
  })

  it('reboot reboots for real and comes back on a new connection', async () => {
    const bootId = sh`cat /proc/sys/kernel/random/boot_id`
    const before = await host(bootId)
    expect(await run(reboot, {}, true)).toMatchObject({ status: 'changed', values: { rebooted: true } })
    expect(await host(bootId)).toBe(before)
    const out = await run(reboot, { reboot_timeout: 300 })
    expect(out, out.msg).toMatchObject({ status: 'changed', values: { rebooted: true } })
    expect(await host(bootId)).not.toBe(before)
    expect(await host(sh`systemctl is-system-running --wait 2>/dev/null; whoami`)).toMatch(/root\n$/)
  })
})

// The same playbook through ansible-playbook and through tsplay on the same lab host, from the same starting
// state: per task verdicts of a check run, a first run and a second run, and the host state after each.
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - {name: start, systemd: {name: tsdiff, state: started, enabled: true}}
    - {name: restart, service: {name: tsdiff, state: restarted}}
    - {name: mask, systemd: {name: tsdiff, masked: true}}
    - {name: unmask and stop, systemd: {name: tsdiff, masked: false, state: stopped, enabled: false}}
    - {name: sysctl, sysctl: {name: net.ipv4.ip_forward, value: 1, sysctl_file: /etc/sysctl.d/91-tsdiff.conf, sysctl_set: true}}
    - {name: swap out, mount: {path: none, src: /swapfile, fstype: swap, opts: sw, state: absent}}
    - {name: swap back, mount: {path: none, src: /swapfile, fstype: swap, opts: sw, state: present}}
    - {name: group, group: {name: tsdiffg, gid: 4444}}
    - {name: user, user: {name: tsdiffu, group: tsdiffg, groups: sudo, shell: /bin/sh}}
    - {name: user groups, user: {name: tsdiffu, groups: sudo, append: true}}
    - {name: mount tmpfs, mount: {path: /mnt/tsdiff, src: tmpfs, fstype: tmpfs, opts: size=1m, state: mounted}}
    - {name: remount tmpfs, mount: {path: /mnt/tsdiff, src: tmpfs, fstype: tmpfs, opts: size=2m, state: mounted}}
    - {name: unmount tmpfs, mount: {path: /mnt/tsdiff, state: unmounted}}
    - {name: drop tmpfs, mount: {path: /mnt/tsdiff, src: tmpfs, fstype: tmpfs, state: absent}}
    - {name: command, command: {cmd: touch /tmp/tsdiff-made, creates: /tmp/tsdiff-made}}
    - {name: shell, shell: {cmd: 'echo made >> /tmp/tsdiff-made', removes: /tmp/tsdiff-made}}
    - {name: wait for sshd, wait_for: {port: 22, timeout: 10}}
    - {name: wait for a pattern, wait_for: {path: /etc/passwd, search_regex: '^(?P<user>tsdiffu):', timeout: 10}, ignore_errors: true}
    - {name: hostname, hostname: {name: '{{ inventory_hostname }}'}}
    - {name: modprobe (no module loading in a container), modprobe: {name: dummy}, ignore_errors: true}
`
const RESET = sh`systemctl disable --now tsdiff 2>/dev/null; systemctl unmask tsdiff 2>/dev/null
printf '[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n' > /lib/systemd/system/tsdiff.service
systemctl daemon-reload; sysctl -w net.ipv4.ip_forward=0 >/dev/null; rm -f /etc/sysctl.d/91-tsdiff.conf /tmp/tsdiff-made
userdel -r tsdiffu 2>/dev/null; groupdel tsdiffg 2>/dev/null
umount /mnt/tsdiff 2>/dev/null; rmdir /mnt/tsdiff 2>/dev/null; sed -i '/tsdiff/d' /etc/fstab
grep -q '^/swapfile none swap' /etc/fstab || echo '/swapfile none swap sw 0 0' >> /etc/fstab; true`
const STATE = sh`systemctl is-active tsdiff; systemctl is-enabled tsdiff; sysctl -n net.ipv4.ip_forward; cat /etc/sysctl.d/91-tsdiff.conf; cat /etc/fstab
getent group tsdiffg; getent passwd tsdiffu | cut -d: -f1,4,7; id -Gn tsdiffu; ls /tmp/tsdiff-made; grep tsdiff /proc/self/mounts; ls -d /mnt/tsdiff; true`

describe('differential: ansible-playbook and tsplay on the same lab host', () => {
  it('agree on every verdict and on the host state, in check mode and over two runs', async () => {
    const { ansible: expected, tsplay: actual } = await runBothEngines({ host: lab, conn, playbook: PLAYBOOK, reset: RESET, state: STATE })
    expect(actual).toEqual(expected)
    expect(expected[0]!.length).toBeGreaterThan(15)
    await conn.exec(sh`${raw(RESET)}; systemctl disable --now tsdiff; rm -f /lib/systemd/system/tsdiff.service; userdel -r tsdiffu; groupdel tsdiffg; true`, { allowFailure: true })
  })
})
