// - name: a system user for etcd
//   user:
//     name: etcd
//     system: true
//     shell: /usr/sbin/nologin
//     home: /var/lib/etcd
//     create_home: false
import { z } from 'zod'
import { raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { stringList, yamlBool, yamlInt, yamlNumber } from './lib/args.js'
import { parseGroups, parsePasswd, splitSections, type GroupEntry, type PasswdEntry } from './lib/getent.js'
import { withAliases } from './lib/packages.js'
import { needsKey, parseSshKey, sshKeyGenerate, sshKeyProbe, type SshKeyState } from './lib/user-sshkey.js'

const args = withAliases(
  z
    .object({
      name: z.string().regex(/^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/, 'expected a user name').describe('The user (alias user)'),
      uid: yamlInt.optional().describe('The user id'),
      group: z.union([z.string(), z.number()]).transform(String).optional().describe('Primary group, by name or gid; it must exist'),
      groups: stringList.optional().describe('Supplementary groups; with append false the user ends up in exactly these'),
      append: yamlBool.default(false).describe('Add to groups without leaving the others'),
      shell: z.string().optional().describe('Login shell'),
      home: z.string().optional().describe('Home directory'),
      create_home: yamlBool.default(true).describe('Create the home directory for a new user (alias createhome)'),
      move_home: yamlBool.default(false).describe('With a new home, move the old one there'),
      system: yamlBool.default(false).describe('Create a system account (uid from the system range, no home by default on some systems)'),
      comment: z.string().optional().describe('The GECOS field'),
      password: z.string().optional().describe('The password as a crypt(3) hash, never clear text'),
      update_password: z.enum(['always', 'on_create']).default('always').describe('on_create sets the password only for a new user'),
      state: z.enum(['present', 'absent']).default('present').describe('Whether the user exists'),
      remove: yamlBool.default(false).describe('With state absent, also remove the home directory and mail spool (userdel -r)'),
      force: yamlBool.default(false).describe('With state absent, remove even when logged in (userdel -f); with generate_ssh_key, replace an existing key'),
      non_unique: yamlBool.default(false).describe('Allow a uid another user already has (-o)'),
      password_expire_min: yamlInt.optional().describe('Minimum days between password changes (chage -m; shadow field 4)'),
      password_expire_max: yamlInt.optional().describe('Maximum days a password stays valid (chage -M; shadow field 5)'),
      password_expire_warn: yamlInt.optional().describe('Days of warning before the password expires (chage -W; shadow field 6; ansible-core 2.16)'),
      expires: yamlNumber.optional().describe('Account expiry as seconds since the epoch (the UTC day counts); negative removes the expiry'),
      generate_ssh_key: yamlBool.default(false).describe('Generate an SSH key pair for the user unless one exists (force replaces it)'),
      ssh_key_bits: yamlInt.default(0).describe("Bits of the generated key; 0 leaves it to ssh-keygen"),
      ssh_key_type: z.string().default('rsa').describe('Type of the generated key (ssh-keygen -t)'),
      ssh_key_file: z.string().optional().describe("Path of the private key, relative to the user's home unless absolute; default .ssh/id_TYPE"),
      ssh_key_comment: z.string().optional().describe("Comment of the generated key; default 'ansible-generated on HOSTNAME' (the host's name)"),
      ssh_key_passphrase: z.string().optional().describe('Passphrase of the generated key; none by default'),
    })
    .strict(),
  { user: 'name', createhome: 'create_home' },
)

type UserArgs = z.output<typeof args>

/** The user's passwd entry (null when missing), every group, and the password hash when one was asked for. */
export interface UserState {
  readonly user: PasswdEntry | null
  readonly groups: readonly GroupEntry[]
  readonly hash: string | null
  /** Days since the epoch the account expires on (shadow field 8), -1 for never; read only when expires is given. */
  readonly expire?: number
  /** Shadow fields 4, 5 and 6 (min, max, warn days; NaN when empty); read only when a password_expire_* is given. */
  readonly aging?: readonly [number, number, number]
  /** The SSH key at the key path; read only with generate_ssh_key. */
  readonly sshKey?: SshKeyState
}

type UserChange = Change & { readonly kind: 'useradd' | 'usermod' | 'userdel' | 'ssh-keygen' | 'chage'; readonly flags: readonly string[] }

const AGING = [['password_expire_min', '-m'], ['password_expire_max', '-M'], ['password_expire_warn', '-W']] as const

async function gather(ctx: ModuleContext, a: UserArgs): Promise<UserState> {
  const shadow = a.password === undefined ? sh`` : sh`echo --tsplay-shadow--; getent shadow -- ${a.name} | cut -d: -f2`
  const expire = a.expires === undefined ? sh`` : sh`echo --tsplay-expire--; getent shadow -- ${a.name} | cut -d: -f8`
  const aging = AGING.some(([k]) => a[k] !== undefined) ? sh`echo --tsplay-aging--; getent shadow -- ${a.name} | cut -d: -f4-6` : sh``
  const key = a.generate_ssh_key && a.state === 'present' ? sshKeyProbe(a) : sh``
  // The optional parts are tsplay-written commands (values quoted inside), spliced as they are.
  const result = await ctx.conn.exec(sh`echo --tsplay-passwd--; getent passwd -- ${a.name}; echo --tsplay-groups--; getent group
${raw(shadow)}
${raw(expire)}
${raw(aging)}
${raw(key)}`, { allowFailure: true })
  return parseUserState(result.stdout, a.name)
}

/** Read the sections of the user gather. */
export function parseUserState(stdout: string, name: string): UserState {
  const sections = splitSections(stdout)
  const shadow = sections.get('shadow')?.trim()
  const expire = sections.get('expire')?.trim()
  const aging = sections.get('aging')?.trim()
  return {
    ...(aging === undefined || aging === '' ? {} : { aging: aging.split(':').map((f) => (f === '' ? Number.NaN : Number(f))) as unknown as [number, number, number] }),
    user: parsePasswd(sections.get('passwd') ?? '').find((u) => u.name === name) ?? null,
    groups: parseGroups(sections.get('groups') ?? ''),
    hash: shadow === undefined || shadow === '' ? null : shadow,
    ...(expire === undefined ? {} : { expire: expire === '' ? -1 : Number(expire) }),
    ...(sections.has('sshkey') ? { sshKey: parseSshKey(stdout) } : {}),
  }
}

function findGroup(groups: readonly GroupEntry[], wanted: string, lenient = false): GroupEntry {
  const found = groups.find((g) => g.name === wanted || String(g.gid) === wanted)
  if (found) return found
  // A group an earlier task would have created does not exist in check mode; ansible-core does not check then.
  if (lenient) return { name: wanted, gid: Number.NaN, members: [] }
  throw new ModuleError(`Group ${wanted} does not exist`)
}

/** Plan useradd, one usermod with every difference, or userdel; pure. `check`: a new user's groups are not verified. */
export function planUser(a: UserArgs, state: UserState, check = false) {
  const { user, groups } = state
  const values: Record<string, unknown> = { name: a.name, state: a.state }
  if (a.state === 'absent') {
    const changes: UserChange[] = user ? [{ kind: 'userdel', summary: `remove user ${a.name}`, flags: [...(a.remove ? ['-r'] : []), ...(a.force ? ['-f'] : [])] }] : []
    return { changes, values: { ...values, ...(user ? { remove: a.remove, force: a.force } : {}) } }
  }
  const lenient = check && !user
  const primary = a.group === undefined ? undefined : findGroup(groups, a.group, lenient)
  const wanted = (a.groups ?? []).map((g) => findGroup(groups, g, lenient).name)
  const flags: string[] = []
  if (!user) {
    flags.push(...(a.uid === undefined ? [] : ['-u', String(a.uid)]), ...(a.non_unique && a.uid !== undefined ? ['-o'] : []))
    if (primary) flags.push('-g', primary.name)
    if (a.groups !== undefined && wanted.length > 0) flags.push('-G', wanted.join(','))
    if (a.shell !== undefined) flags.push('-s', a.shell)
    if (a.home !== undefined) flags.push('-d', a.home)
    if (a.comment !== undefined) flags.push('-c', a.comment)
    if (a.password !== undefined) flags.push('-p', a.password)
    if (a.expires !== undefined) flags.push('-e', expiryDate(a.expires))
    if (a.system) flags.push('-r')
    flags.push(a.create_home ? '-m' : '-M')
    Object.assign(values, { system: a.system, create_home: a.create_home, shell: a.shell, home: a.home, comment: a.comment ?? '' })
    const key: UserChange[] = a.generate_ssh_key ? [{ kind: 'ssh-keygen', summary: `generate an SSH key for ${a.name}`, flags: [] }] : []
    return { changes: [{ kind: 'useradd', summary: `add user ${a.name}`, flags }, ...key, ...agingChange(a, undefined)] as UserChange[], values }
  }
  const summary: string[] = []
  if (a.uid !== undefined && a.uid !== user.uid) flags.push('-u', String(a.uid), ...(a.non_unique ? ['-o'] : [])), summary.push(`uid ${user.uid} → ${a.uid}`)
  if (primary && primary.gid !== user.gid) flags.push('-g', primary.name), summary.push(`group → ${primary.name}`)
  if (a.groups !== undefined) {
    const current = groups.filter((g) => g.members.includes(a.name) && g.gid !== user.gid).map((g) => g.name)
    const desired = wanted.filter((g) => g !== groups.find((x) => x.gid === (primary?.gid ?? user.gid))?.name)
    const missing = desired.filter((g) => !current.includes(g))
    const extra = a.append ? [] : current.filter((g) => !desired.includes(g))
    if (missing.length > 0 || extra.length > 0) {
      flags.push(...(a.append ? ['-a'] : []), '-G', desired.join(','))
      summary.push(`groups ${current.join(',') || '(none)'} → ${a.append ? [...current, ...missing].join(',') : desired.join(',') || '(none)'}`)
    }
  }
  if (a.shell !== undefined && a.shell !== user.shell) flags.push('-s', a.shell), summary.push(`shell ${user.shell} → ${a.shell}`)
  if (a.home !== undefined && a.home !== user.home) flags.push('-d', a.home, ...(a.move_home ? ['-m'] : [])), summary.push(`home ${user.home} → ${a.home}`)
  if (a.comment !== undefined && a.comment !== user.comment) flags.push('-c', a.comment), summary.push('comment')
  if (a.expires !== undefined && expiryChanges(a.expires, state.expire ?? -1)) flags.push('-e', expiryDate(a.expires)), summary.push(`expires ${dayName(state.expire ?? -1)} → ${a.expires < 0 ? 'never' : expiryDate(a.expires)}`)
  if (a.password !== undefined && a.update_password === 'always' && a.password !== state.hash) flags.push('-p', a.password), summary.push('password')
  Object.assign(values, {
    uid: a.uid ?? user.uid,
    group: primary?.gid ?? user.gid,
    home: a.home ?? user.home,
    shell: a.shell ?? user.shell,
    comment: a.comment ?? user.comment,
    append: a.append,
    move_home: a.move_home,
    ...(a.groups === undefined ? {} : { groups: wanted.join(',') }),
  })
  const changes: UserChange[] = flags.length === 0 ? [] : [{ kind: 'usermod', summary: `change user ${a.name}: ${summary.join(', ')}`, flags }]
  changes.push(...agingChange(a, state.aging))
  if (a.generate_ssh_key && state.sshKey) {
    const key = state.sshKey
    if (!key.homeExists && !check) throw new ModuleError(`User ${a.name} home directory does not exist`)
    if (needsKey(a, key)) changes.push({ kind: 'ssh-keygen', summary: `${key.key ? 'replace' : 'generate'} the SSH key ${key.path}`, flags: [] })
    Object.assign(values, sshValues(key))
  }
  return { changes, values }
}

/** Ansible's returned key values. */
const sshValues = (key: SshKeyState): Record<string, unknown> => ({ ssh_fingerprint: key.fingerprint, ssh_key_file: key.path, ssh_public_key: key.publicKey })

/** chage with the password ageing values that differ from the shadow entry (all given ones for a new user), as ansible runs it last. */
function agingChange(a: UserArgs, current: readonly number[] | undefined): UserChange[] {
  const flags = AGING.flatMap(([key, flag], i) => (a[key] !== undefined && a[key] !== current?.[i] ? [flag, String(a[key])] : []))
  return flags.length === 0 ? [] : [{ kind: 'chage', summary: `set password ageing of ${a.name}: ${flags.join(' ')}`, flags }]
}

/** usermod/useradd -e: the UTC day of an epoch time, or '' (no expiry) for a negative one, as Ansible. */
function expiryDate(expires: number): string {
  return expires < 0 ? '' : new Date(Math.floor(expires) * 1000).toISOString().slice(0, 10)
}

const dayName = (days: number): string => (days < 0 ? 'never' : new Date(days * 86_400_000).toISOString().slice(0, 10))

/** Ansible's rule: remove an expiry that is set; otherwise compare the day (UTC), an unset expiry always differing. */
function expiryChanges(expires: number, currentDays: number): boolean {
  if (expires < 0) return currentDays >= 0
  return currentDays < 0 || dayName(currentDays) !== expiryDate(expires)
}

/** Adds, changes and removes local users with useradd/usermod/userdel (Ansible's `user`). */
export const user = defineModule({
  name: 'user',
  args,
  description: 'Add, change or remove a local user account',
  example: 'user:\n  name: etcd\n  system: true\n  shell: /usr/sbin/nologin\n  create_home: false',
  gather,
  plan: (a, state, ctx) => {
    const planned = planUser(a, state, ctx.check)
    return a.password === undefined ? planned : { ...planned, values: { ...planned.values, password: 'NOT_LOGGING_PASSWORD' } }
  },
  async apply(ctx, plan, a) {
    let values: Record<string, unknown> = {}
    for (const change of plan.changes) {
      if (change.kind === 'ssh-keygen') {
        const result = await ctx.conn.exec(sshKeyGenerate(a), { allowFailure: true })
        if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim() || 'ssh-keygen failed', { name: a.name, rc: result.exitCode })
        values = { ...values, ...sshValues(parseSshKey(result.stdout)) }
        continue
      }
      const result = await ctx.conn.exec(sh`${change.kind} ${change.flags} -- ${a.name}`, { allowFailure: true })
      if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim() || `${change.kind} failed`, { ...plan.values, rc: result.exitCode })
      if (change.kind !== 'useradd') continue
      // uid, gid and home of a new user are only known once it exists.
      const created = parsePasswd((await ctx.conn.exec(sh`getent passwd -- ${a.name}`)).stdout)[0]
      if (created) values = { ...values, uid: created.uid, group: created.gid, home: created.home, shell: created.shell }
    }
    return values
  },
})
