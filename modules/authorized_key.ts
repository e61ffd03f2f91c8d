// - name: let the deploy key in
//   authorized_key:
//     user: deploy
//     key: "{{ lookup('file', 'deploy.pub') }}"
//     key_options: 'no-port-forwarding,from="10.0.0.0/8"'
import { posix } from 'node:path'
import { z } from 'zod'
import { type Connection, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type ModuleContext, type Plan } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { editKeyFile } from './lib/authorized-keys.js'
import { parsePasswd, type PasswdEntry, splitSections } from './lib/getent.js'
import { pathInfo } from './lib/path-info.js'

const args = z
  .object({
    user: z.string().min(1).describe('the account whose keys are edited; owns the file and the directory tsplay creates'),
    key: text.describe('one public key or several, one a line (`#` lines are ignored)'),
    path: z.string().min(1).optional().describe('the authorized_keys file; default ~user/.ssh/authorized_keys'),
    manage_dir: yamlBool.default(true).describe("create the file's directory (mode 0700, owned by user) when writing"),
    state: z.enum(['present', 'absent']).default('present').describe('whether the keys should be in the file'),
    key_options: z.string().optional().describe('options put in front of each key (`no-pty,from="10.0.0.1"`), replacing those of key'),
    exclusive: yamlBool.default(false).describe('remove every other key from the file'),
    comment: z.string().optional().describe("replaces the keys' comments"),
    validate_certs: yamlBool.default(true).describe('for a key fetched from a URL (not supported: tsplay takes the key text)'),
    follow: yamlBool.default(false).describe('write through a symlinked file instead of replacing the link'),
  })
  .strict()

type Args = z.output<typeof args>

/** The user's passwd entry (absent when unknown), which file is read and written, and what it holds. */
export interface AuthorizedKeyState {
  readonly passwd: PasswdEntry | undefined
  /** The file as named (Ansible's `keyfile`). */
  readonly keyfile: string
  /** Where it is written: `keyfile`, with `follow` the path its links lead to. */
  readonly target: string
  readonly content: string
  /** What ansible adds to the result for a given `path` that exists (owner, mode, state…), before any write. */
  readonly pathInfo: Readonly<Record<string, unknown>>
}

/** The whole new file and where it goes, with what manage_dir and ownership need. */
export interface AuthorizedKeyChange extends Change {
  readonly kind: 'write'
  readonly target: string
  readonly content: string
  readonly sshdir: string | undefined
  readonly uid: number
  readonly gid: number
}

const CONTENT = '--tsplay-authkeys--\n'

/** Read the passwd entry, the file's path (and real path) and its content, in one round trip. */
export async function gatherAuthorizedKey(conn: Connection, a: Args): Promise<AuthorizedKeyState> {
  const file = a.path === undefined ? sh`f="$(getent passwd -- "$u" | cut -d: -f6)/.ssh/authorized_keys"` : sh`f=${a.path}`
  const read = conn.exec(sh`u=${a.user}
echo --tsplay-pw--
getent passwd -- "$u" || true
${raw(file)}
echo --tsplay-file--
printf '%s\\n' "$f"
${raw(a.follow ? sh`realpath -m -- "$f"` : sh`printf '%s\\n' "$f"`)}
printf '%s' ${CONTENT}
if [ -f "$f" ]; then cat -- "$f"; fi`)
  const [{ stdout }, info] = await Promise.all([read, a.path === undefined ? {} : pathInfo(conn, a.path)])
  return { ...parseGathered(stdout), pathInfo: info }
}

/** Parse the gather's output: the sections, then the file's bytes after the content marker. */
export function parseGathered(stdout: string): Omit<AuthorizedKeyState, 'pathInfo'> {
  const at = stdout.indexOf(`\n${CONTENT}`)
  const sections = splitSections(stdout.slice(0, at))
  const [keyfile = '', target = ''] = (sections.get('file') ?? '').split('\n')
  return { passwd: parsePasswd(sections.get('pw') ?? '')[0], keyfile, target, content: stdout.slice(at + CONTENT.length + 1) }
}

