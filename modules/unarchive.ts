// - name: unpack the CNI plugins
//   unarchive:
//     src: cni-plugins-linux-amd64-v1.3.0.tgz   # from the role's files/, or a path on the host with remote_src
//     dest: /opt/cni/bin
//     creates: /opt/cni/bin/bridge
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { z } from 'zod'
import { type Command, quote, raw, type Raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type Diff, type ModuleContext } from '../engine/module.js'
import { stringList, yamlBool } from './lib/args.js'
import { downloadScript } from './lib/download.js'
import { fnmatchRegExp } from '../engine/python/index.js'
import { attrArgs } from './lib/file-attrs.js'
import { idScript, parseIds } from './lib/file-ids.js'
import { compareZip, parseZipInspect, zipInspectScript } from './lib/file-zip.js'
import { type FileState, probeFiles } from './lib/file-state.js'

const args = z.object({
  src: z.string().min(1).describe("archive (tar, tar.gz/bz2/xz/zst, zip) on the controller (role's files/), on the host with remote_src, or a URL the host downloads"),
  dest: z.string().min(1).describe('existing directory on the host to unpack into'),
  remote_src: yamlBool.default(false).describe('src is a path on the host, not on the controller'),
  creates: z.string().optional().describe('skip the task when this path exists on the host'),
  extra_opts: stringList.default([]).describe('extra arguments for tar or unzip, e.g. [--strip-components=1]'),
  include: stringList.default([]).describe('only these members: names for tar, unzip/fnmatch patterns for zip'),
  exclude: stringList.default([]).describe('leave out members matching these patterns (tar --exclude, unzip -x)'),
  list_files: yamlBool.default(false).describe('return the archive members as files'),
  validate_certs: yamlBool.default(true).describe('verify the TLS certificate when src is an https URL'),
  ...attrArgs,
}).strict().superRefine((a, ctx) => {
  if (a.include.length > 0 && a.exclude.length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['exclude'], message: 'parameters are mutually exclusive: include|exclude' })
})

type Args = z.output<typeof args>

interface State {
  readonly dest: FileState
  readonly creates?: FileState
  readonly remote?: FileState
  /** Lines of the comparison that mean the archive is not (fully) unpacked in dest. */
  readonly differences: readonly string[]
  readonly files: readonly string[]
  /** For a zip: ansible-core's itemised list of what differs (its --diff). */
  readonly itemized?: string
}

interface UnarchiveChange extends Change {
  readonly kind: 'unarchive'
  /** The members as listed (tar shows names transformed by extra_opts), for setting attributes after extraction. */
  readonly members: readonly string[]
}

const isZip = (name: string): boolean => /\.zip$/i.test(name)

/** tar's decompression flag for an archive name (tar cannot guess when reading stdin), as ansible-core's handlers pass it. */
function tarFlags(name: string): string[] {
  if (/\.(tar\.gz|tgz)$/i.test(name)) return ['-z']
  if (/\.(tar\.bz2|tbz2?)$/i.test(name)) return ['-j']
  if (/\.(tar\.xz|txz)$/i.test(name)) return ['-J']
  if (/\.(tar\.zst|tzst)$/i.test(name)) return ['--use-compress-program=zstd']
  return []
}

// The `tar --diff` lines ansible-core counts as "not unarchived" (owner/group/mode only when not set by the task).
const TAR_DIFFERENCES = [/: Mod time differs$/, /: Warning: Cannot stat: No such file or directory$/, /: Invalid owner/, /: Invalid group/, /: Contents differ$/, /: Size differs$/]

