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

/** Wait until every address answers ssh; returns those that did not within `timeoutMs`. */
export async function waitForSsh(addresses: readonly string[], timeoutMs: number): Promise<string[]> {
  const results = await Promise.all(addresses.map((a) => waitFor(() => sshAnswers(a), timeoutMs, 500)))
  return addresses.filter((_, i) => !results[i])
}
