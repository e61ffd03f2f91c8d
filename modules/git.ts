// - name: check out the app at its release tag
//   git:
//     repo: https://git.example.com/app.git
//     dest: /opt/app
//     version: v1.4.2
import { posix } from 'node:path'
import { z } from 'zod'
import { type Command, type Connection, lines, quote, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type Diff, type Plan } from '../engine/module.js'
import { shlexSplit } from '../engine/python/index.js'
import { stringList, yamlBool, yamlInt } from './lib/args.js'
import { withAliases } from './lib/packages.js'

const unsupported = (what: string) => z.string().optional().describe(`${what}; not supported natively by tsplay (the task fails when given)`)

const args = withAliases(
  z.object({
    repo: z.string().min(1).describe('the repository: URL, host:path, or a path on the host (used as file://PATH)'),
    dest: z.string().min(1).optional().describe('where to check out; required unless clone is false'),
    version: z.string().min(1).default('HEAD').describe('branch, tag or commit to check out; HEAD is the remote default branch'),
    remote: z.string().min(1).default('origin').describe('name of the remote'),
    refspec: z.string().optional().describe('an extra refspec to fetch (e.g. refs/pull/*)'),
    reference: z.string().optional().describe('a local repository to borrow objects from when cloning (git clone --reference)'),
    force: yamlBool.default(false).describe('discard local modifications of tracked files'),
    depth: yamlInt.optional().describe('shallow clone with this many commits'),
    clone: yamlBool.default(true).describe('clone when dest holds no repository; false only reports the remote revision'),
    update: yamlBool.default(true).describe('fetch and check out version when dest holds a repository already'),
    verify_commit: yamlBool.default(false).describe('verify the GPG signature of the commit; not supported natively by tsplay (fails when true)'),
    gpg_whitelist: stringList.default([]).describe('accepted GPG fingerprints with verify_commit'),
    accept_hostkey: yamlBool.default(false).describe("add the host's ssh key when unknown (StrictHostKeyChecking=no)"),
    accept_newhostkey: yamlBool.default(false).describe('accept new ssh host keys but not changed ones (StrictHostKeyChecking=accept-new)'),
    key_file: z.string().optional().describe('ssh private key on the host for the repository'),
    ssh_opts: z.string().optional().describe('options for ssh, as words (e.g. -o ProxyCommand=...)'),
    executable: z.string().optional().describe('the git program to use (default: git in PATH)'),
    bare: yamlBool.default(false).describe('make a bare repository'),
    recursive: yamlBool.default(true).describe('accepted; tsplay does not update submodules (see doc)'),
    single_branch: yamlBool.default(false).describe('clone only the history of version (git clone --single-branch)'),
    track_submodules: yamlBool.default(false).describe('accepted; tsplay does not update submodules'),
    umask: z.string().regex(/^[0-7]{1,4}$/, 'umask must be an octal integer').optional().describe('umask for the git commands (quoted octal)'),
    archive: unsupported('write an archive of the checkout to this path'),
    archive_prefix: unsupported('path prefix inside the archive'),
    separate_git_dir: unsupported('keep the .git directory elsewhere'),
  }).strict().superRefine((a, ctx) => {
    if (a.accept_hostkey && a.accept_newhostkey) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['accept_newhostkey'], message: 'parameters are mutually exclusive: accept_hostkey|accept_newhostkey' })
    if (a.ssh_opts !== undefined) {
      try {
        shlexSplit(a.ssh_opts)
      } catch (error) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ssh_opts'], message: `cannot split into words: ${(error as Error).message}` })
      }
    }
    for (const key of ['remote', 'version', 'refspec'] as const) if (a[key]?.startsWith('-')) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} cannot start with "-" (git would read it as an option)` })
  }),
  { name: 'repo' },
)

type Args = z.output<typeof args>

/** What gather read: the checkout in dest (if any), the remote's refs, and a diff for --diff. */
export interface GitState {
  readonly git: boolean
  readonly repo: boolean
  readonly before?: string
  readonly url?: string
  /** The branch HEAD is on, or when detached the branch the remote's HEAD names. */
  readonly headBranch?: string
  readonly mods: boolean
  /** version resolved in the local repository (a commit given by name or abbreviated). */
  readonly localVersion?: string
  readonly localBranch: boolean
  /** `git ls-remote` of the repository: ref name → sha. */
  readonly refs: ReadonlyMap<string, string>
  readonly lsRemoteError?: string
  readonly diffText?: string
}

/** Clone, or fetch and switch an existing checkout; `none` stands for ansible's changed report with clone=no. */
export interface GitChange extends Change {
  readonly kind: 'clone' | 'update' | 'none'
  readonly state?: GitState
}

/** A path on the host is used as a file:// URL, as ansible does (shallow clones need a protocol). */
const repoUrl = (repo: string): string => (repo.startsWith('/') ? `file://${repo}` : repo)

