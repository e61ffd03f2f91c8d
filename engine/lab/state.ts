import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { paths } from './layout.js'

/** The lab's own background services, recorded by PID so that `lab down` ends exactly those. */
export interface LabState {
  /** apt-cacher-ng, when the lab started it (absent when one was already serving the bridge). */
  readonly aptCacher?: { readonly pid: number }
  /** The local .deb repository server. */
  readonly repo?: { readonly dir: string; readonly port: number; readonly pid: number }
  /** Kernel limits the lab raised (path under /proc/sys → value before), put back by `lab down`. */
  readonly sysctls?: Readonly<Record<string, number>>
}

/** The recorded lab state; empty when the lab is down. */
export function readState(): LabState {
  if (!existsSync(paths.state)) return {}
  return JSON.parse(readFileSync(paths.state, 'utf8')) as LabState
}

/** Record the lab state. */
export function writeState(state: LabState): void {
  mkdirSync(dirname(paths.state), { recursive: true })
  writeFileSync(paths.state, `${JSON.stringify(state, null, 2)}\n`)
}
