import { dirname, join } from 'node:path'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The Debian release every lab host runs. */
export const SUITE = 'bookworm'

/** Bridge on the control host; lab hosts live on 10.231.0.0/24 and never see any other network. */
export const BRIDGE = 'tlab0'
/** The control host's address on the bridge: gateway, apt proxy and repository server for the hosts. */
export const BRIDGE_ADDRESS = '10.231.0.1'
/** Prefix length of the lab network. */
export const PREFIX_LENGTH = 24

/** apt-cacher-ng listens here, on the bridge only. */
export const APT_PROXY_PORT = 3142

/** Default port of the local .deb repository server, on the bridge only. */
export const REPO_PORT = 8231

/** The most hosts a /24 leaves room for above .10. */
export const MAX_HOSTS = 200

/** Everything the lab keeps on disk (TSPLAY_LAB_DIR moves it); `run/` is what `lab down` removes. */
export const STATE_DIR = process.env.TSPLAY_LAB_DIR ?? '/var/lib/tsplay-lab'

/** Paths of the lab's files on the control host, all derived from STATE_DIR. */
export const paths = {
  base: join(STATE_DIR, `base-${SUITE}`),
  sshDir: join(STATE_DIR, 'ssh'),
  key: join(STATE_DIR, 'ssh', 'id_ed25519'),
  knownHosts: join(STATE_DIR, 'ssh', 'known_hosts'),
  aptCache: join(STATE_DIR, 'apt-cache'),
  lock: join(STATE_DIR, 'lock'),
  run: join(STATE_DIR, 'run'),
  state: join(STATE_DIR, 'run', 'lab.json'),
  acng: join(STATE_DIR, 'run', 'apt-cacher-ng'),
  repoIndex: join(STATE_DIR, 'run', 'repo'),
  hosts: join(STATE_DIR, 'run', 'hosts'),
} as const

/** Name of lab host number i (1-based). */
export const hostName = (i: number): string => `lab${i}`

/** Address of lab host number i (1-based): lab1 is 10.231.0.11. */
export const hostAddress = (i: number): string => `10.231.0.${10 + i}`

/** Host number of a lab host name, or undefined when the name is not a lab host's. */
export function hostIndex(name: string): number | undefined {
  const match = /^lab([1-9][0-9]*)$/.exec(name)
  const i = match ? Number(match[1]) : NaN
  return i >= 1 && i <= MAX_HOSTS ? i : undefined
}

/** The tsplay checkout this code runs from (the directory with tsplay's package.json). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'tsplay') {
      return dir
    }
    const parent = dirname(dir)
    if (parent === dir) throw new Error('tsplay package.json not found above the lab code')
    dir = parent
  }
}

/** Where `lab up` writes the ansible-compatible inventory by default. */
export const defaultInventoryPath = (): string => join(projectRoot(), 'inventories', 'lab.ini')
