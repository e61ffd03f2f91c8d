import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync, lstatSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { hostCgroupProcs, removeHostCgroups } from './cgroup.js'
import { BRIDGE, BRIDGE_ADDRESS, hostAddress, hostIndex, paths, PREFIX_LENGTH } from './layout.js'
import { recordedLeader, recordLeader } from './leader.js'
import { withLabLock } from './lock.js'
import { LabError, processAlive, run, signal, waitFor } from './system.js'

/** Where one host's files live on the control host. */
export interface HostPaths {
  readonly dir: string
  readonly upper: string
  readonly work: string
  readonly root: string
  readonly console: string
  readonly supervisorPid: string
  readonly nspawnPid: string
  readonly leaderPid: string
}

/** The files of host `name` under the lab's run directory. */
export function hostPaths(name: string): HostPaths {
  const dir = join(paths.hosts, name)
  return {
    dir,
    upper: join(dir, 'upper'),
    work: join(dir, 'work'),
    root: join(dir, 'root'),
    console: join(dir, 'console.log'),
    supervisorPid: join(dir, 'supervisor.pid'),
    nspawnPid: join(dir, 'nspawn.pid'),
    leaderPid: join(dir, 'leader.pid'),
  }
}

/** What `lab status` shows for a host. */
export interface HostStatus {
  readonly name: string
  readonly address: string
  readonly state: 'running' | 'stopped'
  readonly supervisorPid?: number
  readonly nspawnPid?: number
  /** The container's init (systemd), PID 1 inside the container. */
  readonly leaderPid?: number
}

/** Hosts that exist (running or stopped), in host-number order. */
export function existingHosts(): string[] {
  if (!existsSync(paths.hosts)) return []
  return readdirSync(paths.hosts)
    .filter((name) => hostIndex(name) !== undefined)
    .sort((a, b) => hostIndex(a)! - hostIndex(b)!)
}

const readPid = (file: string): number | undefined => {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** State and recorded PIDs of an existing host; PIDs are only reported while they are still this host's. */
export function hostStatus(name: string): HostStatus {
  const p = hostPaths(name)
  const supervisor = readPid(p.supervisorPid)
  const nspawn = readPid(p.nspawnPid)
  const supervisorAlive = processAlive(supervisor, p.root)
  const nspawnAlive = processAlive(nspawn, p.root)
  const leader = nspawnAlive ? recordLeader(p.leaderPid, nspawn!) : recordedLeader(p.leaderPid)
  return {
    name,
    address: hostAddress(hostIndex(name)!),
    state: supervisorAlive || nspawnAlive || leader !== undefined ? 'running' : 'stopped',
    ...(supervisorAlive ? { supervisorPid: supervisor! } : {}),
    ...(nspawnAlive ? { nspawnPid: nspawn! } : {}),
    ...(leader === undefined ? {} : { leaderPid: leader }),
  }
}

/** Whether `dir` is a mount point (per /proc/self/mountinfo). */
export function isMounted(dir: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === dir)
}

