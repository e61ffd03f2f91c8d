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
        if (data['ansible_facts_cacheable'] === true) setHostFacts(state.facts, facts as Vars)
      } else if (task.action === 'include_vars') Object.assign(state.includeVars, facts)
      else setHostFacts(state.facts, facts as Vars)
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
