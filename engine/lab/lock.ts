import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'
import { paths } from './layout.js'
import { LabError, pidExists, waitFor } from './system.js'

const holder = (): number | undefined => {
  try {
    return Number(readFileSync(paths.lock, 'utf8').trim()) || undefined
  } catch {
    return undefined
  }
}

function tryLock(): boolean {
  try {
    const fd = openSync(paths.lock, 'wx')
    writeSync(fd, `${process.pid}\n`)
    closeSync(fd)
    return true
  } catch {
    const pid = holder()
    // a lock left by a process that died is taken over
    if (pid === undefined || !pidExists(pid)) rmSync(paths.lock, { force: true })
    return false
  }
}

let depth = 0

/**
 * Run `body` while holding the lab lock, so that two `lab` commands (two test runs) never change the lab at
 * once. Reentrant within one process: a test can hold it around several lab commands.
 */
export async function withLabLock<T>(body: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  if (depth > 0) {
    depth++
    try {
      return await body()
    } finally {
      depth--
    }
  }
  mkdirSync(dirname(paths.lock), { recursive: true })
  if (!(await waitFor(tryLock, timeoutMs, 250))) {
    throw new LabError(`another tsplay lab command (pid ${String(holder())}) holds ${paths.lock}`)
  }
  depth = 1
  try {
    return await body()
  } finally {
    depth = 0
    rmSync(paths.lock, { force: true })
  }
}
