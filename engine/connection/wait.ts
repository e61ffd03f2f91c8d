import { ConnectionError } from '../errors.js'
import type { Command, RemoteProcess } from './types.js'

/** The exit code of a process, killing it and throwing ConnectionError when it outlives `timeoutMs`. */
export async function waitForExit(proc: RemoteProcess, host: string, shown: Command, timeoutMs: number | undefined): Promise<number | null> {
  let timedOut = false
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true
    proc.kill()
  }, timeoutMs)
  try {
    const code = await proc.exit
    if (!timedOut) return code
  } finally {
    if (timer) clearTimeout(timer)
  }
  throw new ConnectionError(host, `command timed out after ${timeoutMs} ms: ${shown}`)
}
