// - name: keep last month's logs as one tarball
//   community.general.archive:
//     path: /var/log/app/*.log
//     dest: /srv/backup/app-logs.tar.gz
//     format: gz
import { posix } from 'node:path'
import { z } from 'zod'
import { type Command, type Connection, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type Plan } from '../engine/module.js'
import { stringList, yamlBool } from './lib/args.js'
import { archiveMembers, byteSort, commonPath, type Expansion, expansionScript, type Member, parseExpansion } from './lib/archive-members.js'
import { type AttrChange, attrArgs, attrCommand, planAttrs } from './lib/file-attrs.js'
import type { FileState } from './lib/file-state.js'

const args = z.object({
  path: stringList.refine((p) => p.length > 0, 'path is required').describe('files, directories or globs (`*`, `?`) on the host to archive or compress'),
  format: z.enum(['bz2', 'gz', 'tar', 'xz', 'zip']).default('gz').describe('tar compressed with bz2, gz or xz, plain tar, or zip; one file alone is compressed as it is'),
  dest: z.string().min(1).optional().describe('the archive to write; required for several files, a directory or a glob (default: PATH.FORMAT)'),
  exclude_path: stringList.default([]).describe('paths or globs left out of the expanded path list (not searched inside directories)'),
  exclusion_patterns: stringList.optional().describe('fnmatch patterns of members to leave out (tar: the member name; zip: the path)'),
  force_archive: yamlBool.default(false).describe('make an archive even of a single file'),
  remove: yamlBool.default(false).describe('delete the archived source files afterwards'),
  ...attrArgs,
}).strict()

type Args = z.output<typeof args>

interface DestState {
  readonly exists: boolean
  readonly stat?: FileState
}

/** What gather found: the expansion, dest, and the listings (tar) or content digests (single file) to compare. */
export interface ArchiveState {
  readonly expansion: Expansion
  readonly dest: DestState
  readonly umask: number
  /** What dest holds now and what the task would write, in one comparable form; undefined when not read. */
  readonly current?: string
  readonly candidate?: string
}

/** Write the archive, set attributes on dest, or delete the sources. */
export interface ArchiveChange extends Change {
  readonly kind: 'write' | 'remove' | AttrChange['kind']
  readonly paths?: readonly string[]
  readonly attr?: AttrChange
  readonly resolved: Resolved
}

/** How the arguments resolve against the expansion: ansible's paths, root, dest and targets. */
interface Resolved {
  readonly paths: readonly string[]
  readonly root: string
  readonly mustArchive: boolean
  readonly dest: string
  /** A single file compressed as it is (gz, bz2, xz) rather than archived. */
  readonly single: boolean
  readonly targets: readonly string[]
  readonly missing: readonly string[]
  readonly members: readonly Member[]
}

const COMPRESSOR = { gz: 'gzip', bz2: 'bzip2', xz: 'xz' } as const
const TAR_FLAG = { gz: ['-z'], bz2: ['-j'], xz: ['-J'], tar: [], zip: [] } as const

/** A path given to a program as an operand or option value: never one that reads as an option or stdin. */
const operand = (p: string): string => (p.startsWith('-') ? `./${p}` : p)

/** Ansible's paths, root, dest and members for these arguments, or the error it fails with. */
function resolve(a: Args, e: Expansion): Resolved {
  const excluded = new Set(e.excluded)
  const paths = [...new Set(e.expanded)].filter((p) => !excluded.has(p)).sort(byteSort)
  if (paths.length === 0) throw new ModuleError('Error, no source paths were found', { path: a.path.join(', '), expanded_paths: e.expanded.join(', '), expanded_exclude_paths: e.excluded.join(', ') })
  const root = commonPath(paths)
  const mustArchive = a.force_archive || e.globby || e.sources.get(paths[0]!)?.kind === 'dir' || paths.length > 1
  if (mustArchive && a.dest === undefined) throw new ModuleError('Error, must specify "dest" when archiving multiple files or trees', { dest: null, path: a.path.join(', ') })
  const dest = a.dest ?? `${paths[0]}.${a.format}`
  if (a.remove && paths.some((p) => e.sources.get(p)?.kind === 'dir' && dest.startsWith(posix.join(p, '/')))) throw new ModuleError('Error, created archive can not be contained in source paths when remove=true', { path: paths.join(', ') })
  const targets = paths.filter((p) => e.sources.get(p)?.kind !== 'missing')
  const missing = paths.filter((p) => e.sources.get(p)?.kind === 'missing')
  const single = !mustArchive && a.format !== 'tar' && a.format !== 'zip'
  const members = single ? [] : archiveMembers(targets.map((t) => e.sources.get(t)!), root, a.exclusion_patterns ?? [], a.format === 'zip')
  return { paths, root, mustArchive, dest, single, targets, missing, members }
}

