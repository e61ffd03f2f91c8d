import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** One command tsplay sent to a host, as recorded with TSPLAY_TRACE_FILE. */
export interface TracedCommand {
  readonly host: string
  readonly line: string
  readonly stdin?: string
}

/** Where and how the floor script reaches a host. */
export interface FloorHost {
  readonly name: string
  readonly address: string
  readonly user: string
  readonly keyFile: string
  readonly knownHostsFile: string
}

/** Read a TSPLAY_TRACE_FILE: one JSON object per line. */
export function readTrace(file: string): TracedCommand[] {
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as TracedCommand)
}

/**
 * The floor: the same commands tsplay sent, in the same lockstep (the k-th command of every host runs
 * together, hosts in parallel), each through a new `ssh` process over one multiplexed OpenSSH connection per
 * host. Returns the wall time in seconds, master connection set-up included.
 */
export async function runFloor(hosts: readonly FloorHost[], trace: readonly TracedCommand[]): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-floor-'))
  const byHost = new Map(hosts.map((h) => [h.name, trace.filter((t) => t.host === h.name)]))
  const common = (h: FloorHost): string[] => [
    '-o', `ControlPath=${join(dir, h.name)}`, '-o', 'BatchMode=yes', '-i', h.keyFile,
    '-o', `UserKnownHostsFile=${h.knownHostsFile}`, '-o', 'StrictHostKeyChecking=yes', `${h.user}@${h.address}`,
  ]
  const started = process.hrtime.bigint()
  try {
    await Promise.all(hosts.map((h) => run('ssh', ['-o', 'ControlMaster=yes', '-o', 'ControlPersist=yes', '-fN', ...common(h)])))
    const steps = Math.max(0, ...[...byHost.values()].map((l) => l.length))
    for (let k = 0; k < steps; k++) {
      await Promise.all(hosts.map((h) => {
        const command = byHost.get(h.name)![k]
        return command ? run('ssh', [...common(h), command.line], command.stdin === undefined ? undefined : Buffer.from(command.stdin, 'base64')) : undefined
      }))
    }
    return Number(process.hrtime.bigint() - started) / 1e9
  } finally {
    await Promise.all(hosts.map((h) => run('ssh', ['-O', 'exit', ...common(h)]).catch(() => undefined)))
    rmSync(dir, { recursive: true, force: true })
  }
}

function run(command: string, args: readonly string[], stdin?: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'] })
    child.stdin.on('error', () => {})
    child.stdin.end(stdin ?? '')
    child.on('error', reject)
    // The floor only measures time: the commands' own exit codes are not its concern.
    child.on('close', () => resolve())
  })
}
