import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { TsplayError } from '../errors.js'

/** The lab cannot do what was asked (not root, a tool missing, a host that will not boot…). */
export class LabError extends TsplayError {
  override readonly name: string = 'LabError'
}

/** Run a program (never through a shell) and return its stdout; throws LabError with its stderr on failure. */
export function run(program: string, args: readonly string[], options: { cwd?: string; input?: string } = {}): string {
  const result = spawnSync(program, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...options,
  })
  if (result.error) throw new LabError(`${program}: ${result.error.message}`)
  if (result.status !== 0) {
    const why = result.stderr.trim() || result.stdout.trim() || `signal ${String(result.signal)}`
    throw new LabError(`${program} ${args.join(' ')}: exit ${String(result.status)}\n${why}`)
  }
  return result.stdout
}

/** Like run, but a non-zero exit is an answer (false), not an error. */
export function succeeds(program: string, args: readonly string[]): boolean {
  const result = spawnSync(program, args, { stdio: 'ignore' })
  return result.status === 0
}

/** Whether a program is on PATH (or at an absolute path). */
export function hasProgram(program: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1" >/dev/null', 'sh', program], { stdio: 'ignore' }).status === 0
}

/** Debian package that provides each program the lab runs on the control host. */
const PROVIDERS: Readonly<Record<string, string>> = {
  'systemd-nspawn': 'systemd-container',
  debootstrap: 'debootstrap',
  'apt-cacher-ng': 'apt-cacher-ng',
  ip: 'iproute2',
  mount: 'mount',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  'dpkg-scanpackages': 'dpkg-dev',
}

/** Fail with one clear message unless this is Linux, we are root, and every program is installed. */
export function requireHost(programs: readonly string[]): void {
  if (process.platform !== 'linux') throw new LabError(`needs Linux (this is ${process.platform})`)
  if (process.getuid?.() !== 0) throw new LabError('needs root: run it as root (sudo tsplay lab …)')
  const missing = programs.filter((p) => !hasProgram(p))
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((p) => PROVIDERS[p] ?? p))].join(' ')
    throw new LabError(`needs ${missing.join(', ')}: install with \`apt-get install -y ${packages}\``)
  }
}

/** Whether a process with this PID exists (signal 0 probes without sending anything). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Whether a process with this PID exists and its command line contains `marker` (guards against PID reuse). */
export function processAlive(pid: number | undefined, marker: string): boolean {
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return false
  return pidExists(pid) && readCmdline(pid).includes(marker)
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

/** Send a signal to a recorded PID, ignoring a process that is already gone. */
export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone: that is what we wanted
  }
}

/** Wait until the predicate holds or the time runs out; returns whether it held. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  stepMs = 100,
): Promise<boolean> {
  const end = Date.now() + timeoutMs
  for (;;) {
    if (await predicate()) return true
    if (Date.now() >= end) return false
    await new Promise((resolve) => setTimeout(resolve, stepMs))
  }
}
