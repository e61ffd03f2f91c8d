import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import minimist from 'minimist'
import { TsplayError, UsageError } from '../errors.js'
import { aptProxyConf, ensureAptCacher, reachableThroughProxy, stopAptCacher } from './apt-cache.js'
import { baseIsReady, ensureBase } from './base.js'
import { deleteBridge, ensureBridge } from './bridge.js'
import { existingHosts, hostPaths, hostStatus, mountHost, personalize, removeHost, startHost, stopHost, writeHostFile } from './host.js'
import { writeInventory } from './inventory-file.js'
import { ensureHostKey, ensureLabKey, labPublicKey, mergeKnownHosts } from './keys.js'
import { APT_PROXY_PORT, BRIDGE_ADDRESS, defaultInventoryPath, hostAddress, hostIndex, hostName, MAX_HOSTS, paths, REPO_PORT, SUITE } from './layout.js'
import { labSources, mainMirror, reachableSources, readAptSources, sourcesList } from './mirror.js'
import { repoSourceLine, repoUrl, serveRepo, stopRepoServer } from './repo.js'
import { sshOptions, waitForSsh, type SshTarget } from './ssh.js'
import { readState } from './state.js'
import { raiseKernelLimits, restoreKernelLimits } from './limits.js'
import { withLabLock } from './lock.js'
import { LabError, requireHost } from './system.js'

const USAGE = `usage: tsplay lab up N [--repo DIR | --no-repo] [--repo-port PORT] [--inventory FILE]
       tsplay lab status | down [--inventory FILE] | ssh NAME [COMMAND…] | stop NAME | start NAME
       tsplay lab remove NAME…   (delete hosts; the next 'lab up' creates them afresh)`

const LAB_TOOLS = ['systemd-nspawn', 'debootstrap', 'apt-cacher-ng', 'ip', 'mount', 'ssh', 'ssh-keygen']
const REPO_LIST = 'etc/apt/sources.list.d/tsplay-lab.list'
const SSH_TIMEOUT_MS = 180_000

/** `tsplay lab …`: start, inspect and remove throwaway lab hosts; returns the exit code. */
export async function runLab(argv: readonly string[], say: (line: string) => void = console.log): Promise<number> {
  try {
    return await dispatch(argv, say)
  } catch (error) {
    if (!(error instanceof TsplayError)) throw error
    console.error(`tsplay lab: ${error.message}`)
    return error instanceof UsageError ? 5 : 1
  }
}

async function dispatch(argv: readonly string[], say: (line: string) => void): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'ssh') return ssh(rest)
  const args = minimist([...rest], { string: ['repo', 'repo-port', 'inventory'] })
  const inventory = args.inventory ?? defaultInventoryPath()
  switch (command) {
    case 'up': {
      const count = Number(args._[0])
      if (!Number.isInteger(count) || count < 1 || count > MAX_HOSTS) throw new UsageError(`up: N must be a number of hosts, 1…${MAX_HOSTS}\n${USAGE}`)
      const port = args['repo-port'] === undefined ? REPO_PORT : Number(args['repo-port'])
      const repo: string | false | undefined = args.repo
      await up(count, { inventory, port, ...(repo === undefined ? {} : { repo }) }, say)
      return 0
    }
    case 'down':
      await down(inventory, say)
      return 0
    case 'status':
      say(statusTable())
      return 0
    case 'remove': {
      const names = args._.map((arg) => existing(String(arg)))
      if (names.length === 0) throw new UsageError(`remove: name the hosts to remove\n${USAGE}`)
      requireHost(LAB_TOOLS)
      // the next `lab up` creates them afresh; the other hosts and the lab's shared parts stay as they are
      await withLabLock(async () => {
        for (const name of names) await removeHost(name)
      })
      say(statusTable())
      return 0
    }
    case 'stop':
    case 'start': {
      const name = existing(String(args._[0] ?? ''))
      requireHost(LAB_TOOLS)
      await withLabLock(async () => {
        if (command === 'stop') return stopHost(name)
        mountHost(name)
        startHost(name)
        if ((await waitForSsh([sshTarget(name)], SSH_TIMEOUT_MS)).length > 0) throw notReady([name])
      })
      say(statusTable())
      return 0
    }
    default:
      throw new UsageError(command === undefined ? USAGE : `unknown command '${command}'\n${USAGE}`)
  }
}