/** Plan the edit as Ansible's authorized_key: pure, the new file decided from the old text alone. */
export function planAuthorizedKey(a: Args, s: AuthorizedKeyState, check: boolean): Plan<AuthorizedKeyChange> {
  if (s.passwd === undefined && check && a.path === undefined) throw new ModuleError('Either user must exist or you must provide full path to key file in check mode')
  if (s.passwd === undefined && !check) throw new ModuleError(`Failed to lookup user ${a.user}: "getpwnam(): name not found: '${a.user}'"`)
  if (a.key.startsWith('http')) throw new ModuleError(`tsplay: authorized_key takes the key text, not a URL: fetch it with get_url or the url lookup first (${a.key})`)
  const values = {
    user: a.user, key: a.key, path: a.path ?? null, manage_dir: a.manage_dir, state: a.state, key_options: a.key_options ?? null,
    exclusive: a.exclusive, comment: a.comment ?? null, validate_certs: a.validate_certs, follow: a.follow, keyfile: s.keyfile,
    ...s.pathInfo,
  }
  const content = editKeyFile(s.content, a)
  if (content === null) return { changes: [], values }
  const sshdir = !a.manage_dir ? undefined : a.path === undefined ? posix.dirname(s.keyfile) : posix.dirname(a.path)
  const change: AuthorizedKeyChange = { kind: 'write', summary: `update ${s.target}`, target: s.target, content, sshdir, uid: s.passwd?.uid ?? -1, gid: s.passwd?.gid ?? -1 }
  return { changes: [change], diff: [{ before: s.content, after: content, beforeHeader: s.keyfile, afterHeader: s.target }], values }
}

/** Write the file as Ansible does: the directory 0700 and the file 0600, both the user's, the content replaced by rename. */
async function applyAuthorizedKey(ctx: ModuleContext, c: AuthorizedKeyChange): Promise<void> {
  const owner = `${c.uid}:${c.gid}`
  const dir = c.sshdir === undefined ? sh`` : sh`d=${c.sshdir}
if [ ! -e "$d" ]; then mkdir -m 0700 -- "$d" || exit 1; fi
chown -- ${owner} "$d" && chmod 0700 -- "$d" || exit 1`
  const result = await ctx.conn.exec(
    sh`f=${c.target}
${raw(dir)}
if [ ! -e "$f" ]; then mkdir -p -- "$(dirname -- "$f")" && : > "$f" || exit 1; fi
chown -- ${owner} "$f" 2>/dev/null; chmod 0600 -- "$f" 2>/dev/null
t=$(mktemp -- "$(dirname -- "$f")/.tsplay-authorized-keys.XXXXXX") || exit 1
trap 'rm -f -- "$t"' EXIT
cat > "$t" && chmod --reference="$f" -- "$t" && { chown --reference="$f" -- "$t" 2>/dev/null || true; } && mv -f -- "$t" "$f" && trap - EXIT`,
    { stdin: c.content, allowFailure: true },
  )
  if (result.exitCode !== 0) throw new ModuleError(`cannot write ${c.target}: ${result.stderr.trim()}`)
}

/** Add or remove SSH public keys in a user's authorized_keys, as ansible.posix.authorized_key. */
export const authorized_key = defineModule({
  name: 'authorized_key',
  gathersAhead: true,
  args,
  description: "add or remove SSH public keys in a user's authorized_keys file",
  example: "authorized_key:\n  user: deploy\n  key: ssh-ed25519 AAAAC3Nza... deploy@ci",
  gather: (ctx, a: Args) => gatherAuthorizedKey(ctx.conn, a),
  plan: (a: Args, s: AuthorizedKeyState, ctx) => planAuthorizedKey(a, s, ctx.check),
  async apply(ctx, plan, a: Args) {
    for (const change of plan.changes) await applyAuthorizedKey(ctx, change)
    return a.path === undefined ? {} : pathInfo(ctx.conn, a.path)
  },
})
