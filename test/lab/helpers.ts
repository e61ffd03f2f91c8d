// Helpers for tests that run against lab hosts (the `lab` vitest project; its global setup starts the lab).
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { defaultInventoryPath, existingHosts, hostAddress, hostIndex, hostStatus, ownerOf, paths, pidExists, runLab, sshOptions, STATE_DIR } from '../../engine/lab/index.js'

/** A lab host as tests see it. */
export interface LabHost {
  readonly name: string
  readonly address: string
}

/** Result of one command run on a lab host over OpenSSH. */
export interface SshResult {
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** The lab's inventory file (ansible-compatible), as `tsplay lab up` wrote it. */
export const labInventory = (): string => defaultInventoryPath()

/** The lab's private key and known_hosts, for tests that connect by themselves. */
export const labKeyFile = (): string => paths.key
export const labKnownHosts = (): string => paths.knownHosts

/** Running lab hosts in host-number order. */
export function labHosts(): LabHost[] {
  // hosts `tsplay test` made for itself come and go while it runs: never the lab tests'
  return existingHosts()
    .filter((name) => ownerOf(name) === undefined)
    .map(hostStatus)
    .filter((h) => h.state === 'running')
    .map((h) => ({ name: h.name, address: h.address }))
}

/** The running lab host named by environment variable `envVar` (else `fallback`); throws when it is not running. */
export function labHostNamed(envVar: string, fallback: string): LabHost {
  const wanted = process.env[envVar] ?? fallback
  const found = labHosts().find((h) => h.name === wanted)
  if (!found) throw new Error(`lab host ${wanted} is not running`)
  return found
}

const addressOf = (host: string): string => {
  const i = hostIndex(host)
  return i === undefined ? host : hostAddress(i)
}

/** Run `command` (remote shell text) as root on a lab host (name or address) with the lab key and strict host keys. */
export function sshRun(host: string, command: string, options: { timeoutMs?: number; stdin?: string } = {}): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', [...sshOptions(), '-o', 'ConnectTimeout=5', `root@${addressOf(host)}`, command], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.once('error', reject)
    child.once('close', (code) => resolve({ exitCode: code ?? 255, stdout, stderr }))
    child.stdin.end(options.stdin ?? '')
  })
}

/** Like sshRun, but throws unless the command exits 0; returns its stdout. */
export async function sshCheck(host: string, command: string): Promise<string> {
  const result = await sshRun(host, command)
  if (result.exitCode !== 0) {
    throw new Error(`${host}: \`${command}\` exited ${result.exitCode}\n${result.stderr}${result.stdout}`)
  }
  return result.stdout
}

async function lab(...argv: string[]): Promise<void> {
  const lines: string[] = []
  const code = await runLab(argv, (line) => lines.push(line))
  if (code !== 0) throw new Error(`tsplay lab ${argv.join(' ')} exited ${code}\n${lines.join('\n')}`)
}

/** Make sure at least `count` lab hosts run (grows the lab; never shrinks it). */
export const ensureLab = (count: number): Promise<void> => lab('up', String(count))

/** Serve a folder of .deb files to the lab hosts as `deb [trusted=yes] http://10.231.0.1:8231/ ./`. */
export const serveLabRepo = (dir: string): Promise<void> => lab('up', String(Math.max(1, existingHosts().length)), '--repo', dir)

/** Stop serving the local repository (and remove its apt source from the hosts). */
export const stopLabRepo = (): Promise<void> => lab('up', String(Math.max(1, existingHosts().length)), '--no-repo')

/** Power a lab host off, e.g. for unreachable-host tests. */
export const stopHost = (name: string): Promise<void> => lab('stop', name)

/** Boot a stopped lab host again and wait until it answers ssh. */
export const startHost = (name: string): Promise<void> => lab('start', name)

/**
 * Test runs that use the lab, by PID: several runs (several engineers) may share one lab on a machine, and
 * the last one out takes down a lab that a test run started. The registry outlives `lab down` on purpose.
 */
const USERS = join(STATE_DIR, 'test-users')
const STARTED_BY_TESTS = join(USERS, 'started-by-tests')

/** Record that the test run with this PID uses the lab (and whether it started it). */
export function registerLabUser(pid: number, startedLab: boolean): void {
  mkdirSync(USERS, { recursive: true })
  writeFileSync(join(USERS, String(pid)), '')
  if (startedLab) writeFileSync(STARTED_BY_TESTS, '')
}

/** Live test runs other than `pid` that use the lab. */
export function otherLabUsers(pid: number): number[] {
  if (!existsSync(USERS)) return []
  return readdirSync(USERS)
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((other) => other !== pid && pidExists(other))
}

/** Forget this run; returns whether it should take the lab down (a test run started it and nobody else uses it). */
export function unregisterLabUser(pid: number): boolean {
  rmSync(join(USERS, String(pid)), { force: true })
  const last = otherLabUsers(pid).length === 0
  const down = last && existsSync(STARTED_BY_TESTS)
  if (last) rmSync(USERS, { recursive: true, force: true })
  return down
}
