// - name: let containerd open many files
//   pam_limits:
//     domain: '*'
//     limit_type: '-'
//     limit_item: nofile
//     value: 1048576
//     dest: /etc/security/limits.d/90-containerd.conf
import { posix } from 'node:path'
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { applyEdit, gatherEdit, planEdit, type EditState } from './lib/edit-file.js'

const ITEMS = ['core', 'data', 'fsize', 'memlock', 'nofile', 'rss', 'stack', 'cpu', 'nproc', 'as', 'maxlogins', 'maxsyslogins', 'priority', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'chroot'] as const

const args = z
  .object({
    domain: z.string().min(1).describe('A user name, @group, wildcard (*, %) or uid/gid range'),
    limit_type: z.enum(['soft', 'hard', '-']).describe('soft, hard or - (both)'),
    limit_item: z.enum(ITEMS).describe('The limit (nofile, nproc, memlock, …)'),
    value: text.describe('The value: a number, or unlimited/infinity/-1 (nice and priority: -20 to 19)'),
    use_max: yamlBool.default(false).describe('Keep the larger of value and the value already in the file'),
    use_min: yamlBool.default(false).describe('Keep the smaller of value and the value already in the file'),
    backup: yamlBool.default(false).describe('Keep a timestamped copy of the old file next to it'),
    dest: z.string().min(1).default('/etc/security/limits.conf').describe('The limits file'),
    comment: z.string().default('').describe('A comment written after the limit'),
  })
  .strict()
  .refine((a) => !(a.use_max && a.use_min), { message: 'Cannot use use_min and use_max at the same time.' })

type Args = z.output<typeof args>

const UNLIMITED = ['unlimited', 'infinity', '-1']

/** ansible's check of a value (given, or found in the file with `prefix`): ModuleError with its words when invalid. */
function assertValidValue(item: string, value: string, prefix = ''): void {
  if (item === 'nice' || item === 'priority') {
    const n = /^\s*[-+]?\d+\s*$/.test(value) ? Number(value) : NaN
    if (!(n >= -20 && n <= 19)) throw new ModuleError(`${prefix} Value of '${value}' for item '${item}' is invalid. Value must be a number in the range -20 to 19 inclusive. Refer to the limits.conf(5) manual pages for more details.`)
  } else if (!UNLIMITED.includes(value) && !/^\d+$/.test(value)) {
    throw new ModuleError(`${prefix} Value of '${value}' for item '${item}' is invalid. Value must either be 'unlimited', 'infinity' or -1, all of which indicate no limit, or a limit of 0 or larger. Refer to the limits.conf(5) manual pages for more details.`)
  }
}

/**
 * The new file text and ansible's `msg` (the limit's line), as community.general.pam_limits rewrites the file,
 * quirks kept: an empty `comment` takes the comment of the first limit line that has one (with its newline), and
 * use_max/use_min treat unlimited as special for every item, nice and priority too.
 */
export function editLimits(a: Args, before: string, dest: string): { text: string; msg: string } {
  assertValidValue(a.limit_item, a.value)
  let comment = a.comment
  let found = false
  let newValue = a.value
  let msg = ''
  const out: string[] = []
  const limitLine = (value: string): string => {
    if (comment) comment = `\t#${comment}`
    return `${a.domain}\t${a.limit_type}\t${a.limit_item}\t${value}${comment}\n`
  }
  for (const line of before.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    const collapsed = line.replace(/\s+/g, ' ').trim()
    if (line.startsWith('#') || collapsed === '') {
      out.push(line)
      continue
    }
    const hash = line.indexOf('#')
    if (!comment) comment = hash < 0 ? '' : line.slice(hash + 1)
    const fields = collapsed.split('#')[0]!.trimEnd().split(' ')
    if (fields.length !== 4) {
      out.push(line)
      continue
    }
    const [domain, type, item, actual] = fields as [string, string, string, string]
    assertValidValue(item, actual, `Invalid configuration found in '${dest}'.`)
    if (domain !== a.domain || type !== a.limit_type || item !== a.limit_item) {
      out.push(line)
      continue
    }
    found = true
    if (a.value === actual) {
      msg = line
      out.push(line)
      continue
    }
    // ansible tests the limit type (never nice or priority) where it means the item: unlimited is always special.
    const actualUnlimited = UNLIMITED.includes(actual)
    const valueUnlimited = UNLIMITED.includes(a.value)
    if (a.use_max) newValue = actualUnlimited ? actual : valueUnlimited ? a.value : String(Math.max(Number(a.value), Number(actual)))
    if (a.use_min) newValue = actualUnlimited && valueUnlimited ? actual : actualUnlimited ? a.value : valueUnlimited ? actual : String(Math.min(Number(a.value), Number(actual)))
    msg = newValue !== actual ? limitLine(newValue) : line
    out.push(msg)
  }
  if (!found) {
    msg = limitLine(newValue)
    out.push(msg)
  }
  return { text: out.join(''), msg }
}

/** The edited limits file, its diff as ansible returns it, and `msg`. Pure. */
export function planLimits(a: Args, state: EditState) {
  if (!state.file.exists && !(state.parent.exists && state.parent.type === 'directory')) throw new ModuleError(`directory ${posix.dirname(a.dest)} is not writable (check presence, access rights, use sudo)`)
  const before = state.file.content?.toString('utf8') ?? ''
  const { text: after, msg } = editLimits(a, before, a.dest)
  const plan = planEdit(a.dest, state, after, msg.trim() ? 'set limit' : '', { backup: a.backup })
  // ansible returns the diff whether or not it asked for one; the callback prints it only when the sides differ.
  return { ...plan, diff: plan.changes.length > 0 ? [{ before, after }] : [], values: { msg, diff: { before, after } } }
}

/** Sets one PAM limit in limits.conf or a limits.d file (community.general.pam_limits). */
export const pam_limits = defineModule({
  name: 'pam_limits',
  args,
  description: 'Set a PAM resource limit (nofile, nproc, memlock, …) for a user or group in limits.conf',
  example: "pam_limits:\n  domain: '*'\n  limit_type: '-'\n  limit_item: nofile\n  value: 1048576",
  gather: (ctx, a: Args) => gatherEdit(ctx.conn, a.dest),
  plan: planLimits,
  async apply(ctx, plan) {
    // the write's own attributes (owner, mode) are not part of pam_limits' result; a backup's name is
    const { backup_file } = await applyEdit(ctx, plan.changes)
    return backup_file === undefined ? {} : { backup_file }
  },
})
