import { spawn } from 'node:child_process'
import { paths } from './layout.js'
import { waitFor } from './system.js'

/** OpenSSH options that reach lab hosts with the lab key and strict checking against the lab's known_hosts. */
export const sshOptions = (): string[] => [
  '-F', '/dev/null',
  '-i', paths.key,
  '-o', `UserKnownHostsFile=${paths.knownHosts}`,
  '-o', 'StrictHostKeyChecking=yes',
  '-o', 'BatchMode=yes',
  '-o', 'LogLevel=ERROR',
]

/** Whether `ssh root@address true` succeeds within a few seconds. */
export function sshAnswers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('ssh', [...sshOptions(), '-o', 'ConnectTimeout=3', `root@${address}`, 'true'], { stdio: 'ignore' })
    child.once('error', () => resolve(false))
    child.once('exit', (code) => resolve(code === 0))
  })
}

/** A host to wait for: its address, and how to tell that it died (so that waiting stops at once). */
export interface SshTarget {
  readonly address: string
  readonly dead: () => boolean
}

/** Wait until every target answers ssh; returns the addresses that died or did not answer within `timeoutMs`. */
export async function waitForSsh(targets: readonly SshTarget[], timeoutMs: number): Promise<string[]> {
  const ready = await Promise.all(
    targets.map(async (t) => {
      let answered = false
      await waitFor(async () => (answered = await sshAnswers(t.address)) || t.dead(), timeoutMs, 500)
      return answered
    }),
  )
  return targets.filter((_, i) => !ready[i]).map((t) => t.address)
}
