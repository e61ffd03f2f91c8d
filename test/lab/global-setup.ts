// Global setup of the `lab` vitest project: the lab must be up with at least 6 hosts (what the HA playbook
// e2e test needs). A lab that cannot start fails the run loudly; it is never a reason to skip.
import type { TestProject } from 'vitest/node'
import { existingHosts, hostStatus, runLab } from '../../engine/lab/index.js'
import { registerLabUser, unregisterLabUser } from './helpers.js'

const HOSTS = 6

declare module 'vitest' {
  export interface ProvidedContext {
    /** PID of the process that ran the lab's global setup (its registration as a lab user). */
    labUserPid: number
  }
}

/**
 * Start the lab unless it runs. At the end, take it down if a test run started it and no other test run
 * still uses it (TSPLAY_LAB_KEEP=1 keeps it up for the next run).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const startedHere = existingHosts().filter((name) => hostStatus(name).state === 'running').length === 0
  registerLabUser(process.pid, startedHere)
  project.provide('labUserPid', process.pid)
  const output: string[] = []
  const code = await runLab(['up', String(HOSTS)], (line) => output.push(line))
  if (code !== 0) {
    unregisterLabUser(process.pid)
    throw new Error(
      `the lab did not start (tsplay lab up ${HOSTS} exited ${code}); lab tests need Linux, root, systemd-nspawn and debootstrap\n${output.join('\n')}`,
    )
  }
  console.log(output.join('\n'))
  return async () => {
    if (unregisterLabUser(process.pid) && !process.env.TSPLAY_LAB_KEEP) await runLab(['down'], () => undefined)
  }
}
