// - name: a group for etcd
//   group:
//     name: etcd
//     system: true
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change } from '../engine/module.js'
import { yamlBool, yamlInt } from './lib/args.js'
import { parseGroups, type GroupEntry } from './lib/getent.js'

const args = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/, 'expected a group name').describe('The group'),
    gid: yamlInt.optional().describe('The group id'),
    state: z.enum(['present', 'absent']).default('present').describe('Whether the group exists'),
    system: yamlBool.default(false).describe('Create a system group (a gid from the system range)'),
    force: yamlBool.default(false).describe('Remove the group even when it is the primary group of a user (groupdel -f)'),
    non_unique: yamlBool.default(false).describe('Allow a gid another group already has (-o)'),
    local: yamlBool.default(false).describe('Accepted for compatibility; tsplay always edits the local files'),
  })
  .strict()

type GroupChange = Change & { readonly kind: 'groupadd' | 'groupmod' | 'groupdel' }

/** Plan groupadd/groupmod/groupdel from the current entry (null when the group does not exist). */
export function planGroup(a: z.output<typeof args>, current: GroupEntry | null) {
  const changes: GroupChange[] = []
  if (a.state === 'absent') {
    if (current) changes.push({ kind: 'groupdel', summary: `remove group ${a.name}` })
    return { changes, values: { name: a.name, state: 'absent' } }
  }
  if (!current) changes.push({ kind: 'groupadd', summary: `add group ${a.name}${a.gid === undefined ? '' : ` (gid ${a.gid})`}` })
  else if (a.gid !== undefined && a.gid !== current.gid) changes.push({ kind: 'groupmod', summary: `change gid of ${a.name} ${current.gid} → ${a.gid}` })
  const values: Record<string, unknown> = { name: a.name, state: 'present', system: a.system }
  if (current) values['gid'] = a.gid ?? current.gid
  else if (a.gid !== undefined) values['gid'] = a.gid
  return { changes, values }
}

/** Adds, changes the gid of, and removes local groups (Ansible's `group`). */
export const group = defineModule({
  name: 'group',
  gathersAhead: true,
  args,
  description: 'Add, change or remove a local group',
  example: 'group:\n  name: etcd\n  system: true',
  async gather(ctx, a) {
    const result = await ctx.conn.exec(sh`getent group -- ${a.name}`, { allowFailure: true })
    return parseGroups(result.stdout).find((g) => g.name === a.name) ?? null
  },
  plan: planGroup,
  async apply(ctx, plan, a) {
    const change = plan.changes[0]!
    const gid = a.gid === undefined ? [] : ['-g', String(a.gid), ...(a.non_unique ? ['-o'] : [])]
    const command =
      change.kind === 'groupdel' ? sh`groupdel ${a.force ? ['-f'] : []} -- ${a.name}`
      : change.kind === 'groupadd' ? sh`groupadd ${gid} ${a.system ? ['-r'] : []} -- ${a.name}`
      : sh`groupmod ${gid} -- ${a.name}`
    const result = await ctx.conn.exec(command, { allowFailure: true })
    if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim() || `${change.kind} failed`, { ...plan.values, rc: result.exitCode })
    // The new group's gid is only known once it exists.
    if (change.kind === 'groupadd' && a.gid === undefined) {
      const created = parseGroups((await ctx.conn.exec(sh`getent group -- ${a.name}`)).stdout)[0]
      return created ? { gid: created.gid } : undefined
    }
  },
})