/** The environment git runs in: C locale, the umask, and ssh's key and options as GIT_SSH_COMMAND. */
function prologue(a: Args): Command {
  const ssh = [...(a.key_file ? ['-i', a.key_file] : []), ...(a.ssh_opts ? shlexSplit(a.ssh_opts) : [])]
  if (a.accept_hostkey && !/StrictHostKeyChecking=(no|accept-new)/.test(a.ssh_opts ?? '')) ssh.push('-o', 'StrictHostKeyChecking=no')
  if (a.accept_newhostkey && !/StrictHostKeyChecking=(no|accept-new)/.test(a.ssh_opts ?? '')) ssh.push('-o', 'StrictHostKeyChecking=accept-new')
  const sshCommand = ssh.length === 0 ? sh`` : sh`GIT_SSH_COMMAND=${['ssh', ...ssh].map(quote).join(' ')}; export GIT_SSH_COMMAND`
  return sh`LC_ALL=C; export LC_ALL; ${raw(a.umask ? sh`umask ${a.umask};` : '')} ${raw(sshCommand)}
g=${a.executable ?? 'git'}`
}

const gitDir = (a: Args): string => (a.bare ? a.dest! : posix.join(a.dest!, '.git'))

/** Read dest's checkout and the remote's refs in one round trip. */
async function readGit(conn: Connection, a: Args): Promise<GitState> {
  const dest = a.dest === undefined ? sh`echo norepo` : sh`d=${a.dest}; r=${a.remote}; v=${a.version}
if [ -f ${posix.join(gitDir(a), 'config')} ] && cd -- "$d"; then echo repo
  printf 'before %s\\n' "$("$g" rev-parse HEAD 2>/dev/null)"
  printf 'url %s\\n' "$("$g" ls-remote --get-url "$r" 2>/dev/null)"
  printf 'branch %s\\n' "$("$g" symbolic-ref -q --short HEAD || "$g" symbolic-ref -q "refs/remotes/$r/HEAD" | sed "s|^refs/remotes/$r/||")"
  ${raw(a.bare ? '' : `[ -n "$("$g" status --porcelain | grep -v '^??')" ] && echo mods`)}
  printf 'local %s\\n' "$("$g" rev-parse -q --verify "$v^{commit}" 2>/dev/null)"
  "$g" show-ref --verify -q "refs/heads/$v" && echo localbranch
  cd / || exit 1
else echo norepo; fi`
  const { stdout } = await conn.exec(sh`${raw(prologue(a))}
command -v "$g" >/dev/null 2>&1 || { echo nogit; exit 0; }
${raw(dest)}
echo @@refs
"$g" ls-remote -- ${repoUrl(a.repo)} 2>&1; echo "@@rc $?"`, { allowFailure: true })
  if (stdout.startsWith('nogit')) return { git: false, repo: false, mods: false, localBranch: false, refs: new Map() }
  const [head = '', rest = ''] = stdout.split('@@refs\n')
  const lines = head.split('\n')
  const field = (name: string): string | undefined => lines.find((l) => l.startsWith(`${name} `))?.slice(name.length + 1) || undefined
  const rc = /@@rc (\d+)\s*$/.exec(rest)
  const listing = rest.replace(/@@rc \d+\s*$/, '')
  const refs = new Map(listing.split('\n').flatMap((l) => {
    const m = /^([0-9a-f]{40,64})\t(.+)$/.exec(l)
    return m ? [[m[2]!, m[1]!] as const] : []
  }))
  const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>
  return {
    git: true, repo: lines.includes('repo'), mods: lines.includes('mods'), localBranch: lines.includes('localbranch'), refs,
    ...optional('before', field('before')), ...optional('url', field('url')), ...optional('headBranch', field('branch')), ...optional('localVersion', field('local')),
    ...(rc && rc[1] !== '0' ? { lsRemoteError: listing.trim() } : {}),
  }
}

