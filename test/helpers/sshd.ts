import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A real OpenSSH server on 127.0.0.1 for the current user, with its own host key and a client key. */
export interface SshdFixture {
  readonly port: number
  readonly dir: string
  /** Private key authorized for the current user. */
  readonly clientKey: string
  /** The host's public key line (`ssh-ed25519 AAAA…`). */
  readonly hostPublicKey: string
  /** A known_hosts file that already trusts this server. */
  readonly knownHosts: string
  /** How many logins the server has accepted so far (from its log). */
  logins(): number
  /** PID of the listening sshd; its descendants serve the connections. */
  readonly pid: number
  stop(): Promise<void>
}

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })

const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

/** Start `sshd -D` with a throwaway configuration; `extraConfig` lines are appended to sshd_config. */
export async function startSshd(extraConfig: readonly string[] = []): Promise<SshdFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-sshd-'))
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 })
  const hostKey = join(dir, 'host_ed25519')
  const clientKey = join(dir, 'client_ed25519')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey])
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKey}.pub`))
  const port = await freePort()
  const hostPublicKey = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ')
  const knownHosts = join(dir, 'known_hosts')
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostPublicKey}\n`)
  const config = join(dir, 'sshd_config')
  writeFileSync(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PermitRootLogin yes',
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'MaxSessions 10',
    ...extraConfig,
    '',
  ].join('\n'))
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()))
  for (let i = 0; i < 100 && !(await canConnect(port)); i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: ${log}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    port,
    dir,
    clientKey,
    hostPublicKey,
    knownHosts,
    pid: child.pid!,
    logins: () => log.split('\n').filter((line) => /Accepted (publickey|password|keyboard-interactive)/.test(line)).length,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        await exited
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Host variables that reach `sshd` as root with its client key, trusting the host keys in `knownHosts`. */
export const rootVars = (sshd: SshdFixture, knownHosts = sshd.knownHosts): Record<string, unknown> => ({
  ansible_host: '127.0.0.1',
  ansible_port: sshd.port,
  ansible_user: 'root',
  ansible_ssh_private_key_file: sshd.clientKey,
  ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHosts}`,
})
