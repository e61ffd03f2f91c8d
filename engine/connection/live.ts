import type { RemoteProcess } from './types.js'

/**
 * How long a killed command's process group has between TERM and KILL, locally and on SSH hosts alike: long enough
 * for a writer's trap to remove its temp file on a loaded machine (a fork for rm); killed mid-trap, it stays behind.
 */
export const KILL_GRACE_MS = 1500

// Every command running on any host, so that an interrupted run can end them instead of leaving them behind.
const running = new Set<RemoteProcess>()

/** Count `proc` as running until it exits; killing every running command (endCommands) reaches it. */
export function trackCommand(proc: RemoteProcess): void {
  running.add(proc)
  const done = (): void => void running.delete(proc)
  proc.exit.then(done, done)
}

/** The number of commands running now, on all hosts. */
export const runningCommands = (): number => running.size

/**
 * Kill every command still running (their process groups, locally and on SSH hosts) and wait until each has
 * ended, at most `graceMs`: a SIGINT given twice, or SIGTERM, must leave nothing running behind tsplay.
 */
export async function endCommands(graceMs = 2000): Promise<void> {
  const procs = [...running]
  for (const proc of procs) proc.kill()
  const settled = Promise.allSettled(procs.map((p) => p.exit))
  let timer: NodeJS.Timeout | undefined
  await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
  clearTimeout(timer)
}