/** The revision version names on the remote, as ansible's get_remote_head: HEAD's branch, a branch, a tag (peeled), or version itself. */
function remoteHead(a: Args, s: GitState, cloning: boolean): string | undefined {
  if (a.version === 'HEAD') return cloning ? s.refs.get('HEAD') : s.refs.get(`refs/heads/${s.headBranch}`)
  const branch = s.refs.get(`refs/heads/${a.version}`)
  if (branch !== undefined) return branch
  const tag = s.refs.get(`refs/tags/${a.version}^{}`) ?? s.refs.get(`refs/tags/${a.version}`)
  return tag ?? a.version
}

/** Plan as ansible's git; pure. Check mode predicts the real run, with ansible's check-mode result keys. */
export function planGit(a: Args, s: GitState, check: boolean, diff?: string): Plan<GitChange> {
  if (a.archive || a.archive_prefix || a.separate_git_dir || a.verify_commit) throw new ModuleError('git: archive, archive_prefix, separate_git_dir and verify_commit are not supported natively by tsplay')
  if (!s.git) throw new ModuleError(`Failed to find required executable "${a.executable ?? 'git'}" in paths`)
  if (a.dest === undefined && a.clone) throw new ModuleError('the destination directory must be specified unless clone=no')
  const url = repoUrl(a.repo)
  if (!s.repo) {
    if (s.lsRemoteError !== undefined) throw new ModuleError(s.lsRemoteError, { before: null })
    const after = remoteHead(a, s, true)
    if (after === undefined) throw new ModuleError(`Could not determine remote revision for ${a.version}`)
    const prepared: Diff[] = [{ before: '', after: '', prepared: `>> Newly checked out ${after}` }]
    if (check || !a.clone) return { changes: [{ kind: 'none', summary: `clone ${a.repo} into ${a.dest ?? '(nowhere, clone=no)'}` }], values: { before: null, after }, diff: prepared }
    return { changes: [{ kind: 'clone', summary: `clone ${a.repo} at ${a.version} into ${a.dest}`, state: s }], values: { before: null, after }, diff: prepared }
  }
  const before = s.before ?? ''
  if (!a.update) return { changes: [], values: { before, after: before } }
  if (s.mods && !a.force) throw new ModuleError(`Local modifications exist in the destination: ${a.dest} (force=no).`, { before })
  if (s.lsRemoteError !== undefined) throw new ModuleError(`Failed to download remote objects and refs: ${s.lsRemoteError}`, { before })
  const urlChanged = s.url !== undefined && s.url !== url && posix.normalize(s.url) !== posix.normalize(url)
  const head = remoteHead(a, s, false)
  if (head === undefined) throw new ModuleError(`Could not determine remote revision for ${a.version}`, { before })
  // a commit given by (abbreviated) name ends up as its full sha once checked out
  const after = head === a.version && s.localVersion !== undefined ? s.localVersion : head
  const mods = s.mods && a.force
  const values = { before, after: check ? head : after, remote_url_changed: urlChanged, ...(mods && !check ? { msg: `Local modifications exist in the destination: ${a.dest}` } : {}) }
  if (before === after && !mods && !urlChanged) return { changes: [], values }
  const prepared: Diff[] = before === after ? [] : [{ before: '', after: '', prepared: diff ?? `>> Failed to get proper diff between ${before} and ${after}` }]
  return { changes: [{ kind: 'update', summary: `update ${a.dest} from ${before.slice(0, 12)} to ${a.version}${mods ? ' (discarding local modifications)' : ''}`, state: s }], values, diff: prepared }
}

