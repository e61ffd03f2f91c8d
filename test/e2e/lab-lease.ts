// End-to-end tests own lab hosts for minutes: they hold the lab lock for their whole run, so no other lab
// command (another test run's `lab up`, `lab down`, `lab stop`, a host removal) can re-create, stop or remove
// a host under a playbook run, and they record boot ids to prove afterwards that nothing did.
import { removeHost, withLabLock } from '../../engine/lab/index.js'
import { ensureLab, sshCheck } from '../lab/helpers.js'

/** A held lab lock; `release` ends the hold (idempotent). */
export interface LabLease {
  readonly release: () => Promise<void>
}

/** Take the lab lock (waiting for other lab commands to finish) and keep it until `release`. */
export async function leaseLab(): Promise<LabLease> {
  let end!: () => void
  const ended = new Promise<void>((resolve) => (end = resolve))
  let held!: Promise<void>
  await new Promise<void>((acquired, failed) => {
    held = withLabLock(async () => {
      acquired()
      await ended
    })
    held.catch(failed)
  })
  return {
    release: async () => {
      end()
      await held
    },
  }
}

/** Remove `hosts` and start them again from the base image (the lab keeps at least `labSize` hosts up). */
export async function freshHosts(hosts: readonly string[], labSize: number): Promise<void> {
  for (const host of hosts) await removeHost(host)
  await ensureLab(labSize)
}

/** Lease the lab and re-create `hosts`; releasing re-creates them again, so later tests find plain hosts. */
export async function leaseFreshHosts(hosts: readonly string[], labSize: number): Promise<LabLease> {
  const lease = await leaseLab()
  try {
    await freshHosts(hosts, labSize)
  } catch (error) {
    await lease.release()
    throw error
  }
  return {
    release: async () => {
      try {
        await freshHosts(hosts, labSize)
      } finally {
        await lease.release()
      }
    },
  }
}

/** Each host's kernel boot id as its init sees it: a re-created or rebooted host gets a new one. */
export async function bootIds(hosts: readonly string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {}
  for (const host of hosts) ids[host] = (await sshCheck(host, 'cat /proc/sys/kernel/random/boot_id')).trim()
  return ids
}
