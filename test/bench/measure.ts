import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadInventory } from '../../engine/inventory/index.js'

/** Wall time, controller CPU and peak memory of one command, as GNU time reports them. */
export interface Measurement {
  readonly wallSeconds: number
  readonly cpuSeconds: number
  /** Peak resident memory of the largest process (GNU time's %M), in MB. */
  readonly peakMb: number
  /**
   * CPU seconds the whole machine spent (all processes, busy time from /proc/stat): lab hosts share the controller's
   * cores, so this is controller, sshd and the hosts' commands together, the cost that bounds many-host runs.
   */
  readonly machineCpuSeconds: number
  readonly exitCode: number
  readonly output: string
}

/** Run a command under /usr/bin/time and collect its output; never throws for a non-zero exit. */
export function measure(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-bench-'))
  const busyBefore = machineBusySeconds()
  const timeFile = join(dir, 'time')
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stderr.on('data', (c: Buffer) => chunks.push(c))
    child.on('error', reject)
    child.on('close', (code) => {
      const [wall, user, sys, rssKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number)
      rmSync(dir, { recursive: true, force: true })
      resolve({
        wallSeconds: wall!,
        cpuSeconds: user! + sys!,
        peakMb: rssKb! / 1024,
        machineCpuSeconds: machineBusySeconds() - busyBefore,
        exitCode: code ?? -1,
        output: Buffer.concat(chunks).toString('utf8'),
      })
    })
  })
}

/** Busy CPU seconds of the machine since boot: /proc/stat's first line without idle and iowait, in USER_HZ (100). */
export function machineBusySeconds(): number {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number)
  return (user! + nice! + system! + irq! + softirq! + steal!) / 100
}

/** Sum of `changed=N` over the PLAY RECAP lines of an ansible-playbook or tsplay run. */
export function changedInRecap(output: string): number {
  return [...output.matchAll(/^\S+\s+:\s+ok=\d+\s+changed=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0)
}

/** Median and spread (max − min) of a list of numbers. */
export function summarize(values: readonly number[]): { median: number; spread: number } {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, spread: sorted[sorted.length - 1]! - sorted[0]! }
}

/** Persistent connections, as in ansible-core's default ssh_args: the benchmarks give both tools them. */
export const PERSIST_ARGS = '-o ControlMaster=auto -o ControlPersist=60s'

/** An inventory's own ssh arguments for all hosts (the lab's known_hosts), which the persistent runs extend. */
export function commonSshArgs(inventory: string): string {
  return String(loadInventory([inventory]).groups.get('all')!.vars.vars['ansible_ssh_common_args'] ?? '')
}