/** ansible's fetch: tags and every branch of the remote (with depth, only what version needs), then refspec. */
function fetchCommand(a: Args, s: GitState): Command {
  const refspecs: string[] = []
  if (a.depth) {
    if (a.refspec) refspecs.push(a.refspec)
    else if (a.version === 'HEAD' && s.headBranch) refspecs.push(s.headBranch)
    else if (s.refs.has(`refs/heads/${a.version}`)) refspecs.push(...(s.headBranch !== a.version ? [`+refs/heads/${a.version}:refs/heads/${a.version}`] : []), `+refs/heads/${a.version}:refs/remotes/${a.remote}/${a.version}`)
    else if (s.refs.has(`refs/tags/${a.version}`)) refspecs.push(`+refs/tags/${a.version}:refs/tags/${a.version}`)
  }
  const shallow = a.depth && refspecs.length > 0 ? ['--depth', String(a.depth)] : []
  const all = shallow.length > 0 ? [] : a.bare ? ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'] : ['--tags']
  const extra = shallow.length === 0 && a.refspec ? [a.refspec] : []
  const [options, specs] = all[0] === '--tags' ? [['--tags'], []] : [[], all]
  return sh`"$g" fetch ${shallow} ${options} ${a.force ? ['--force'] : []} -- ${a.remote} ${[...specs, ...refspecs, ...extra]}`
}

/** ansible's switch_version: HEAD's branch reset to the remote's, a remote branch tracked, anything else checked out. */
function switchCommand(a: Args, branchKnown: boolean): Command {
  if (a.version === 'HEAD') return sh`b=$("$g" symbolic-ref -q --short HEAD || "$g" symbolic-ref -q ${`refs/remotes/${a.remote}/HEAD`} | sed ${`s|^refs/remotes/${a.remote}/||`}) && "$g" checkout -q --force "$b" -- && "$g" reset -q --hard ${a.remote}/"$b" --`
  if (branchKnown) return sh`if "$g" show-ref --verify -q ${`refs/heads/${a.version}`}; then "$g" checkout -q --force ${a.version} -- && "$g" reset -q --hard ${`${a.remote}/${a.version}`} --; else "$g" checkout -q --track -b ${a.version} ${`${a.remote}/${a.version}`} --; fi`
  return sh`"$g" checkout -q --force ${a.version} --`
}

/** Fetch version's objects into a throwaway object directory and diff, so the repository itself is not touched. */
async function readDiff(conn: Connection, a: Args, s: GitState, after: string): Promise<string> {
  const source = a.version === 'HEAD' ? `refs/heads/${s.headBranch}` : s.refs.has(`refs/heads/${a.version}`) ? `refs/heads/${a.version}` : `refs/tags/${a.version}`
  const result = await conn.exec(sh`${raw(prologue(a))}
cd -- ${a.dest!} || exit 1; t=$(mktemp -d) || exit 1; trap 'rm -rf -- "$t"' EXIT
GIT_ALTERNATE_OBJECT_DIRECTORIES=$("$g" rev-parse --git-path objects) GIT_OBJECT_DIRECTORY=$t "$g" fetch -q --no-write-fetch-head --no-tags -- ${repoUrl(a.repo)} ${source} >/dev/null 2>&1
GIT_ALTERNATE_OBJECT_DIRECTORIES=$("$g" rev-parse --git-path objects) GIT_OBJECT_DIRECTORY=$t "$g" diff ${s.before ?? 'HEAD'} ${after} --`, { allowFailure: true })
  if (result.exitCode !== 0) return `>> Failed to get proper diff between ${s.before} and ${after}${result.stderr ? `:\n>> ${result.stderr}` : ''}`
  return result.stdout === '' ? `>> No visual differences between ${s.before} and ${after}` : result.stdout
}

