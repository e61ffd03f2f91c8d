import { homedir, userInfo } from 'node:os'
import SSHConfig from 'ssh-config'
import { UsageError } from '../errors.js'
import { ShlexError, shlexSplit } from '../python/index.js'

/** Where and how to reach one SSH host once inventory, ssh arguments and ssh_config are merged. */
export interface SshTarget {
  /** Name the host was asked for (ansible_host), used for host keys and messages. */
  readonly alias: string
  readonly hostName: string
  readonly port: number
  readonly user: string
  /** Identity files from the inventory, `-i` and ssh_config, in that order; empty means the default keys. */
  readonly identityFiles: readonly string[]
  /** Jump hosts in order (`ProxyJump` / `-J`), each `[user@]host[:port]`. */
  readonly proxyJump: readonly string[]
  /** `IdentitiesOnly yes`: only the identity files, not the agent's other keys. */
  readonly identitiesOnly: boolean
  /** `IdentityAgent`: the agent socket to use instead of SSH_AUTH_SOCK (`none` disables the agent). */
  readonly identityAgent: string | undefined
  /** `ProxyCommand`, which tsplay cannot run; reported rather than silently bypassed. */
  readonly proxyCommand: string | undefined
  readonly knownHostsFiles: readonly string[]
  /** `yes`, `no`, `accept-new` or `ask` (OpenSSH's default). */
  readonly strictHostKeyChecking: string
  readonly hashKnownHosts: boolean
  /** `ConnectTimeout` in seconds, when ssh_config or `-o` sets it. */
  readonly connectTimeout: number | undefined
  /** `ServerAliveInterval` in seconds, when set. */
  readonly serverAliveInterval: number | undefined
  /**
   * Seconds an idle connection is kept for later runs (`ControlMaster auto` with `ControlPersist`; 0: until the
   * keeper is stopped), or undefined when connections end with the run.
   */
  readonly controlPersist: number | undefined
}

/** What the inventory gives for a host before ssh_config fills the gaps. */
export interface TargetRequest {
  readonly host: string
  readonly port?: number | undefined
  readonly user?: string | undefined
  readonly keyFile?: string | undefined
  /** Words of `ansible_ssh_common_args` and `ansible_ssh_extra_args`. */
  readonly args?: readonly string[]
}

type Options = Map<string, string[]>

/**
 * Merge a host's settings as `ssh` would see them: inventory values first (Ansible passes them as `-o`),
 * then `-o`/`-J`/`-i`/`-p`/`-l` arguments, then the ssh_config texts in order (first value wins).
 */
export function resolveTarget(request: TargetRequest, configTexts: readonly string[]): SshTarget {
  const fromArgs = optionsFromArgs(request.args ?? [])
  const initial = fromArgs.get('hostname')?.[0] ?? request.host
  const options: Options = new Map()
  const add = (key: string, values: readonly string[] | undefined): void => {
    if (values === undefined || values.length === 0) return
    if (key === 'identityfile') return void options.set(key, [...(options.get(key) ?? []), ...values])
    if (!options.has(key)) options.set(key, [...values])
  }
  if (request.port !== undefined) add('port', [String(request.port)])
  if (request.user !== undefined) add('user', [request.user])
  if (request.keyFile !== undefined) add('identityfile', [request.keyFile])
  for (const [key, values] of fromArgs) add(key, values)
  for (const text of configTexts) {
    for (const [key, value] of Object.entries(SSHConfig.parse(text).compute(request.host))) {
      const k = key.toLowerCase()
      if (k === 'host' || k === 'match') continue
      add(k, Array.isArray(value) ? value : [value])
    }
  }
  const first = (key: string): string | undefined => options.get(key)?.[0]
  const hostName = expandTokens(first('hostname') ?? initial, request.host, '', 0)
  const port = toPort(first('port') ?? '22')
  const user = first('user') ?? userInfo().username
  const files = (key: string): string[] => (options.get(key) ?? []).flatMap((v) => v.split(/\s+/)).filter((v) => v !== '').map((v) => expandTokens(v, hostName, user, port))
  const jump = first('proxyjump')
  const knownHosts = files('userknownhostsfile')
  return {
    alias: request.host,
    hostName,
    port,
    user,
    identityFiles: files('identityfile'),
    proxyJump: jump === undefined || jump === 'none' ? [] : jump.split(',').map((j) => j.trim()).filter((j) => j !== ''),
    proxyCommand: first('proxycommand') === 'none' ? undefined : first('proxycommand'),
    identitiesOnly: /^yes$/i.test(first('identitiesonly') ?? 'no'),
    identityAgent: first('identityagent') === undefined ? undefined : expandTokens(first('identityagent')!, hostName, user, port),
    knownHostsFiles: knownHosts.length > 0 ? knownHosts : [`${homedir()}/.ssh/known_hosts`],
    strictHostKeyChecking: normalizeStrict(first('stricthostkeychecking') ?? 'ask'),
    hashKnownHosts: /^yes$/i.test(first('hashknownhosts') ?? 'no'),
    connectTimeout: optionalSeconds(first('connecttimeout')),
    serverAliveInterval: optionalSeconds(first('serveraliveinterval')),
    controlPersist: persistSeconds(first('controlmaster'), first('controlpersist')),
  }
}

