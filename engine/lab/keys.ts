import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { paths } from './layout.js'
import { run } from './system.js'

/** Create the lab's ed25519 client key pair once; it is kept across `lab down`. */
export function ensureLabKey(): void {
  if (existsSync(paths.key) && existsSync(`${paths.key}.pub`)) return
  mkdirSync(paths.sshDir, { recursive: true, mode: 0o700 })
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-lab', '-f', paths.key])
}

/** The lab's public key, as a line for authorized_keys. */
export const labPublicKey = (): string => readFileSync(`${paths.key}.pub`, 'utf8').trim()

/** Give a host its own ed25519 host key at `keyFile` unless it has one; returns the public key line. */
export function ensureHostKey(keyFile: string, host: string): string {
  if (!existsSync(keyFile)) {
    mkdirSync(dirname(keyFile), { recursive: true })
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${host}`, '-f', keyFile])
  }
  const [type, key] = readFileSync(`${keyFile}.pub`, 'utf8').trim().split(/\s+/)
  return `${type!} ${key!}`
}

/** Write known_hosts entries for these hosts under name and address (strict checking works at once), keeping other hosts' lines. */
export function mergeKnownHosts(entries: readonly { name: string; address: string; publicKey: string }[]): void {
  const names = new Set(entries.map((e) => e.name))
  const kept = existsSync(paths.knownHosts) ? readFileSync(paths.knownHosts, 'utf8').split('\n').filter((l) => l !== '' && !names.has(l.split(',')[0]!)) : []
  const lines = [...kept, ...entries.map((e) => `${e.name},${e.address} ${e.publicKey}`)]
  writeFileSync(paths.knownHosts, `${lines.join('\n')}\n`, { mode: 0o600 })
}
