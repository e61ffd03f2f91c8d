import { readFileSync, writeFileSync } from 'node:fs'

/** Start time of a process in clock ticks since boot, or undefined when it is gone or a zombie. */
function startTime(pid: number): string | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return fields[0] === 'Z' ? undefined : fields[19]
  } catch {
    return undefined
  }
}

/**
 * Note the container's init (systemd, PID 1 inside; the child of systemd-nspawn) in `file` as "pid starttime".
 * A killed systemd-nspawn leaves its container running, so the init must be found again without it.
 */
export function recordLeader(file: string, nspawnPid: number): number | undefined {
  let children: string[]
  try {
    children = readFileSync(`/proc/${nspawnPid}/task/${nspawnPid}/children`, 'utf8').trim().split(/\s+/)
  } catch {
    return undefined
  }
  const pid = Number(children[0])
  const started = Number.isInteger(pid) && pid > 0 ? startTime(pid) : undefined
  if (started === undefined) return recordedLeader(file)
  try {
    writeFileSync(file, `${pid} ${started}\n`)
  } catch {
    // the host directory is being removed by another lab command; the PID is still right
  }
  return pid
}

/** The recorded container init if that very process (same PID and start time) still runs. */
export function recordedLeader(file: string): number | undefined {
  try {
    const [pid, started] = readFileSync(file, 'utf8').trim().split(' ')
    return startTime(Number(pid)) === started ? Number(pid) : undefined
  } catch {
    return undefined
  }
}
