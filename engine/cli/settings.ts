// The run's defaults from ansible.cfg and ANSIBLE_*, loaded once per run from the process's cwd as ansible-playbook
// does; command-line options override each of them, as in ansible.
import { existsSync } from 'node:fs'
import type { AnsibleConfig } from '../config/index.js'
import type { ConfiguredPaths } from '../load/index.js'
import type { Vars } from '../template/index.js'

/** How facts are gathered when a play does not say (`gathering`): every play, never, or once per host. */
export type Gathering = 'implicit' | 'explicit' | 'smart'

/** The settings of ansible.cfg a run uses, typed; the CLI lays its own options over them. */
export interface RunSettings {
  /** Inventory sources when `-i` is absent: DEFAULT_HOST_LIST entries that exist (ansible warns about the others). */
  readonly inventory: readonly string[]
  readonly paths: ConfiguredPaths
  /** DEFAULT_FORKS when set anywhere; undefined leaves tsplay's own default. */
  readonly forks: number | undefined
  readonly timeout: number
  readonly become: boolean
  readonly becomeUser: string
  readonly becomeMethod: string
  readonly askBecomePass: boolean
  readonly askPass: boolean
  readonly gathering: Gathering
  readonly gatherSubset: readonly string[] | undefined
  readonly anyErrorsFatal: boolean
  readonly vaultPasswordFile: string | undefined
  readonly vaultIdentityList: readonly string[]
  /** Connection variables under the host's own (`remote_user` → ansible_user...), for SSH hosts. */
  readonly connectionDefaults: Vars
  /** HOST_KEY_CHECKING: false connects to hosts with unknown or changed keys, as `-o StrictHostKeyChecking=no`. */
  readonly hostKeyChecking: boolean
  /** RETRY_FILES_ENABLED: write PLAYBOOK.retry listing the failed and unreachable hosts (off in ansible 2.14). */
  readonly retryFilesEnabled: boolean
  /** RETRY_FILES_SAVE_PATH: the retry file's directory; null: beside the playbook. */
  readonly retryFilesSavePath: string | null
}

/** The typed run settings of a loaded configuration. */
export function runSettings(config: AnsibleConfig): RunSettings {
  const set = (name: Parameters<AnsibleConfig['origin']>[0]): boolean => config.origin(name) !== 'default'
  const user = config.get('DEFAULT_REMOTE_USER')
  const port = config.get('DEFAULT_REMOTE_PORT')
  const key = config.get('DEFAULT_PRIVATE_KEY_FILE')
  const connectionDefaults: Record<string, unknown> = {
    ansible_ssh_args: config.get('connection.ssh.ssh_args'),
    ansible_ssh_common_args: config.get('connection.ssh.ssh_common_args'),
    ansible_ssh_extra_args: config.get('connection.ssh.ssh_extra_args'),
    ...(user !== null ? { ansible_user: user } : {}),
    ...(port !== null ? { ansible_port: port } : {}),
    ...(key !== null ? { ansible_ssh_private_key_file: key } : {}),
  }
  return {
    inventory: config.get('DEFAULT_HOST_LIST').filter((source) => existsSync(source)),
    paths: {
      roles: config.get('DEFAULT_ROLES_PATH'),
      library: config.get('DEFAULT_MODULE_PATH'),
      collections: config.get('COLLECTIONS_PATHS'),
      scanSysPath: config.get('COLLECTIONS_SCAN_SYS_PATH'),
    },
    forks: set('DEFAULT_FORKS') ? config.get('DEFAULT_FORKS') : undefined,
    timeout: config.get('DEFAULT_TIMEOUT'),
    become: config.get('DEFAULT_BECOME'),
    becomeUser: config.get('DEFAULT_BECOME_USER'),
    becomeMethod: config.get('DEFAULT_BECOME_METHOD'),
    askBecomePass: config.get('DEFAULT_BECOME_ASK_PASS'),
    askPass: config.get('DEFAULT_ASK_PASS'),
    gathering: config.get('DEFAULT_GATHERING') as Gathering,
    gatherSubset: config.get('DEFAULT_GATHER_SUBSET') ?? undefined,
    anyErrorsFatal: config.get('ANY_ERRORS_FATAL'),
    vaultPasswordFile: config.get('DEFAULT_VAULT_PASSWORD_FILE') ?? undefined,
    vaultIdentityList: config.get('DEFAULT_VAULT_IDENTITY_LIST'),
    connectionDefaults,
    hostKeyChecking: config.get('connection.ssh.host_key_checking'),
    retryFilesEnabled: config.get('RETRY_FILES_ENABLED'),
    retryFilesSavePath: config.get('RETRY_FILES_SAVE_PATH'),
  }
}

/**
 * The host's connection variables with the configured ones under them: a host's own value wins, as ansible's
 * inventory and play variables win over ansible.cfg. A view, not a copy: the host's variables are lazy.
 */
export function withConnectionDefaults(vars: Vars, settings: RunSettings): Vars {
  const defaults = settings.connectionDefaults
  const hostKeyChecking = vars['ansible_host_key_checking'] ?? vars['ansible_ssh_host_key_checking'] ?? settings.hostKeyChecking
  const accept = !truthy(hostKeyChecking)
  return new Proxy(vars, {
    get(target, key) {
      const own = Reflect.get(target, key) as unknown
      if (typeof key !== 'string') return own
      // host_key_checking = False: ansible adds `-o StrictHostKeyChecking=no` after ssh_args
      if (key === 'ansible_ssh_common_args' && accept) return [own ?? defaults[key], '-o StrictHostKeyChecking=no'].filter((a) => a !== undefined && a !== null && a !== '').join(' ')
      return own === undefined || own === null ? defaults[key] : own
    },
    has: (target, key) => Reflect.has(target, key) || (typeof key === 'string' && key in defaults),
  })
}

function truthy(value: unknown): boolean {
  if (typeof value === 'string') return /^(y|yes|on|1|true|t)$/i.test(value.trim())
  return value === true || value === 1
}
