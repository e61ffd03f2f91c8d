// Global setup of the `lab` vitest project: the lab must be up with at least 6 hosts (what the HA playbook
// e2e test needs). A lab that cannot start fails the run loudly; it is never a reason to skip.
import { existingHosts, hostStatus } from '../../engine/lab/host.js'
import { runLab } from '../../engine/lab/index.js'

const HOSTS = 6

/** Start the lab unless it runs; tear it down at the end only if this run started it (and TSPLAY_LAB_KEEP is unset). */
export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  const startedHere = existingHosts().filter((name) => hostStatus(name).state === 'running').length === 0
  const output: string[] = []
  const code = await runLab(['up', String(HOSTS)], (line) => output.push(line))
  if (code !== 0) {
    throw new Error(`the lab did not start (tsplay lab up ${HOSTS} exited ${code}); lab tests need root, systemd-nspawn and debootstrap\n${output.join('\n')}`)
  }
  console.log(output.join('\n'))
  if (!startedHere || process.env.TSPLAY_LAB_KEEP) return undefined
  return async () => {
    await runLab(['down'], () => undefined)
  }
}
