// - name: unpack the CNI plugins
//   unarchive:
//     src: cni-plugins-linux-amd64-v1.3.0.tgz   # from the role's files/, or a path on the host with remote_src
//     dest: /opt/cni/bin
//     creates: /opt/cni/bin/bridge
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { posix } from 'node:path'
import { z } from 'zod'
import { raw, sh } from '../engine/connection/shell.js'
import type { Command } from '../engine/connection/types.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { stringList, yamlBool } from './lib/args.js'
import { downloadScript } from './lib/download.js'
import { attrArgs } from './lib/file-attrs.js'
import { probeFiles, type FileState } from './lib/file-state.js'

const args = z.object({
  src: z.string().min(1).describe("archive (tar, tar.gz/bz2/xz/zst, zip) on the controller (role's files/), on the host with remote_src, or a URL the host downloads"),
  dest: z.string().min(1).describe('existing directory on the host to unpack into'),
  remote_src: yamlBool.default(false).describe('src is a path on the host, not on the controller'),
  creates: z.string().optional().describe('skip the task when this path exists on the host'),
  extra_opts: stringList.default([]).describe('extra arguments for tar or unzip, e.g. [--strip-components=1]'),
  list_files: yamlBool.default(false).describe('return the archive members as files'),
  validate_certs: yamlBool.default(true).describe('verify the TLS certificate when src is an https URL'),
  ...attrArgs,
}).strict()

type Args = z.output<typeof args>

interface State {
  readonly dest: FileState
  readonly creates?: FileState
  readonly remote?: FileState
  /** Lines of the comparison that mean the archive is not (fully) unpacked in dest. */
  readonly differences: readonly string[]
  readonly files: readonly string[]
}

interface UnarchiveChange extends Change {
  readonly kind: 'unarchive'
  /** The archive's members as tar or unzip lists them, for setting attributes after extraction. */
  readonly members: readonly string[]
}

const isZip = (name: string): boolean => /\.zip$/i.test(name)

