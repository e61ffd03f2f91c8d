import { readFileSync, writeFileSync } from 'node:fs'
import { readState, writeState } from './state.js'

/**
 * Kernel limits every booted container eats into: each systemd needs several inotify instances, and the
 * default 128 per user stops the 20th-odd host with "Failed to allocate manager object: Too many open files".
 */
const MINIMUMS: Readonly<Record<string, number>> = {
  'fs/inotify/max_user_instances': 8192,
  'fs/inotify/max_user_watches': 524288,
  'kernel/keys/maxkeys': 2000,
}

const read = (key: string): number => Number(readFileSync(`/proc/sys/${key}`, 'utf8').trim())

/** Raise the limits that are below what a 50-host lab needs, remembering the old values for `lab down`. */
export function raiseKernelLimits(): void {
  const saved = { ...readState().sysctls }
  for (const [key, minimum] of Object.entries(MINIMUMS)) {
    const current = read(key)
    if (current >= minimum) continue
    saved[key] ??= current
    writeFileSync(`/proc/sys/${key}`, `${minimum}\n`)
  }
  writeState({ ...readState(), sysctls: saved })
}

/** Put back the limits the lab raised. */
export function restoreKernelLimits(): void {
  const { sysctls, ...rest } = readState()
  for (const [key, value] of Object.entries(sysctls ?? {})) writeFileSync(`/proc/sys/${key}`, `${value}\n`)
  writeState(rest)
}