const isUrl = (src: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(src)

/** One command on the host that first makes `$z` the archive's path there, then works on it. */
interface ArchiveSource {
  readonly command: (op: 'inspect' | 'extract') => Command
  readonly stdin: string | Buffer
}

/**
 * Where `$z` comes from: a controller archive arrives on stdin into a private temp file, a host archive is
 * used in place, a URL is downloaded by the host into a private temp file (again when extracting, as Ansible does).
 */
function archiveSource(ctx: ModuleContext, a: Args): ArchiveSource {
  if (!isUrl(a.src)) {
    if (a.remote_src) return { command: (op) => sh`z=${a.src}; ${raw(archiveCommand(a, op))}`, stdin: '' }
    const stdin = readFileSync(ctx.controller.findFile('files', a.src))
    return { command: (op) => sh`z=$(mktemp) && trap 'rm -f -- "$z"' EXIT && cat > "$z" || exit $?; ${raw(archiveCommand(a, op))}`, stdin }
  }
  const temp = `/tmp/.tsplay-unarchive.${randomBytes(6).toString('hex')}`
  const download = downloadScript({ url: a.src, output: temp, timeoutSeconds: 60, validateCerts: a.validate_certs })
  return {
    stdin: download.stdin,
    command: (op) => sh`z=${temp}; trap 'rm -f -- "$z"' EXIT; s=$( ${raw(download.command)} ) || { rc=$?; echo "download failed: $s" >&2; exit $rc; }
${raw(archiveCommand(a, op))}`,
  }
}

const COMPARE_MARK = '@@tsplay-compare'
const EXTRACT_MARK = '@@tsplay-extract'

/** Where an argv holds the archive, whose path only the host script knows (`"$z"`). */
const ARCHIVE = '\u0000archive'

/** An argv as shell words, each quoted, the archive as "$z". */
const words = (argv: readonly string[]): Raw => raw(argv.map((w) => (w === ARCHIVE ? '"$z"' : quote(w))).join(' '))

/**
 * The arguments ansible-core passes, in its order. tar: the operation, -C dest, compression, extra_opts (after
 * --show-transformed-names), owner/group, excludes, -f, includes; unzip: -o, extra_opts, the archive, -x excludes, includes, -d dest.
 */
function argvOf(a: Args, op: '--list' | '--diff' | '--extract'): string[] {
  if (isZip(a.src)) return ['-o', ...a.extra_opts, ARCHIVE, ...(a.exclude.length > 0 ? ['-x', ...a.exclude] : []), ...a.include, '-d', a.dest]
  const opts = a.extra_opts.length > 0 ? ['--show-transformed-names', ...a.extra_opts] : []
  const ids = op === '--list' ? [] : [...(a.owner ? [`--owner=${a.owner}`] : []), ...(a.group ? [`--group=${a.group}`] : [])]
  return [op, '-C', a.dest, ...tarFlags(a.src), ...opts, ...ids, ...a.exclude.map((e) => `--exclude=${e.replace(/\/+$/, '')}`), '-f', ARCHIVE, ...a.include]
}

/**
 * The program lines for one operation on the archive at `$z`: inspect lists the members, then compares them
 * with dest (zip: ansible-core's member-by-member comparison; tar: tar --diff); extract first prints the argv it runs.
 */
function archiveCommand(a: Args, op: 'inspect' | 'extract'): Command {
  const program = isZip(a.src) ? 'unzip' : 'tar'
  if (op === 'extract') {
    const argv = words(argvOf(a, '--extract'))
    return sh`case $z in -*) z=./$z;; esac; p=$(command -v ${program}); echo ${EXTRACT_MARK}; printf '%s\n' "$p" ${argv}; echo ${EXTRACT_MARK}; LC_ALL=C "$p" ${argv}`
  }
  if (isZip(a.src)) {
    return sh`unzip -Z1 -- "$z" || exit $?; echo ${COMPARE_MARK}
${raw(zipInspectScript(a.dest, a.include, a.exclude))}
${raw(idScript({ owner: a.owner, group: a.group }, true))}`
  }
  return sh`case $z in -*) z=./$z;; esac; LC_ALL=C tar ${words(argvOf(a, '--list'))} || exit $?; echo ${COMPARE_MARK}
LC_ALL=C tar ${words(argvOf(a, '--diff'))} 2>&1; true`
}

/** ansible-core's files_in_archive: zip names filtered by include/exclude patterns (fnmatch), tar names without excluded ones and a leading `/`. */
function filesInArchive(a: Args, listing: string): string[] {
  const names = listing.split('\n')
  if (listing.endsWith('\n')) names.pop()
  const matches = (patterns: readonly string[], name: string) => patterns.some((p) => fnmatchRegExp(p).test(name))
  if (isZip(a.src)) {
    if (a.include.length > 0) return names.flatMap((n) => a.include.filter((p) => fnmatchRegExp(p).test(n)).map(() => n))
    return names.filter((n) => !matches(a.exclude, n))
  }
  const excludes = a.exclude.map((e) => e.replace(/\/+$/, ''))
  return names.map((n) => n.replace(/^\//, '')).filter((n) => !matches(excludes, n))
}

/** What ansible-core adds about dest (its path info) to the result. */
const destInfo = (d: FileState): Record<string, unknown> => ({ state: 'directory', mode: d.mode, uid: d.uid, gid: d.gid, owner: d.owner, group: d.group, size: d.size })

/** Unpack an archive on the host, like Ansible's `unarchive`; a second run finds everything unpacked. */
export const unarchive = defineModule({
  name: 'unarchive',
  args,
  description: 'unpack a tar or zip archive (from the controller or the host) into a directory on the host',
  example: 'unarchive:\n  src: cni-plugins.tgz\n  dest: /opt/cni/bin\n  creates: /opt/cni/bin/bridge',
  async gather(ctx, a: Args): Promise<State> {
    const local = a.remote_src && !isUrl(a.src)
    const requests = [{ path: a.dest, follow: true }, ...(a.creates ? [{ path: a.creates }] : []), ...(local ? [{ path: a.src, follow: true }] : [])]
    const { files } = await probeFiles(ctx.conn, requests)
    const dest = files[0]!
    const creates = a.creates ? files[1] : undefined
    const remote = local ? files[requests.length - 1] : undefined
    const base: State = { dest, ...(creates ? { creates } : {}), ...(remote ? { remote } : {}), differences: [], files: [] }
    if (creates?.exists || !dest.exists || dest.type !== 'directory' || (remote && !remote.exists)) return base
    const source = archiveSource(ctx, a)
    const inspected = await ctx.conn.exec(source.command('inspect'), { stdin: source.stdin, allowFailure: true })
    const [listing = '', comparison = ''] = inspected.stdout.split(`${COMPARE_MARK}\n`)
    if (inspected.exitCode !== 0 || !inspected.stdout.includes(COMPARE_MARK)) throw new ModuleError(`failed to find handler for "${a.src}": ${inspected.stderr.trim()}`)
    const members = filesInArchive(a, listing)
    if (isZip(a.src)) {
      // Owner and group a name does not resolve to fall back to the connection user's, as in ansible-core's comparison.
      const ids = parseIds(comparison, { owner: a.owner, group: a.group })
      const zip = parseZipInspect(comparison)
      const { unarchived, diff } = compareZip(zip, { mode: a.mode, uid: ids.uid ?? ids.self?.uid ?? 0, gid: ids.gid ?? ids.self?.gid ?? 0, excludes: a.exclude })
      const lines = diff.split('\n').filter((l) => l !== '')
      return { ...base, files: members, itemized: diff, differences: unarchived ? [] : lines.length > 0 ? lines : [`unzip -Z exited ${zip.rc}`] }
    }
    // An entry that --strip-components empties reports ': : Warning: Cannot stat'; ansible-core ignores it too.
    const differences = comparison.split('\n').filter((l) => !/: : Warning: Cannot stat/.test(l)).filter((l) => TAR_DIFFERENCES.some((re) => re.test(l)) || (!a.mode && / Mode differs$/.test(l)) || (!a.owner && / Uid differs$/.test(l)) || (!a.group && / Gid differs$/.test(l)))
    return { ...base, differences, files: members }
  },
  plan(a: Args, s: State) {
    if (s.creates?.exists) return { changes: [], skip: `skipped, since ${a.creates} exists` }
    if (!s.dest.exists || s.dest.type !== 'directory') throw new ModuleError(`dest '${a.dest}' must be an existing dir`)
    if (s.remote && !s.remote.exists) throw new ModuleError(`Source '${a.src}' does not exist`)
    const values = { dest: a.dest, src: a.src, handler: isZip(a.src) ? 'ZipArchive' : 'TgzArchive', ...destInfo(s.dest), ...(a.list_files ? { files: s.files } : {}) }
    // ansible-core shows no diff for tar archives; for zip its itemised list, whether or not it unpacks.
    const prepared: Diff[] = s.itemized ? [{ before: '', after: '', prepared: s.itemized }] : []
    if (s.differences.length === 0) return { changes: [], values, diff: prepared }
    const changes: UnarchiveChange[] = [{ kind: 'unarchive', members: s.files, summary: `unpack ${a.src} into ${a.dest} (${s.differences.length} ${s.differences.length === 1 ? 'difference' : 'differences'})` }]
    return { changes, values, diff: prepared }
  },
  async apply(ctx, plan, a: Args) {
    const source = archiveSource(ctx, a)
    const extracted = await ctx.conn.exec(source.command('extract'), { stdin: source.stdin, allowFailure: true })
    const [, argv = '', out = ''] = extracted.stdout.split(`${EXTRACT_MARK}\n`)
    const extract_results = { cmd: argv.split('\n').slice(0, -1), err: extracted.stderr, out, rc: extracted.exitCode }
    if (extracted.exitCode !== 0) throw new ModuleError(`failed to unpack ${a.src} to ${a.dest}`, { ...plan.values, extract_results })
    // Members as listed are where they landed (tar lists names transformed by extra_opts); attributes go on each.
    const landed = plan.changes[0]!.members.filter((m) => m !== '')
    const paths = [...new Set(landed)].map((m) => posix.join(a.dest, m))
    if (paths.length > 0 && (a.owner || a.group)) await ctx.conn.exec(sh`chown -h -- ${`${a.owner ?? ''}${a.group ? `:${a.group}` : ''}`} ${paths}`)
    if (paths.length > 0 && a.mode) await ctx.conn.exec(sh`chmod -- ${a.mode} ${paths}`)
    return { extract_results }
  },
})