/** tar's decompression flag for an archive name (tar cannot guess when reading stdin). */
function tarFlags(name: string): string[] {
  if (/\.(tar\.gz|tgz)$/i.test(name)) return ['-z']
  if (/\.(tar\.bz2|tbz2?)$/i.test(name)) return ['-j']
  if (/\.(tar\.xz|txz)$/i.test(name)) return ['-J']
  if (/\.(tar\.zst|tzst)$/i.test(name)) return ['--zstd']
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

/** The program lines for one operation on the archive at `$z`: inspect lists the members, then compares them with dest. */
function archiveCommand(a: Args, op: 'inspect' | 'extract'): Command {
  if (isZip(a.src)) {
    if (op === 'extract') return sh`unzip -o -q ${a.extra_opts} -- "$z" -d ${a.dest}`
    return sh`unzip -Z1 -- "$z" || exit $?; echo ${COMPARE_MARK}
t=$(mktemp -d) && unzip -q ${a.extra_opts} -- "$z" -d "$t" && (cd "$t" && find . ! -type d) | while IFS= read -r f; do cmp -s -- "$t/$f" ${a.dest}/"$f" || echo "$f: Contents differ"; done; rm -rf -- "$t"`
  }
  const flags = tarFlags(a.src)
  const attrs = [...(a.owner ? [`--owner=${a.owner}`] : []), ...(a.group ? [`--group=${a.group}`] : []), ...(a.mode ? [`--mode=${a.mode}`] : [])]
  if (op === 'extract') return sh`tar ${flags} ${a.extra_opts} -x -f "$z" -C ${a.dest}`
  return sh`tar ${flags} ${a.extra_opts} -t -f "$z" || exit $?; echo ${COMPARE_MARK}
tar ${flags} ${a.extra_opts} ${attrs} -d -f "$z" -C ${a.dest} 2>&1; true`
}

/** Unpack an archive on the host, like Ansible's `unarchive`; a second run finds everything unpacked. */
export const unarchive = defineModule({
  name: 'unarchive',
  args,
  description: 'unpack a tar or zip archive (from the controller or the host) into a directory on the host',
  example: 'unarchive:\n  src: cni-plugins.tgz\n  dest: /opt/cni/bin\n  creates: /opt/cni/bin/bridge',
  async gather(ctx, a: Args) {
    const local = a.remote_src && !isUrl(a.src)
    const requests = [{ path: a.dest, follow: true }, ...(a.creates ? [{ path: a.creates }] : []), ...(local ? [{ path: a.src, follow: true }] : [])]
    const { files } = await probeFiles(ctx.conn, requests)
    const dest = files[0]!
    const creates = a.creates ? files[1] : undefined
    const remote = local ? files[requests.length - 1] : undefined
    const base = { dest, ...(creates ? { creates } : {}), ...(remote ? { remote } : {}), differences: [], files: [] }
    if (creates?.exists || !dest.exists || dest.type !== 'directory' || (remote && !remote.exists)) return base
    const source = archiveSource(ctx, a)
    const inspected = await ctx.conn.exec(source.command('inspect'), { stdin: source.stdin, allowFailure: true })
    const [listing = '', comparison = ''] = inspected.stdout.split(`${COMPARE_MARK}\n`)
    if (inspected.exitCode !== 0 || !inspected.stdout.includes(COMPARE_MARK)) throw new ModuleError(`failed to find handler for "${a.src}": ${inspected.stderr.trim()}`)
    // An entry that --strip-components empties reports ': : Warning: Cannot stat'; ansible-core ignores it too.
    const differences = comparison.split('\n').filter((l) => !/: : Warning: Cannot stat/.test(l)).filter((l) => TAR_DIFFERENCES.some((re) => re.test(l)) || (!a.mode && / Mode differs$/.test(l)) || (!a.owner && / Uid differs$/.test(l)) || (!a.group && / Gid differs$/.test(l)))
    return { ...base, differences, files: listing.split('\n').filter((l) => l !== '') }
  },
  plan(a: Args, s: State) {
    if (s.creates?.exists) return { changes: [], skip: `skipped, since ${a.creates} exists` }
    if (!s.dest.exists || s.dest.type !== 'directory') throw new ModuleError(`dest '${a.dest}' must be an existing dir`)
    if (s.remote && !s.remote.exists) throw new ModuleError(`Source '${a.src}' does not exist`)
    const values = { dest: a.dest, src: a.src, handler: isZip(a.src) ? 'ZipArchive' : 'TgzArchive', ...(a.list_files ? { files: s.files } : {}) }
    if (s.differences.length === 0) return { changes: [], values }
    const changes: UnarchiveChange[] = [{ kind: 'unarchive', members: s.files, summary: `unpack ${a.src} into ${a.dest} (${s.differences.length} ${s.differences.length === 1 ? 'difference' : 'differences'})` }]
    // ansible-core shows no diff for tar archives; for zip it prints its own itemised list, here the differences.
    if (!isZip(a.src)) return { changes, values }
    return { changes, values, diff: [{ before: '', after: s.differences.map((l) => `${l}\n`).join(''), afterHeader: `${a.src} vs ${a.dest}` }] }
  },
  async apply(ctx, plan, a: Args) {
    const source = archiveSource(ctx, a)
    await ctx.conn.exec(source.command('extract'), { stdin: source.stdin })
    const members = plan.changes[0]!.members
    // tar lists members under their archived names; --strip-components decides where they landed.
    const strip = Number(/^--strip-components=(\d+)$/.exec(a.extra_opts.find((o) => o.startsWith('--strip-components=')) ?? '')?.[1] ?? 0)
    const landed = members.map((m) => m.split('/').filter((p) => p !== '').slice(strip).join('/')).filter((m) => m !== '')
    const paths = [...new Set(landed)].map((m) => posix.join(a.dest, m))
    if (paths.length > 0 && (a.owner || a.group)) await ctx.conn.exec(sh`chown -h -- ${`${a.owner ?? ''}${a.group ? `:${a.group}` : ''}`} ${paths}`)
    if (paths.length > 0 && a.mode) await ctx.conn.exec(sh`chmod -- ${a.mode} ${paths}`)
  },
})
