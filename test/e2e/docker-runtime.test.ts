// The docker role (the optional runtime) on a fresh lab host: Debian's docker.io through the lab's apt proxy,
// daemon.json with the systemd cgroup driver and log rotation, the restart handler, check mode and a second run.
// Two limits of a systemd-nspawn host, both about the lab, not the role: overlay2 cannot stack on the host's
// overlayfs root ("failed to mount overlay: invalid argument"), so /var/lib/docker gets a tmpfs of its own; and
// on this machine's cgroup v1 hierarchy nspawn mounts the controllers read-only, so the daemon runs but runc
// cannot start a container ("mkdir /sys/fs/cgroup/cpuset/system.slice: read-only file system"): no container is run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sshCheck } from '../lab/helpers.js'
import { changedTasks, mispredictions } from './run-output.js'
import { leaseFreshHosts, type LabLease } from './lab-lease.js'
import { labInventoryFor, tsplayRun, type Run } from './tsplay-run.js'

const HOST = 'lab6'
const LAB_SIZE = 6
const RUN_TIMEOUT_MS = 10 * 60_000
const PLAYBOOK = 'test/e2e/fixtures/docker-runtime.yaml'

describe('the docker role on a fresh lab host', () => {
  let lease: LabLease | undefined
  let inventory = ''
  let check: Run
  let real: Run
  let second: Run

  beforeAll(async () => {
    lease = await leaseFreshHosts([HOST], LAB_SIZE)
    await sshCheck(HOST, 'mkdir -p /var/lib/docker && mount -t tmpfs -o mode=0710 tmpfs /var/lib/docker')
    inventory = labInventoryFor([HOST])
    check = await tsplayRun(PLAYBOOK, inventory, ['--check'], RUN_TIMEOUT_MS)
    real = await tsplayRun(PLAYBOOK, inventory, [], RUN_TIMEOUT_MS)
    second = await tsplayRun(PLAYBOOK, inventory, [], RUN_TIMEOUT_MS)
  }, 3 * RUN_TIMEOUT_MS)

  // the lease re-creates the host: later lab tests expect a plain one
  afterAll(async () => {
    await lease?.release()
  }, RUN_TIMEOUT_MS)

  it('runs in check mode, then for real, without failing', () => {
    for (const run of [check, real]) {
      expect(run.code, run.output.slice(-4000)).toBe(0)
      expect(run.report.recap.get(HOST)).toMatchObject({ failed: 0, unreachable: 0 })
    }
  })

  it('predicted in check mode the changes the real run made, marking (skipping) what it could not know', () => {
    expect(mispredictions(check.report, real.report, HOST)).toEqual([])
    expect(changedTasks(real.report, HOST).some((t) => t.includes('install docker (Debian)'))).toBe(true)
  })

  it('runs the daemon with the systemd cgroup driver, overlay2 and rotated json-file logs', async () => {
    expect((await sshCheck(HOST, 'systemctl is-active docker')).trim()).toBe('active')
    expect((await sshCheck(HOST, "docker info --format '{{.Driver}} {{.CgroupDriver}} {{.LoggingDriver}}'")).trim()).toBe('overlay2 systemd json-file')
    const daemon = JSON.parse(await sshCheck(HOST, 'cat /etc/docker/daemon.json')) as Record<string, unknown>
    expect(daemon).toMatchObject({ 'exec-opts': ['native.cgroupdriver=systemd'], 'log-opts': { 'max-size': '100m', 'max-file': '3' }, 'live-restore': true })
  })

  it('changes nothing on a second run', () => {
    expect(second.code, second.output.slice(-4000)).toBe(0)
    expect(changedTasks(second.report, HOST)).toEqual([])
  })
})
