// - add_host:
//     name: "{{ item }}"
//     groups: [new_nodes]
//     ansible_host: "{{ hostvars[item].ip }}"
//   loop: "{{ discovered }}"
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'

const args = z.record(z.unknown()).describe('`name` (or host/hostname), `groups` (or group/groupname), and any other key as a host variable')

const NAME_KEYS = ['name', 'host', 'hostname']
const GROUP_KEYS = ['groups', 'group', 'groupname']

/** Adds a host (and its groups and variables) to the in-memory inventory for later plays, as Ansible's `add_host`. */
export const add_host = defineModule({
  name: 'add_host',
  args,
  description: 'Add a host to the in-memory inventory for the following plays (Ansible add_host); runs once, for the first host',
  example: 'add_host:\n  name: 10.0.0.9\n  groups: [workers]\n  ansible_user: admin',
  gather: () => Promise.resolve(undefined),
  plan: (a) => {
    const nameKey = NAME_KEYS.find((k) => a[k] !== undefined)
    if (nameKey === undefined) throw new ModuleError('add_host: missing required argument: name')
    const groupKey = GROUP_KEYS.find((k) => a[k] !== undefined)
    const rawGroups = groupKey === undefined ? [] : a[groupKey]
    const groups = (Array.isArray(rawGroups) ? rawGroups : String(rawGroups).split(',')).map((g) => String(g).trim()).filter(Boolean)
    const hostVars = Object.fromEntries(Object.entries(a).filter(([k]) => !NAME_KEYS.includes(k) && !GROUP_KEYS.includes(k)))
    const hostName = String(a[nameKey])
    return {
      changes: [{ kind: 'add_host', summary: `add host ${hostName}` }],
      values: { add_host: { host_name: hostName, groups, host_vars: hostVars } },
    }
  },
  apply: () => Promise.resolve(),
})
