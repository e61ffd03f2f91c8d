// One run of a playbook on the test hosts, in this process: what `tsplay test` needs from it is not the log but
// which tasks changed or failed, on which host, and where each task is written.
import { formatLocation, type SourceLocation } from '../errors.js'
import { loadConfig } from '../config/index.js'
import { openConnection } from '../connection/index.js'
import { gatherFacts } from '../facts/index.js'
import { loadInventory } from '../inventory/index.js'
import { loadPlaybook } from '../load/index.js'
import { runPlaybook, type RunEvent, type TaskResult } from '../run/index.js'

/** A task's outcome on one host that a step reports: changed (idempotence, check) or failed (any step). */
export interface TaskOutcome {
  readonly host: string
  readonly task: string
  /** `file:line:col` of the task, or undefined for the implicit fact gathering. */
  readonly where: string | undefined
  /** The failure message, or the planned changes. */
  readonly detail: string
}

/** What one run did. */
export interface RunOutcome {
  readonly exitCode: number
  readonly changed: readonly TaskOutcome[]
  readonly failed: readonly TaskOutcome[]
  readonly tasks: number
  /** Hosts that reported a result. */
  readonly hosts: number
}

/** How to run a playbook on the test hosts. */
export interface RunRequest {
  readonly playbook: string
  readonly inventory: string
  readonly check: boolean
  readonly extraVars: Readonly<Record<string, unknown>>
  /** Role folders searched before ansible.cfg's roles_path (the parent of a role under test). */
  readonly rolesPath?: readonly string[]
  /** Each task's banner as it starts, for live progress. */
  readonly onTask?: (name: string) => void
}

/** The failure message of a result: msg, else stderr, else the whole result's keys that say something. */
function failureText(result: TaskResult): string {
  const d = result.data
  const pick = (key: string): string | undefined => (typeof d[key] === 'string' && d[key] !== '' ? (d[key] as string) : undefined)
  const items = result.items?.filter((i) => i.status === 'failed').map(failureText) ?? []
  return pick('msg') ?? pick('stderr') ?? (items.length > 0 ? items.join('; ') : JSON.stringify(d))
}

function changeText(result: TaskResult): string {
  if (result.changes.length > 0) return result.changes.join('; ')
  const cmd = result.data['cmd']
  return cmd !== undefined ? `ran ${Array.isArray(cmd) ? cmd.join(' ') : String(cmd)}` : 'changed'
}

/** Run `playbook` on the hosts of `inventory` and collect the changed and failed tasks with their locations. */
export async function runOnce(request: RunRequest): Promise<RunOutcome> {
  const config = loadConfig()
  const playbook = loadPlaybook(request.playbook, { roles: [...(request.rolesPath ?? []), ...config.get('DEFAULT_ROLES_PATH')], library: config.get('DEFAULT_MODULE_PATH') })
  const inventory = loadInventory([request.inventory])
  const changed: TaskOutcome[] = []
  const failed: TaskOutcome[] = []
  let current: { name: string; location?: SourceLocation } = { name: '' }
  let tasks = 0
  const hosts = new Set<string>()
  const where = (): string | undefined => (current.location === undefined ? undefined : formatLocation(current.location))
  const sink = (event: RunEvent): void => {
    if (event.type === 'task') {
      current = event.location === undefined ? { name: event.name } : { name: event.name, location: event.location }
      tasks++
      request.onTask?.(event.name)
    }
    if (event.type !== 'result') return
    const { result } = event
    hosts.add(result.host)
    const outcome = (detail: string): TaskOutcome => ({ host: result.host, task: current.name, where: where(), detail })
    if (result.status === 'changed') changed.push(outcome(changeText(result)))
    if ((result.status === 'failed' && result.ignored !== true) || result.status === 'unreachable') failed.push(outcome(failureText(result)))
  }
  const summary = await runPlaybook(playbook, {
    inventory,
    extraVars: { ...request.extraVars },
    check: request.check,
    diff: false,
    tags: [],
    skipTags: [],
    forks: 10,
    forceHandlers: false,
    verbosity: 0,
    gathering: 'implicit',
    connect: (host, vars) => openConnection(host, vars, { acceptNewHostKeys: false, timeoutSeconds: 10 }),
    gatherFacts,
  }, sink)
  return { exitCode: summary.exitCode, changed, failed, tasks, hosts: hosts.size }
}
