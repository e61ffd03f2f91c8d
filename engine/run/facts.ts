import type { Task } from '../load/index.js'
import type { TaskResult } from './result.js'
import type { PlayState } from './state.js'
import { markUnsafe, storedUnsafe, type Vars } from '../template/index.js'

/**
 * Apply what a result asks of the engine, as Ansible's strategy does: `ansible_facts` (set_fact to its own
 * level, include_vars to its level, anything else as host facts), `add_host`, and `group_by`'s `add_group`.
 */
export function applyFacts(ps: PlayState, task: Task, host: string, result: TaskResult): void {
  const state = ps.run.hosts.get(host)
  if (state === undefined || result.status === 'failed' || result.status === 'unreachable' || result.status === 'skipped') return
  for (const data of result.items ? result.items.map((i) => i.data) : [result.data]) {
    const facts = data['ansible_facts']
    if (typeof facts === 'object' && facts !== null) {
      if (task.action === 'set_fact') {
        Object.assign(state.setFacts, facts)
        if (data['ansible_facts_cacheable'] === true) setModuleFacts(ps, state.facts, facts as Vars)
      } else if (task.action === 'include_vars') Object.assign(state.includeVars, facts)
      else if (task.action === 'setup' || task.action === 'gather_facts') setHostFacts(state.facts, facts as Vars)
      else setModuleFacts(ps, state.facts, facts as Vars)
    }
    const add = data['add_host'] as { host_name?: string; groups?: string[]; host_vars?: Vars } | undefined
    if (add?.host_name) {
      ps.run.options.inventory.addHost(add.host_name, add.groups ?? [], add.host_vars ?? {})
      ps.run.groupsCache = undefined
      ps.run.inventoryLayers.clear()
    }
    if (typeof data['add_group'] === 'string') {
      ps.run.options.inventory.addToGroup(host, data['add_group'], (data['parent_groups'] as string[] | undefined) ?? ['all'])
      ps.run.groupsCache = undefined
      ps.run.inventoryLayers.clear()
    }
  }
}

/** Store gathered facts as Ansible does: under `ansible_facts` and injected as top-level `ansible_*`. */
export function setHostFacts(target: Vars, facts: Vars): void {
  const all = { ...((target['ansible_facts'] as Vars | undefined) ?? {}), ...facts }
  // Facts are the host's word: unsafe, never templated again, as ansible-core wraps its fact cache.
  target['ansible_facts'] = markUnsafe(all)
  for (const [k, v] of Object.entries(facts)) target[k.startsWith('ansible_') ? k : `ansible_${k}`] = storedUnsafe(v)
}

/**
 * Store facts a module returned as ansible's fact cache holds them: each under its own name as a variable
 * (`getent_passwd`, `ansible_hostname`), and under `ansible_facts` without an `ansible_` prefix (namespace_facts);
 * the names that could override connection or internal variables stay out of the variables, with ansible's warning.
 */
export function setModuleFacts(ps: PlayState, target: Vars, facts: Vars): void {
  const deprefixed = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k.startsWith('ansible_') && k !== 'ansible_local' ? k.slice('ansible_'.length) : k, v]))
  target['ansible_facts'] = markUnsafe({ ...((target['ansible_facts'] as Vars | undefined) ?? {}), ...deprefixed })
  for (const [k, v] of Object.entries(facts)) {
    if (restricted(k)) ps.run.emit({ type: 'warning', message: `Removed restricted key from module data: ${k}` })
    else target[k] = storedUnsafe(v)
  }
}

// ansible's clean_facts: connection and interpreter variables, its own result keys, a connection plugin's settings
const RESTRICTED = new Set([
  'ansible_connection', 'ansible_host', 'ansible_user', 'ansible_shell_executable', 'ansible_port', 'ansible_pipelining', 'ansible_password',
  'ansible_timeout', 'ansible_shell_type', 'ansible_module_compression', 'ansible_private_key_file', 'ansible_rsync_path', 'ansible_playbook_python',
  'ansible_facts', 'add_host', 'add_group',
])
const CONNECTION_PLUGIN = /^ansible_(ssh|paramiko_ssh|paramiko|local|psrp|winrm)_/

function restricted(key: string): boolean {
  if (key.startsWith('ansible_ssh_host_key_')) return false
  if (RESTRICTED.has(key) || key.startsWith('ansible_become_') || /^ansible_.*_interpreter$/.test(key)) return true
  return CONNECTION_PLUGIN.test(key) && !key.endsWith('_bridge') && !key.endsWith('_gwbridge')
}
