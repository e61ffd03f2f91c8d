// A cgroup of its own for each lab host. Without a systemd on the control host, `systemd-nspawn --keep-unit`
// puts the container's payload in `payload/` under the caller's cgroup: every host then shares one
// `/payload/system.slice/…` tree, and two hosts starting or stopping a unit of the same name race on the same
// cgroup directory (one removes it while the other moves a process in: `status=219/CGROUP`, as ipvsadm's
// postinst hit under load), besides one host's systemd seeing the others' processes in its units.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs'
import { join } from 'node:path'

/** The cgroup hierarchies systemd-nspawn uses: cgroup2 (pure or hybrid's `unified`) and the `name=systemd` one. */
function hierarchies(): Array<{ readonly mount: string; readonly own: string }> {
  const own = (match: (line: string) => boolean): string => {
    const line = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find(match)
    return line === undefined ? '/' : line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1)
  }
  const found: Array<{ mount: string; own: string }> = []
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) found.push({ mount: '/sys/fs/cgroup', own: own((l) => l.startsWith('0::')) })
  if (existsSync('/sys/fs/cgroup/unified/cgroup.procs')) found.push({ mount: '/sys/fs/cgroup/unified', own: own((l) => l.startsWith('0::')) })
  if (existsSync('/sys/fs/cgroup/systemd/cgroup.procs')) found.push({ mount: '/sys/fs/cgroup/systemd', own: own((l) => l.includes(':name=systemd:')) })
  return found
}

const hostDirs = (name: string): string[] => hierarchies().map((h) => join(h.mount, h.own, 'tsplay-lab', name))

/**
 * Make the host's cgroups and return their `cgroup.procs` files, which its supervisor joins before it starts
 * systemd-nspawn; none where cgroups cannot be made (the host then shares its parent's, as before).
 */
export function hostCgroupProcs(name: string): string[] {
  return hostDirs(name).flatMap((dir) => {
    try {
      mkdirSync(dir, { recursive: true })
      return [join(dir, 'cgroup.procs')]
    } catch {
      return []
    }
  })
}

/** Remove a stopped host's cgroups, deepest first; a cgroup still in use stays. */
export function removeHostCgroups(name: string): void {
  const remove = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isDirectory()) remove(join(dir, entry.name))
    try {
      rmdirSync(dir)
    } catch {
      // busy or already gone: harmless, the next start reuses it
    }
  }
  for (const dir of hostDirs(name)) if (existsSync(dir)) remove(dir)
}
