// Variables every task may read without anyone defining them: ansible's magic variables and facts.
import type { Findings } from './findings.js'

const MAGIC = new Set([
  'hostvars', 'groups', 'group_names', 'inventory_hostname', 'inventory_hostname_short', 'inventory_dir', 'inventory_file',
  'play_hosts', 'playbook_dir', 'role_name', 'role_path', 'role_names', 'omit', 'vars', 'environment', 'item', 'facter', 'ohai',
  'ansible_facts', 'ansible_local',
])

/** True when the name is a magic variable, a fact (`ansible_*`) or a connection variable. */
export const isMagic = (name: string): boolean => MAGIC.has(name) || name.startsWith('ansible_') || name.startsWith('facter_') || name.startsWith('ohai_')

/** Report each variable read that nothing defines, unless something defines names only known at run time. */
export function reportUndefined(f: Findings): void {
  if (f.unknowable) return
  for (const use of f.uses) {
    if (f.defined.has(use.name) || f.guarded.has(use.name) || isMagic(use.name)) continue
    f.add(use.at, 'error', 'undefined-variable', `'${use.name}' is undefined: no inventory, play, role, vars file, set_fact or register defines it`)
  }
}