/** The path facts ansible's exit_json adds for an existing `dest`. */
const pathInfo = (f: FileState | undefined): Record<string, unknown> =>
  f === undefined ? {} : { uid: f.uid, gid: f.gid, owner: f.owner, group: f.group, mode: f.mode, state: f.type === 'directory' ? 'directory' : 'file', size: f.size }

const isArchiveName = (p: string): boolean => /\.(tar|tar\.(gz|bz2|xz)|tgz|tbz2|zip)$/i.test(posix.basename(p))

/** tar's long listing without sub-second times, which `tar -cvv` shows and an archive does not keep. */
const listing = (text: string): string => text.replace(/(\d\d:\d\d:\d\d)\.\d+/g, '$1')

/** The tar that writes the members named on stdin (NUL-separated) from the root into `file`. */
const tarCreate = (a: Args, r: Resolved, file: string, extra: string[]): Command =>
  sh`tar --null --no-recursion --verbatim-files-from ${r.root === '' ? [] : ['-C', operand(r.root)]} -T - -c ${[...TAR_FLAG[a.format]]} ${extra} --force-local -f ${file}`

const memberNames = (r: Resolved): string => r.members.map((m) => `${m.name}\0`).join('')

/** Read dest's attributes and the two sides to compare, in one round trip. */
async function readDest(conn: Connection, a: Args, r: Resolved): Promise<Omit<ArchiveState, 'expansion'>> {
  const d = operand(r.dest)
  const compare = r.targets.length === 0
    ? sh`true`
    : r.single
      ? sh`[ -f ${d} ] && ${COMPRESSOR[a.format as 'gz']} -dc < ${d} | sha256sum; echo @@candidate; sha256sum < ${operand(r.targets[0]!)}`
      : sh`[ -f ${d} ] && LC_ALL=C tar -tvv --full-time --numeric-owner ${[...TAR_FLAG[a.format]]} --force-local -f ${d} 2>/dev/null; echo @@candidate; LC_ALL=C ${raw(tarCreate(a, r, '/dev/null', ['-vv', '--full-time', '--numeric-owner']))}`
  const { stdout } = await conn.exec(sh`printf 'umask '; umask
if [ -e ${d} ]; then stat -L --printf '%F\\n%a %u %g %U %G %s\\n' -- ${d}; else echo missing; fi
echo @@current
${raw(compare)}`, { stdin: memberNames(r), allowFailure: true })
  const [head = '', rest = ''] = stdout.split('@@current\n')
  const [current, candidate] = rest.includes('@@candidate\n') ? rest.split('@@candidate\n') : [undefined, undefined]
  const [umask = '022', type = 'missing', attrs = ''] = head.split('\n').map((l) => l.replace(/^umask /, ''))
  const [mode, uid, gid, owner, group, size] = attrs.split(' ')
  const stat: FileState | undefined = type === 'missing' ? undefined : { path: r.dest, exists: true, type: type === 'directory' ? 'directory' : 'file', mode: mode!.padStart(4, '0'), uid: Number(uid), gid: Number(gid), owner: owner!, group: group!, size: Number(size) }
  return { dest: { exists: stat !== undefined, ...(stat ? { stat } : {}) }, umask: parseInt(umask, 8), ...(current !== undefined ? { current: listing(current), candidate: listing(candidate!) } : {}) }
}

