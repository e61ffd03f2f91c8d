// - group_by:
//     key: "os_{{ ansible_facts.os_family | lower }}"
//     parents: [all_os]
import { z } from 'zod'
import { defineModule } from '../engine/module.js'
import { stringList, text } from './lib/args.js'

const args = z
  .object({
    key: text.describe('The group to put the host in (created when missing)'),
    parents: stringList.default(['all']).describe('Parent groups of the new group'),
  })
  .strict()

/** Puts the host into a group named by `key`, creating it, as Ansible's `group_by`. */
export const group_by = defineModule({
  name: 'group_by',
  args,
  description: 'Add the host to a group named from its variables (Ansible group_by)',
  example: 'group_by:\n  key: "os_{{ ansible_facts.distribution | lower }}"',
  gather: () => Promise.resolve(undefined),
  plan: (a) => ({
    changes: [{ kind: 'group_by', summary: `add to group ${a.key.replace(/ /g, '-')}` }],
    values: { add_group: a.key.replace(/ /g, '-'), parent_groups: a.parents },
  }),
  apply: () => Promise.resolve(),
})