/** Clone a git repository or bring a checkout to a branch, tag or commit (ansible's git). */
export const git = defineModule({
  name: 'git',
  args,
  description: 'clone a git repository on the host, or update a checkout to a branch, tag or commit (check mode asks the new repo URL, not the configured remote; submodules are not updated; archive, separate_git_dir and verify_commit are not supported)',
  example: 'git:\n  repo: https://git.example.com/app.git\n  dest: /opt/app\n  version: v1.4.2',
  async gather(ctx, a: Args) {
    const s = await readGit(ctx.conn, a)
    if (!ctx.diff || !s.repo || !a.update || s.before === undefined) return { s }
    const plan = (() => { try { return planGit(a, s, false) } catch { return undefined } })()
    const after = plan?.values?.['after']
    return typeof after === 'string' && after !== s.before ? { s, diff: await readDiff(ctx.conn, a, s, after) } : { s }
  },
  plan: (a: Args, g: { s: GitState; diff?: string }, ctx) => planGit(a, g.s, ctx.check, g.diff),
  async apply(ctx, plan, a: Args) {
    const change = plan.changes[0]!
    if (change.kind === 'none') return
    const s = change.state!
    const d = a.dest!
    const branchKnown = s.refs.has(`refs/heads/${a.version}`)
    const steps: Command[] = []
    if (change.kind === 'clone') {
      const pin = branchKnown || s.refs.has(`refs/tags/${a.version}`) ? ['--branch', a.version] : []
      const depth = a.depth ? (a.version === 'HEAD' || a.refspec ? ['--depth', String(a.depth)] : pin.length > 0 ? ['--depth', String(a.depth), ...pin] : []) : []
      const single = a.single_branch ? ['--single-branch', ...(depth.includes('--branch') ? [] : pin)] : []
      steps.push(sh`mkdir -p -- ${posix.dirname(d)} && cd -- ${posix.dirname(d)}`)
      steps.push(sh`"$g" clone ${a.bare ? ['--bare'] : ['--origin', a.remote]} ${depth} ${a.reference ? ['--reference', a.reference] : []} ${single} -- ${repoUrl(a.repo)} ${d}`)
      steps.push(sh`cd -- ${d}`)
      if (a.bare && a.remote !== 'origin') steps.push(sh`"$g" remote add -- ${a.remote} ${repoUrl(a.repo)}`)
      if (a.refspec) steps.push(sh`"$g" fetch ${a.depth ? ['--depth', String(a.depth)] : []} -- ${a.remote} ${a.refspec}`)
    } else {
      steps.push(sh`cd -- ${d}`)
      if (s.mods && a.force) steps.push(sh`"$g" reset --hard HEAD`)
      if (s.url !== repoUrl(a.repo)) steps.push(sh`"$g" remote set-url -- ${a.remote} ${repoUrl(a.repo)}`)
      steps.push(fetchCommand(a, s))
    }
    if (!a.bare) steps.push(switchCommand(a, branchKnown))
    const result = await ctx.conn.exec(sh`${raw(prologue(a))}
set -e
${raw(lines(...steps))}
"$g" rev-parse HEAD`, { allowFailure: true })
    if (result.exitCode !== 0) throw new ModuleError(`Failed to ${change.kind === 'clone' ? 'clone' : 'update'} ${a.repo} into ${d}: ${result.stderr.trim()}`, { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr })
    const out = result.stdout.trim().split('\n')
    return { after: out[out.length - 1] }
  },
})