/** OpenSSH's ControlPersist (`yes`/`0`: forever, `no`, or a time like `60`, `60s`, `10m`, `1h`) under ControlMaster. */
function persistSeconds(master: string | undefined, persist: string | undefined): number | undefined {
  if (!/^(yes|auto|autoask|ask)$/i.test(master ?? 'no') || persist === undefined || /^no$/i.test(persist)) return undefined
  if (/^yes$/i.test(persist)) return 0
  const match = /^(\d+)([smh]?)$/i.exec(persist.trim())
  if (!match) return undefined
  return Number(match[1]) * ({ '': 1, s: 1, m: 60, h: 3600 } as Record<string, number>)[match[2]!.toLowerCase()]!
}

/** A jump host spec `[user@]host[:port]` split into its parts. */
export function parseJump(spec: string): { host: string; user?: string; port?: number } {
  const at = spec.lastIndexOf('@')
  const user = at >= 0 ? spec.slice(0, at) : undefined
  const rest = at >= 0 ? spec.slice(at + 1) : spec
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(rest)
  const plain = /^([^:]+)(?::(\d+))?$/.exec(rest)
  const match = bracketed ?? plain
  if (!match) throw new UsageError(`invalid ProxyJump host '${spec}'`)
  return { host: match[1]!, ...(user ? { user } : {}), ...(match[2] ? { port: toPort(match[2]) } : {}) }
}

/** Split `ansible_ssh_common_args` into words as Ansible does (Python's shlex.split). */
export function splitArgs(text: string): string[] {
  try {
    return shlexSplit(text)
  } catch (error) {
    if (error instanceof ShlexError) throw new UsageError(`cannot split ssh arguments ${JSON.stringify(text)}: ${error.message.toLowerCase()}`)
    throw error
  }
}

/** The ssh_config options that `ssh` arguments set: `-o Key=value`, `-o Key value`, `-J`, `-i`, `-p`, `-l`. */
export function optionsFromArgs(words: readonly string[]): Options {
  const options: Options = new Map()
  const set = (key: string, value: string): void => {
    const k = key.toLowerCase()
    if (k === 'identityfile') options.set(k, [...(options.get(k) ?? []), value])
    else if (!options.has(k)) options.set(k, [value])
  }
  const flags: Record<string, string> = { '-J': 'ProxyJump', '-i': 'IdentityFile', '-p': 'Port', '-l': 'User' }
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    const flag = word.slice(0, 2)
    const attached = word.length > 2 ? word.slice(2) : undefined
    const value = (): string | undefined => attached ?? words[++i]
    if (flag === '-o') {
      const option = value()
      const match = option === undefined ? null : /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(option)
      if (match) set(match[1]!, match[2]!.trim())
    } else if (flag in flags) {
      const v = value()
      if (v !== undefined) set(flags[flag]!, v)
    }
  }
  return options
}

function expandTokens(value: string, host: string, user: string, port: number): string {
  return value
    .replace(/^~(?=\/|$)/, homedir())
    .replace(/%([%hprud])/g, (_, t: string) => ({ '%': '%', h: host, p: String(port), r: user, u: userInfo().username, d: homedir() })[t] ?? '')
}

function toPort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`invalid ssh port '${value}'`)
  return port
}

function optionalSeconds(value: string | undefined): number | undefined {
  const n = value === undefined ? NaN : Number(value)
  return Number.isFinite(n) && n > 0 ? n : undefined
}

function normalizeStrict(value: string): string {
  const v = value.toLowerCase()
  if (v === 'off' || v === 'false') return 'no'
  if (v === 'on' || v === 'true') return 'yes'
  return v
}
