import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { BRIDGE, hostStatus, paths, readState, runLab, withLabLock } from '../../engine/lab/index.js'
import { ensureLab, labHosts, labInventory, otherLabUsers, serveLabRepo, sshCheck, sshRun, startHost, stopHost, stopLabRepo } from './helpers.js'

const work = mkdtempSync(join(tmpdir(), 'tsplay-lab-test-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const bootId = (host: string): Promise<string> => sshCheck(host, 'cat /proc/sys/kernel/random/boot_id').then((s) => s.trim())

async function waitForBoot(host: string, previousBootId: string, timeoutMs = 120_000): Promise<string> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    const result = await sshRun(host, 'cat /proc/sys/kernel/random/boot_id', { timeoutMs: 10_000 })
    if (result.exitCode === 0 && result.stdout.trim() !== previousBootId) return result.stdout.trim()
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  throw new Error(`${host} did not come back with a new boot id within ${timeoutMs} ms`)
}

/** Every process whose command line mentions the lab's run directory (supervisors, nspawn, servers). */
function labProcesses(): string[] {
  return readdirSync('/proc')
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
        return cmdline.includes(paths.run) ? [`${pid} ${cmdline}`] : []
      } catch {
        return []
      }
    })
}

describe('tsplay lab', () => {
  it('runs at least 6 hosts, each answering ssh with its own address and host name', async () => {
    const hosts = labHosts()
    expect(hosts.length).toBeGreaterThanOrEqual(6)
    for (const [i, host] of hosts.entries()) {
      expect(host).toEqual({ name: `lab${i + 1}`, address: `10.231.0.${11 + i}` })
      const out = await sshCheck(host.address, 'hostname; ip -4 -o addr show dev host0')
      const [hostname, addr] = out.split('\n')
      expect(hostname).toBe(host.name)
      expect(addr).toContain(` ${host.address}/24 `)
    }
  })

  it('writes an ansible-compatible inventory with the lab and Kubernetes groups', () => {
    const text = readFileSync(labInventory(), 'utf8')
    expect(text).toContain('lab1 ansible_host=10.231.0.11\n')
    expect(text).toMatch(/\[kube_control_plane\]\nlab1\nlab2\nlab3\n/)
    expect(text).toMatch(/\[kube_node\]\nlab4\n/)
    expect(text).toContain(`ansible_ssh_common_args='-o UserKnownHostsFile=${paths.knownHosts} -o StrictHostKeyChecking=yes'`)
    const listed = execFileSync('ansible-inventory', ['-i', labInventory(), '--list'], { encoding: 'utf8' })
    const groups = JSON.parse(listed) as Record<string, { hosts?: string[]; children?: string[] }>
    expect(groups.etcd?.hosts).toEqual(['lab1', 'lab2', 'lab3'])
    expect(groups.k8s_cluster?.children).toEqual(['kube_control_plane', 'kube_node'])
  })

  it('boots systemd as PID 1 and reaches running or degraded', async () => {
    for (const host of labHosts().slice(0, 3)) {
      expect((await sshCheck(host.name, 'cat /proc/1/comm')).trim()).toBe('systemd')
      const state = await sshRun(host.name, 'timeout 60 systemctl is-system-running --wait')
      expect(['running', 'degraded']).toContain(state.stdout.trim())
      expect((await sshCheck(host.name, 'systemd-detect-virt --container')).trim()).toBe('systemd-nspawn')
    }
  })

  it('installs a Debian package through the apt proxy on the bridge', async () => {
    const host = labHosts()[1]!.name
    await sshCheck(host, 'apt-get purge -y -q hello >/dev/null 2>&1; true')
    await sshCheck(host, 'apt-get update -q && apt-get install -y -q hello')
    expect((await sshCheck(host, 'hello')).trim()).toBe('Hello, world!')
    expect(await sshCheck(host, 'cat /etc/apt/apt.conf.d/01proxy')).toContain('http://10.231.0.1:3142')
    // the host has no way out but the bridge: its only route beyond the lab goes through the control host
    expect((await sshCheck(host, 'ip -4 route show default')).trim()).toMatch(/^default via 10\.231\.0\.1 dev host0/)
  })

  it('serves a folder of .deb files as a local apt repository', async () => {
    const version = `1.${Date.now()}`
    const pkg = join(work, 'pkg')
    mkdirSync(join(pkg, 'DEBIAN'), { recursive: true })
    mkdirSync(join(pkg, 'usr/share/tsplay-lab-probe'), { recursive: true })
    writeFileSync(
      join(pkg, 'DEBIAN/control'),
      `Package: tsplay-lab-probe\nVersion: ${version}\nArchitecture: all\nMaintainer: tsplay tests <tests@tsplay.invalid>\nDescription: test double built by test/lab/lab.test.ts\n`,
    )
    writeFileSync(join(pkg, 'usr/share/tsplay-lab-probe/version'), `${version}\n`)
    const repo = join(work, 'repo')
    mkdirSync(repo)
    execFileSync('dpkg-deb', ['--build', '--root-owner-group', pkg, join(repo, `tsplay-lab-probe_${version}_all.deb`)])
    const previous = readState().repo
    await serveLabRepo(repo)
    try {
      const host = labHosts()[0]!.name
      expect(await sshCheck(host, 'cat /etc/apt/sources.list.d/tsplay-lab.list')).toBe('deb [trusted=yes] http://10.231.0.1:8231/ ./\n')
      await sshCheck(host, 'apt-get update -q && apt-get install -y -q tsplay-lab-probe')
      expect((await sshCheck(host, 'cat /usr/share/tsplay-lab-probe/version')).trim()).toBe(version)
      await sshCheck(host, 'apt-get purge -y -q tsplay-lab-probe')
      expect(readFileSync(labInventory(), 'utf8')).toContain('lab_repo_url=http://10.231.0.1:8231/\n')
    } finally {
      if (previous && existsSync(previous.dir)) await serveLabRepo(previous.dir)
      else await stopLabRepo()
    }
  })

  it('reboots a host for real: new boot id, files in its upper dir kept', async () => {
    const host = labHosts()[2]!.name
    const before = await bootId(host)
    await sshCheck(host, `echo ${before} > /root/before-reboot`)
    // the connection drops while the host goes down; its exit status says nothing
    await sshRun(host, 'systemctl reboot', { timeoutMs: 15_000 })
    const after = await waitForBoot(host, before)
    expect(after).not.toBe(before)
    expect((await sshCheck(host, 'cat /root/before-reboot')).trim()).toBe(before)
  })

  it('stops a host (unreachable) and starts it again', async () => {
    const host = labHosts()[3]!.name
    const before = await bootId(host)
    await stopHost(host)
    expect(labHosts().map((h) => h.name)).not.toContain(host)
    const refused = await sshRun(host, 'true', { timeoutMs: 20_000 })
    expect(refused.exitCode).toBe(255)
    await startHost(host)
    expect(labHosts().map((h) => h.name)).toContain(host)
    expect(await bootId(host)).not.toBe(before)
  })

  it('finds and ends a container whose systemd-nspawn was killed', async () => {
    const host = labHosts()[4]!.name
    const before = hostStatus(host)
    expect(before.leaderPid).toBeGreaterThan(0)
    // SIGKILL leaves the container's systemd running with no nspawn above it
    process.kill(before.supervisorPid!, 'SIGKILL')
    process.kill(before.nspawnPid!, 'SIGKILL')
    await new Promise((resolve) => setTimeout(resolve, 500))
    const orphan = hostStatus(host)
    expect(orphan).toMatchObject({ state: 'running', leaderPid: before.leaderPid })
    expect(orphan.nspawnPid).toBeUndefined()
    await stopHost(host)
    expect(hostStatus(host).state).toBe('stopped')
    expect(existsSync(`/proc/${before.leaderPid!}/cmdline`) && readFileSync(`/proc/${before.leaderPid!}/cmdline`, 'utf8')).toBeFalsy()
    await startHost(host)
    expect((await sshCheck(host, 'hostname')).trim()).toBe(host)
  })

  // taking the lab down under another test run sharing it would break that run; in CI this run is alone
  const sharedWith = otherLabUsers(inject('labUserPid')).filter((pid) => pid !== process.pid)
  it.skipIf(sharedWith.length > 0)(`comes down leaving no mounts, processes or bridge, and up again${sharedWith.length ? ` (skipped: lab shared with test runs ${sharedWith.join(', ')})` : ''}`, async () => {
    const count = labHosts().length
    const repo = readState().repo
    // holding the lab lock keeps other test runs on this machine from starting the lab between down and the checks
    await withLabLock(async () => {
      expect(await runLab(['down'], () => undefined)).toBe(0)
      try {
        expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(paths.run)
        expect(labProcesses()).toEqual([])
        expect(existsSync(`/sys/class/net/${BRIDGE}`)).toBe(false)
        expect(existsSync(paths.run)).toBe(false)
        expect(existsSync(labInventory())).toBe(false)
        expect(await runLab(['down'], () => undefined)).toBe(0)
      } finally {
        await ensureLab(count)
        if (repo && existsSync(repo.dir)) await serveLabRepo(repo.dir)
      }
    })
    expect(labHosts()).toHaveLength(count)
  })
})
