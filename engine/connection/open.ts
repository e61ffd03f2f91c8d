import { readFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import type { Client } from 'ssh2'
import { ConnectionError, UsageError } from '../errors.js'
import type { Vars } from '../template/index.js'
import { KeptTransport } from './kept-transport.js'
import { type HostKeyPolicy, knownKeyTypes, verifyHostKey } from './known-hosts.js'
import { connectLocal } from './local.js'
import { ReconnectingTransport } from './reconnecting.js'
import { ShellConnection } from './shell-connection.js'
import { parseJump, resolveTarget, splitArgs, type SshTarget } from './ssh-config.js'
import { connectEndpoint, HOST_KEY_ALGORITHMS, parsePrivateKey, type SshCredential, type SshEndpoint } from './ssh-login.js'
import { SshTransport } from './ssh.js'
import type { ConnectOptions, Connection } from './types.js'

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa']

/**
 * ansible-core's default `ssh_args`: connections persist for 60 s after a run (through tsplay's keeper). Set
 * `ansible_ssh_args` (or ssh_args in ansible.cfg, ANSIBLE_SSH_ARGS) to something without ControlPersist to connect afresh every run.
 */
export const DEFAULT_SSH_ARGS = '-C -o ControlMaster=auto -o ControlPersist=60s'

/**
 * The host's `ansible_ssh_args` (the CLI puts ssh_args of ansible.cfg / ANSIBLE_SSH_ARGS under the host's own), else
 * the default; an empty value means none, as in ansible.
 */
function sshArgs(vars: Vars): string {
  const own = vars.ansible_ssh_args
  return own === undefined || own === null ? DEFAULT_SSH_ARGS : String(own)
}

const SSH_CONFIG_FILES = () => [`${homedir()}/.ssh/config`, '/etc/ssh/ssh_config']

/**
 * Open the connection for an inventory host from its (templated) variables: `ansible_connection`
 * (`ssh` default, `local`), `ansible_host`, `ansible_port`, `ansible_user`, `ansible_ssh_private_key_file`,
 * `ansible_password`, `ansible_ssh_args`, `ansible_ssh_common_args`… Throws ConnectionError when unreachable. With
 * OpenSSH's `ControlMaster auto` + `ControlPersist` (as ansible's default ssh_args have them, and so tsplay's),
 * commands go through the connection keeper, which keeps the connection open for the next run (key or agent auth
 * only; TSPLAY_NO_KEEPER turns it off).
 */
export async function openConnection(host: string, hostVars: Vars, options: ConnectOptions): Promise<Connection> {
  // resolved here, so that a keeper started by another run with another environment connects as this run would;
  // a view, not a copy: the variables are lazy, and copying would render every one (some need facts not yet gathered)
  const resolved = sshArgs(hostVars)
  const vars: Vars = new Proxy(hostVars, { get: (target, key) => (key === 'ansible_ssh_args' ? resolved : Reflect.get(target, key)) })
  const kind = str(vars.ansible_connection) ?? 'ssh'
  if (kind === 'local') return connectLocal(host)
  if (kind !== 'ssh' && kind !== 'smart' && kind !== 'paramiko') throw new UsageError(`${host}: unsupported ansible_connection '${kind}' (tsplay knows ssh and local)`)
  const plan = await planSsh(host, vars, options)
  if (plan.target.controlPersist !== undefined && plan.password === undefined && process.env['TSPLAY_NO_KEEPER'] === undefined) {
    return new ShellConnection(new KeptTransport(host, vars, options, plan.target.controlPersist, () => reconnecting(host, plan, options)))
  }
  return new ShellConnection(await reconnecting(host, plan, options))
}

/** An SSH transport of tsplay's own for the host, never through the keeper (the keeper itself opens these). */
export async function openSshTransport(host: string, vars: Vars, options: ConnectOptions): Promise<SshTransport> {
  return connectPlan(host, await planSsh(host, vars, options), options)
}

/** A connection by `plan` that connects again by it (host keys checked afresh) when found dead before a command. */
const reconnecting = (host: string, plan: SshPlan, options: ConnectOptions): Promise<ReconnectingTransport> =>
  ReconnectingTransport.connect(host, () => connectPlan(host, plan, options), options.log)

/** Where and how to connect, before connecting. */
interface SshPlan {
  readonly target: SshTarget
  readonly hops: readonly SshTarget[]
  readonly password: string | undefined
  readonly acceptNew: boolean
}

async function planSsh(host: string, vars: Vars, options: ConnectOptions): Promise<SshPlan> {
  const configs = await Promise.all(SSH_CONFIG_FILES().map(readOptional))
  const configTexts = configs.filter((t): t is string => t !== undefined)
  // ssh_args first, as ansible puts them: for a `-o` option set twice, the first one counts (as in OpenSSH)
  const args = [sshArgs(vars), str(vars.ansible_ssh_common_args), str(vars.ansible_ssh_extra_args)].flatMap((a) => (a ? splitArgs(a) : []))
  const target = resolveTarget({
    host: str(vars.ansible_host) ?? str(vars.ansible_ssh_host) ?? host,
    port: num(vars.ansible_port ?? vars.ansible_ssh_port),
    user: str(vars.ansible_user) ?? str(vars.ansible_ssh_user),
    keyFile: str(vars.ansible_ssh_private_key_file) ?? str(vars.ansible_private_key_file),
    args,
  }, configTexts)
  // Connecting directly where the user routes through a bastion would be wrong, not merely slower.
  if (target.proxyCommand !== undefined && target.proxyJump.length === 0) {
    throw new ConnectionError(host, `cannot connect to ${target.hostName}: ProxyCommand is not supported by tsplay (use ProxyJump or -J instead): ${target.proxyCommand}`)
  }
  const hops = target.proxyJump.map((spec) => {
    const jump = parseJump(spec)
    return resolveTarget({ host: jump.host, port: jump.port, user: jump.user }, configTexts)
  })
  return {
    target,
    hops,
    password: str(vars.ansible_password) ?? str(vars.ansible_ssh_pass) ?? str(vars.ansible_ssh_password) ?? options.password,
    acceptNew: options.acceptNewHostKeys || /^(true|yes|on|1)$/i.test(String(vars.tsplay_accept_new_host_keys ?? '')),
  }
}

async function connectPlan(host: string, plan: SshPlan, options: ConnectOptions): Promise<SshTransport> {
  const clients: Client[] = []
  let accepted: Buffer | undefined
  let targetPolicy: HostKeyPolicy | undefined
  try {
    for (const [index, hop] of [...plan.hops, plan.target].entries()) {
      const last = index === plan.hops.length
      const endpoint = await endpointFor(host, hop, last ? plan.password : undefined, plan.acceptNew, options, (policy, blob) => {
        if (last) [targetPolicy, accepted] = [policy, blob]
      })
      const previous = clients.at(-1)
      const sock = previous ? await forward(host, previous, hop) : undefined
      clients.push(await connectEndpoint(endpoint, sock))
    }
  } catch (error) {
    for (const client of clients.reverse()) client.end()
    throw error
  }
  const client = clients.pop()!
  const transport = new SshTransport(host, client, clients)
  if (accepted !== undefined && targetPolicy !== undefined) {
    const [policy, blob] = [targetPolicy, accepted]
    // known_hosts as it is now, with nothing recorded or accepted anew: a key changed or revoked since is refused
    transport.hostKeyTrusted = async () => (await verifyHostKey({ ...policy, acceptNew: false, strictHostKeyChecking: policy.strictHostKeyChecking === 'no' ? 'no' : 'yes', log: undefined }, blob)) === undefined
  }
  return transport
}

async function endpointFor(label: string, target: SshTarget, password: string | undefined, acceptNew: boolean, options: ConnectOptions, onAccepted: (policy: HostKeyPolicy, blob: Buffer) => void): Promise<SshEndpoint> {
  const policy: HostKeyPolicy = { ...target, acceptNew, log: options.log }
  const knownTypes = new Set<string>()
  for (const file of target.knownHostsFiles) {
    for (const type of knownKeyTypes((await readOptional(file)) ?? '', target.hostName, target.port)) knownTypes.add(type)
  }
  // Offer first the algorithms whose keys known_hosts holds, as OpenSSH does, so a host with several keys verifies.
  const algorithmKey = (a: string): string => (a.startsWith('rsa-sha2-') ? 'ssh-rsa' : a)
  const hostKeyAlgorithms = [...HOST_KEY_ALGORITHMS].sort((a, b) => Number(knownTypes.has(algorithmKey(b))) - Number(knownTypes.has(algorithmKey(a))))
  const timeoutSeconds = target.connectTimeout ?? options.timeoutSeconds
  return {
    label,
    hostName: target.hostName,
    port: target.port,
    user: target.user,
    credentials: await credentials(target, password, options),
    readyTimeoutMs: timeoutSeconds * 1000,
    keepaliveIntervalMs: (target.serverAliveInterval ?? 15) * 1000,
    hostKeyAlgorithms,
    verifyHostKey: async (blob) => {
      const refusal = await verifyHostKey(policy, blob)
      if (refusal === undefined) onAccepted(policy, blob)
      return refusal
    },
  }
}

/** Explicit key files, then the agent, then the default key files, then the password (OpenSSH's order, roughly). */
async function credentials(target: SshTarget, password: string | undefined, options: ConnectOptions): Promise<SshCredential[]> {
  const result: SshCredential[] = []
  const addKey = async (path: string, explicit: boolean): Promise<void> => {
    let data: Buffer
    try {
      data = await readFile(path)
    } catch (error) {
      if (explicit) options.log?.(`cannot read private key ${path}: ${(error as Error).message}`)
      return
    }
    const key = parsePrivateKey(data)
    if (key instanceof Error) return void options.log?.(`skipping private key ${path}: ${key.message.toLowerCase()}`)
    result.push({ type: 'key', path, key })
  }
  for (const file of target.identityFiles) await addKey(file, true)
  const agentSetting = target.identityAgent === 'SSH_AUTH_SOCK' ? undefined : target.identityAgent
  const agent = agentSetting === 'none' ? undefined : (agentSetting ?? process.env.SSH_AUTH_SOCK)
  // With IdentitiesOnly the agent may still sign, but only for the configured keys; ssh2 cannot filter, so skip it.
  if (agent && !(target.identitiesOnly && target.identityFiles.length > 0)) result.push({ type: 'agent', socket: agent })
  if (target.identityFiles.length === 0) {
    for (const name of DEFAULT_KEYS) await addKey(`${homedir()}/.ssh/${name}`, false)
  }
  if (password !== undefined) result.push({ type: 'password', password })
  return result
}

function forward(label: string, via: Client, to: SshTarget): Promise<import('node:stream').Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, to.hostName, to.port, (error, stream) => {
      if (error) reject(new ConnectionError(label, `cannot connect to ${to.hostName}:${to.port} through the jump host: ${error.message.toLowerCase()}`, { cause: error }))
      else resolve(stream)
    })
  })
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8')
  } catch {
    return undefined
  }
}

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v))

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw new UsageError(`invalid ansible_port '${String(v)}'`)
  return n
}