/** Plan the archive as community.general.archive; pure. Unlike ansible, check mode predicts the real run (its description says so). */
export function planArchive(a: Args, s: ArchiveState, check: boolean): Plan<ArchiveChange> {
  if (a.format === 'zip') throw new ModuleError('archive: format zip is not supported natively by tsplay yet; use a tar format')
  const r = resolve(a, s.expansion)
  const base = (dest_state: string, archived: readonly string[] = []) => ({ archived, dest: r.dest, dest_state, arcroot: r.root, missing: r.missing, expanded_paths: s.expansion.expanded, expanded_exclude_paths: s.expansion.excluded })
  const attrs = (stat: FileState | undefined): ArchiveChange[] => (stat === undefined ? [] : planAttrs(a, stat, s.umask).map((c) => ({ kind: c.kind, summary: c.summary, attr: c, resolved: r })))
  if (r.targets.length === 0) {
    const dest_state = s.dest.exists ? (isArchiveName(r.dest) ? 'archive' : 'compress') : 'absent'
    return { changes: attrs(s.dest.stat), values: { ...base(dest_state), ...pathInfo(s.dest.stat) } }
  }
  const differs = !s.dest.exists || s.current === undefined || s.current === '' || s.current !== s.candidate
  const dest_state = r.single ? 'compress' : r.mustArchive && r.missing.length > 0 ? 'incomplete' : 'archive'
  const archived = r.single ? [r.targets[0]!] : r.members.map((m) => m.path)
  const changes: ArchiveChange[] = differs ? [{ kind: 'write', summary: `${r.single ? 'compress' : 'archive'} ${r.single ? r.targets[0] : `${r.members.length} paths`} into ${r.dest}`, resolved: r }] : attrs(s.dest.stat)
  if (a.remove) {
    const dirs = r.targets.filter((t) => s.expansion.sources.get(t)?.kind === 'dir')
    const files = r.single ? [r.targets[0]!] : archived.filter((p) => r.targets.includes(p))
    changes.push({ kind: 'remove', summary: `remove the archived sources (${dirs.length + files.length})`, paths: [...dirs, ...files], resolved: r })
  }
  // ansible reports what it archived only after doing it: nothing, and dest still absent, in check mode
  const values = check ? { ...base('absent'), ...pathInfo(s.dest.stat) } : { ...base(dest_state, archived), ...(changes.length === 0 ? pathInfo(s.dest.stat) : {}) }
  return { changes, values }
}

/** Make a tar archive (plain or compressed) of files and trees on the host, or compress one file (community.general.archive). */
export const archive = defineModule({
  name: 'archive',
  args,
  description: 'archive files and trees on the host into a tar (gz, bz2, xz) archive, or compress a single file (with tar and gzip/bzip2/xz on the host; zip not yet; check mode predicts the real run where ansible reports every multi-file archive changed)',
  example: 'archive:\n  path: /var/log/app\n  dest: /srv/backup/app-logs.tgz\n  format: gz',
  async gather(ctx, a: Args): Promise<ArchiveState> {
    const { stdout } = await ctx.conn.exec(expansionScript(a.path, a.exclude_path))
    const expansion = parseExpansion(stdout, a.path)
    let r: Resolved
    try {
      r = resolve(a, expansion)
    } catch {
      return { expansion, dest: { exists: false }, umask: 0o022 }
    }
    return { expansion, ...(await readDest(ctx.conn, a, r)) }
  },
  plan: (a: Args, s: ArchiveState, ctx) => planArchive(a, s, ctx.check),
  async apply(ctx, plan, a: Args) {
    for (const change of plan.changes) {
      const r = change.resolved
      const d = operand(r.dest)
      if (change.kind === 'write') {
        const write = r.single ? sh`${COMPRESSOR[a.format as 'gz']} -c < ${operand(r.targets[0]!)} > ${d}` : tarCreate(a, r, d, [])
        const result = await ctx.conn.exec(write, { stdin: r.single ? '' : memberNames(r), allowFailure: true })
        if (result.exitCode !== 0) throw new ModuleError(`Error when writing ${r.single ? a.format : a.format === 'tar' ? 'tar' : `tar.${a.format}`} archive at ${r.dest}: ${result.stderr.trim()}`, { dest: r.dest })
        const set = [...(a.owner ? [sh`chown -- ${a.owner} ${d}`] : []), ...(a.group ? [sh`chgrp -- ${a.group} ${d}`] : []), ...(a.mode ? [sh`chmod -- ${a.mode} ${d}`] : [])]
        for (const cmd of set) await ctx.conn.exec(cmd)
      } else if (change.kind === 'remove') {
        await ctx.conn.exec(sh`rm -rf -- ${change.paths!.map(operand)}`)
      } else {
        await ctx.conn.exec(attrCommand([change.attr!])!)
      }
    }
    const after = await readDest(ctx.conn, { ...a, format: 'tar' }, { ...plan.changes[0]!.resolved, targets: [] })
    return pathInfo(after.dest.stat)
  },
})