/** Create the host's directories and mount its overlay (base below, its own upper dir above); idempotent. */
export function mountHost(name: string): void {
  const p = hostPaths(name)
  for (const dir of [p.upper, p.work, p.root]) mkdirSync(dir, { recursive: true })
  if (isMounted(p.root)) return
  run('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${paths.base},upperdir=${p.upper},workdir=${p.work}`, p.root])
}

/** Files that make a fresh overlay this host: name, address, machine id, authorized key. Written once per host. */
export function personalize(name: string, authorizedKey: string): void {
  const p = hostPaths(name)
  const i = hostIndex(name)!
  const put = (path: string, text: string, mode = 0o644): void => {
    const file = join(p.root, path)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, text, { mode })
  }
  put('etc/hostname', `${name}\n`)
  // without its own name in /etc/hosts, sudo waits for DNS that the lab does not have
  put('etc/hosts', `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n::1\t\tlocalhost ip6-localhost ip6-loopback\n`)
  if (readFileSync(join(p.root, 'etc/machine-id'), 'utf8').trim() === '') {
    put('etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444)
  }
  // must sort before systemd's own 80-container-host0.network, or the host only gets a link-local address
  put(
    'etc/systemd/network/10-host0.network',
    `[Match]\nName=host0\n\n[Network]\nAddress=${hostAddress(i)}/${PREFIX_LENGTH}\nGateway=${BRIDGE_ADDRESS}\n`,
  )
  mkdirSync(join(p.root, 'root/.ssh'), { recursive: true, mode: 0o700 })
  put('root/.ssh/authorized_keys', `${authorizedKey}\n`, 0o600)
}

/** Write (or, with null, remove) a file inside a host, e.g. apt sources the lab manages. */
export function writeHostFile(name: string, path: string, text: string | null): void {
  const file = join(hostPaths(name).root, path)
  if (text === null) {
    rmSync(file, { force: true })
    return
  }
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
}

/** Whether the file exists inside the host (through its mounted overlay). */
export const hostFileExists = (name: string, path: string): boolean => {
  try {
    lstatSync(join(hostPaths(name).root, path))
    return true
  } catch {
    return false
  }
}

/**
 * Restart systemd-nspawn whenever it exits with 133 (the container ran `reboot`); any other exit ends the
 * loop. On SIGTERM it passes the signal on (the container powers off) and waits. Values arrive as "$@":
 * the pid file, a count N and N cgroup.procs files to join first (the host's own cgroups, cgroup.ts), nspawn's argv.
 */
const SUPERVISOR = `pidfile=$1; n=$2; shift 2
while [ "$n" -gt 0 ]; do echo $$ >"$1"; shift; n=$((n - 1)); done
child=
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
while :; do
  "$@" </dev/null &
  child=$!
  echo "$child" >"$pidfile"
  wait "$child"
  rc=$?
  echo "tsplay-lab: systemd-nspawn exited with $rc" >&2
  [ "$rc" -eq 133 ] || exit "$rc"
done`

/** Boot a host under its supervisor loop unless it is running already. */
export function startHost(name: string): void {
  if (hostStatus(name).state === 'running') return
  const p = hostPaths(name)
  mountHost(name)
  const log = openSync(p.console, 'a')
  const nspawn = [
    'systemd-nspawn',
    '--quiet',
    `--directory=${p.root}`,
    `--machine=${name}`,
    '--boot',
    // the control host has no systemd-machined to register with, and no unit of ours to move into
    '--register=no',
    '--keep-unit',
    `--network-bridge=${BRIDGE}`,
    '--link-journal=no',
    '--resolv-conf=off',
  ]
  const cgroups = hostCgroupProcs(name)
  const child = spawn('sh', ['-c', SUPERVISOR, 'tsplay-lab-supervise', p.nspawnPid, String(cgroups.length), ...cgroups, ...nspawn], {
    detached: true,
    stdio: ['ignore', log, log],
  })
  closeSync(log)
  if (child.pid === undefined) throw new LabError(`${name}: cannot start the supervisor for systemd-nspawn`)
  writeFileSync(p.supervisorPid, `${child.pid}\n`)
  child.unref()
}

/** Power a host off (SIGTERM through its supervisor), then kill what is left after `graceMs`; idempotent. */
export async function stopHost(name: string, graceMs = 20_000): Promise<void> {
  const p = hostPaths(name)
  const status = hostStatus(name)
  if (status.supervisorPid !== undefined) signal(status.supervisorPid, 'SIGTERM')
  else if (status.nspawnPid !== undefined) signal(status.nspawnPid, 'SIGTERM')
  // a container whose systemd-nspawn was killed: ending its init ends its whole PID namespace
  else if (status.leaderPid !== undefined) signal(status.leaderPid, 'SIGKILL')
  const stopped = (): boolean => hostStatus(name).state === 'stopped'
  if (!(await waitFor(stopped, graceMs))) {
    const left = hostStatus(name)
    if (left.supervisorPid !== undefined) signal(left.supervisorPid, 'SIGKILL')
    if (left.nspawnPid !== undefined) signal(left.nspawnPid, 'SIGKILL')
    if (left.leaderPid !== undefined) signal(left.leaderPid, 'SIGKILL')
    if (!(await waitFor(stopped, 10_000))) throw new LabError(`${name}: systemd-nspawn did not stop`)
  }
  rmSync(p.supervisorPid, { force: true })
  rmSync(p.nspawnPid, { force: true })
  rmSync(p.leaderPid, { force: true })
  removeHostCgroups(name)
}

/** Stop a host, unmount its overlay and delete its directory (its upper dir with it), holding the lab lock. */
export function removeHost(name: string): Promise<void> {
  // callers outside `lab down` (tests that want fresh hosts) must not remove a host while another lab command runs
  return withLabLock(() => removeHostLocked(name))
}

async function removeHostLocked(name: string): Promise<void> {
  await stopHost(name)
  const p = hostPaths(name)
  if (isMounted(p.root)) {
    const ok = await waitFor(() => {
      try {
        run('umount', [p.root])
      } catch {
        return !isMounted(p.root)
      }
      return true
    }, 10_000, 500)
    if (!ok) throw new LabError(`${name}: cannot unmount ${p.root}`)
  }
  rmSync(p.dir, { recursive: true, force: true })
  // nspawn removes its veth and its propagation dir when it exits; a container that failed to boot leaves them
  if (existsSync(`/sys/class/net/vb-${name}`)) run('ip', ['link', 'delete', `vb-${name}`])
  const propagate = `/run/systemd/nspawn/propagate/${name}`
  if (existsSync(propagate) && !isMounted(propagate)) rmSync(propagate, { recursive: true, force: true })
}

