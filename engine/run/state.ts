import type { Connection } from '../connection/index.js'
import type { EventSink } from './events.js'
import type { Inventory, VarsDirs } from '../inventory/index.js'
import type { LoadContext, Play, Playbook, RoleInstance, Task } from '../load/index.js'
import type { HostStats } from './result.js'
import type { Vars } from '../template/index.js'
import type { Layers } from '../vars/index.js'

/** What the CLI decided; the runner reads nothing else. */
export interface RunOptions {
  readonly inventory: Inventory & { readonly varsDirs: readonly VarsDirs[] }
  readonly extraVars: Vars
  readonly check: boolean
  readonly diff: boolean
  readonly limit?: string
  readonly tags: readonly string[]
  readonly skipTags: readonly string[]
  readonly forks: number
  readonly startAtTask?: string
  readonly forceHandlers: boolean
  readonly verbosity: number
  /** `-b` and friends: the become defaults under play keywords. */
  readonly become?: boolean
  readonly becomeUser?: string
  readonly becomeMethod?: string
  readonly becomePassword?: string
  /** ansible.cfg `gathering` for plays without `gather_facts`: implicit (every play), explicit (never), smart (once per host). */
  readonly gathering?: 'implicit' | 'explicit' | 'smart'
  /** ansible.cfg `gather_subset`, for plays without their own. */
  readonly gatherSubset?: readonly string[]
  /** ansible.cfg `any_errors_fatal`, under the play's and tasks' keyword. */
  readonly anyErrorsFatal?: boolean
  /** Seconds a task may run before it fails and its commands are killed (ansible.cfg `task_timeout`); 0 or unset: none. */
  readonly taskTimeout?: number
  /** Aborted on the first interrupt: no task, handler or loop item starts after it; commands in flight finish. */
  readonly stop?: AbortSignal
  /** Open a host's connection from its variables; throws ConnectionError when unreachable. */
  connect(host: string, vars: Vars): Promise<Connection>
  /** Gather facts on a connection (`ansible_facts` without the prefix); `interpreter` is `ansible_python_interpreter`. */
  gatherFacts(conn: Connection, subset?: readonly string[], interpreter?: string): Promise<Record<string, unknown>>
}

/** One host across the whole run. */
export interface HostState {
  /** Facts: `ansible_facts` and the injected `ansible_*` variables. */
  facts: Vars
  /** set_fact and registered results (precedence level 19). */
  setFacts: Vars
  includeVars: Vars
  /** Failed in this run: excluded from later tasks and plays. */
  failed: boolean
  unreachable: boolean
  /** `meta: end_host` or the end of its play: no more tasks in this play. */
  ended: boolean
  conn?: Promise<Connection>
  /** The connection variables `conn` was opened with (exec.ts's connectionKey). */
  connKey?: string
}

/** The whole run: hosts, counters, options. */
export interface RunState {
  readonly options: RunOptions
  readonly emit: EventSink
  readonly playbook: Playbook
  readonly hosts: Map<string, HostState>
  readonly stats: Map<string, HostStats>
  /** --start-at-task: true until the named task is reached. */
  waitingForStart: boolean
  /** Hosts not in the inventory that the run used (implicit localhost). */
  readonly implicit: Map<string, Vars>
  /** group_vars/ and host_vars/ beside the playbook. */
  readonly playbookVarsDirs: VarsDirs
  /** Host patterns already reported as matching nothing. */
  readonly warnedPatterns: Set<string>
  /** any_errors_fatal or max_fail_percentage ended the playbook. */
  aborted: boolean
  /** The `groups` variable, rebuilt after add_host and group_by. */
  groupsCache: Record<string, string[]> | undefined
  /** Inventory and group_vars/host_vars layers per host, dropped after add_host and group_by. */
  readonly inventoryLayers: Map<string, Layers>
}

/** One play on one batch of hosts. */
export interface PlayState {
  readonly run: RunState
  readonly play: Play
  /** Hosts of this batch, in order. */
  readonly batch: readonly string[]
  /** Every host the play targets (`ansible_play_hosts_all`). */
  readonly playHosts: readonly string[]
  readonly loadContext: LoadContext
  /** Roles an `include_role` with `public: true` brought in: their vars and defaults are the play's from then on, every batch. */
  readonly publicRoles: RoleInstance[]
  /** Handlers known to the play, in definition order (include_role adds to it). */
  readonly handlers: Task[]
  /** Handler → hosts that notified it since the last flush. */
  readonly notified: Map<Task, Set<string>>
  /** vars_files, read once per play. */
  varsFiles: Vars
  /** Hosts that entered a block with a rescue section, by depth: their failures count as rescued. */
  readonly rescuable: Map<string, number>
  /** Hosts inside a block with a rescue or always section, by depth: their failure does not end the play yet. */
  readonly guarded: Map<string, number>
  /** Hosts that failed in this batch (for max_fail_percentage). */
  readonly failedInBatch: Set<string>
  /** end_play, any_errors_fatal or max_fail_percentage stopped the batch. */
  stopped: boolean
  /** `meta: end_play`: the later batches of the play do not run either. */
  playEnded: boolean
  /** Hosts whose connection this play has held against its connection variables (keywords may differ per play). */
  readonly connectionsChecked: Set<string>
}

/** A host's state before anything ran on it. */
export const newHostState = (): HostState => ({ facts: {}, setFacts: {}, includeVars: {}, failed: false, unreachable: false, ended: false })