function existing(name: string): string {
  if (hostIndex(name) === undefined || !existingHosts().includes(name)) {
    throw new UsageError(`no lab host '${name}' (hosts: ${existingHosts().join(', ') || 'none, run tsplay lab up N'})`)
  }
  return name
}

interface UpOptions {
  readonly inventory: string
  readonly port: number
  /** A .deb folder to serve, or false (`--no-repo`) to stop serving one. */
  readonly repo?: string | false
}

async function up(count: number, options: UpOptions, say: (line: string) => void): Promise<void> {
  requireHost([...LAB_TOOLS, ...(typeof options.repo === 'string' ? ['dpkg-scanpackages'] : [])])
  const started = Date.now()
  await withLabLock(async () => {
    const hostSources = await prepareLab(say)
    if (typeof options.repo === 'string') await serveRepo(options.repo, options.port)
    if (options.repo === false) await stopRepoServer()
    const repo = readState().repo
    const wanted = Array.from({ length: count }, (_, i) => hostName(i + 1))
    // hosts a tool such as `tsplay test` owns are neither started nor listed here: its runs must not meet ours
    const hosts = [...new Set([...existingHosts(), ...wanted])].filter((name) => ownerOf(name) === undefined).sort((a, b) => hostIndex(a)! - hostIndex(b)!)
    const keys = hosts.map((name) => setUpHost(name, hostSources))
    mergeKnownHosts(keys)
    for (const name of hosts) startHost(name)
    const late = await waitForSsh(hosts.map(sshTarget), SSH_TIMEOUT_MS)
    writeInventory(options.inventory, hosts, repo ? repoUrl(repo.port) : undefined)
    if (late.length > 0) throw notReady(keys.filter((k) => late.includes(k.address)).map((k) => k.name))
  })
  say(statusTable())
  say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s; inventory: ${options.inventory}`)
}

/** The lab's shared parts (base, key, bridge, limits, apt proxy); returns the apt sources hosts get. */
async function prepareLab(say: (line: string) => void): Promise<ReturnType<typeof labSources>> {
  const sources = labSources(readAptSources(), SUITE)
  const mirror = mainMirror(sources, SUITE)
  if (!baseIsReady() && existingHosts().length > 0) {
    throw new LabError(`the lab base ${paths.base} is broken while hosts use it: run tsplay lab down, then up again`)
  }
  ensureBase(mirror, say)
  ensureLabKey()
  ensureBridge()
  raiseKernelLimits()
  await ensureAptCacher(mirror)
  return reachableSources(sources, SUITE, (url) => reachableThroughProxy(url))
}

/** Mount a host, personalise it when fresh, and return its known_hosts entry. */
function setUpHost(name: string, hostSources: ReturnType<typeof labSources>): { name: string; address: string; publicKey: string } {
  const repo = readState().repo
  const fresh = !existsSync(join(hostPaths(name).upper, 'etc/hostname'))
  mountHost(name)
  if (fresh) {
    personalize(name, labPublicKey())
    writeHostFile(name, 'etc/apt/sources.list', sourcesList(hostSources))
    writeHostFile(name, 'etc/apt/apt.conf.d/01proxy', aptProxyConf())
  }
  writeHostFile(name, REPO_LIST, repo ? repoSourceLine(repo.port) : null)
  const publicKey = ensureHostKey(join(hostPaths(name).root, 'etc/ssh/ssh_host_ed25519_key'), name)
  return { name, address: hostAddress(hostIndex(name)!), publicKey }
}

/**
 * Boot `names` as fresh hosts (each one removed first if it exists), leaving every other host as it is. They
 * are marked as `owner`'s: `lab up` then leaves them alone and out of its inventory until they are removed.
 */
export async function freshHosts(names: readonly string[], owner: string, say: (line: string) => void = () => undefined): Promise<void> {
  requireHost(LAB_TOOLS)
  for (const name of names) if (hostIndex(name) === undefined) throw new UsageError(`'${name}' is not a lab host name (lab1…lab${MAX_HOSTS})`)
  await withLabLock(async () => {
    for (const name of names) if (existingHosts().includes(name)) await removeHost(name)
    const hostSources = await prepareLab(say)
    const keys = names.map((name) => setUpHost(name, hostSources))
    for (const name of names) writeFileSync(ownerFile(name), `${owner}\n`)
    mergeKnownHosts(keys)
    for (const name of names) startHost(name)
    const late = await waitForSsh(names.map(sshTarget), SSH_TIMEOUT_MS)
    if (late.length > 0) throw notReady(keys.filter((k) => late.includes(k.address)).map((k) => k.name))
  })
}

const ownerFile = (name: string): string => join(hostPaths(name).dir, 'owner')

/** Who owns a host that `lab up` must leave alone (`freshHosts`' owner), or undefined for the lab's own hosts. */
export function ownerOf(name: string): string | undefined {
  try {
    return readFileSync(ownerFile(name), 'utf8').trim() || undefined
  } catch {
    return undefined
  }
}

const sshTarget = (name: string): SshTarget => ({
  address: hostAddress(hostIndex(name)!),
  dead: () => hostStatus(name).state === 'stopped',
})

function notReady(names: readonly string[]): LabError {
  const tails = names.map((name) => {
    const log = hostPaths(name).console
    const lines = existsSync(log) ? readFileSync(log, 'utf8').trimEnd().split('\n').slice(-15) : ['(no console log)']
    return `--- ${name} console (${log}):\n${lines.join('\n')}`
  })
  return new LabError(`${names.join(', ')} did not boot or did not answer ssh within ${SSH_TIMEOUT_MS / 1000} s\n${tails.join('\n')}`)
}

async function down(inventory: string, say: (line: string) => void): Promise<void> {
  requireHost(['ip', 'mount'])
  await withLabLock(async () => {
    const hosts = existingHosts()
    await Promise.all(hosts.map((name) => removeHost(name)))
    await stopRepoServer()
    await stopAptCacher()
    deleteBridge()
    restoreKernelLimits()
    rmSync(paths.run, { recursive: true, force: true })
    rmSync(paths.knownHosts, { force: true })
    rmSync(inventory, { force: true })
    say(hosts.length > 0 ? `removed ${hosts.join(', ')}` : 'lab is down')
  })
}

/** The table `lab status` and `lab up` print. */
export function statusTable(): string {
  const hosts = existingHosts().map(hostStatus)
  if (hosts.length === 0) return 'no lab hosts (tsplay lab up N starts some)'
  const rows = [['HOST', 'ADDRESS', 'STATE', 'SUPERVISOR', 'NSPAWN', 'INIT']]
  const pid = (n: number | undefined): string => (n === undefined ? '-' : String(n))
  for (const h of hosts) rows.push([h.name, h.address, h.state, pid(h.supervisorPid), pid(h.nspawnPid), pid(h.leaderPid)])
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)))
  const lines = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd())
  const state = readState()
  lines.push(`apt proxy http://${BRIDGE_ADDRESS}:${APT_PROXY_PORT}${state.aptCacher ? ` (apt-cacher-ng pid ${state.aptCacher.pid})` : ''}`)
  if (state.repo) lines.push(`repo ${repoUrl(state.repo.port)} serving ${state.repo.dir} (pid ${state.repo.pid})`)
  return lines.join('\n')
}

function ssh(rest: readonly string[]): number {
  const [name = '', ...command] = rest
  existing(name)
  const result = spawnSync('ssh', [...sshOptions(), `root@${hostAddress(hostIndex(name)!)}`, ...command], { stdio: 'inherit' })
  if (result.error) throw new LabError(`ssh: ${result.error.message}`)
  return result.status ?? 255
}

