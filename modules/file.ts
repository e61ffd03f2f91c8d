// - name: a directory for the app
//   file:
//     path: /etc/app
//     state: directory
//     owner: root
//     mode: '0755'
import { posix } from 'node:path'
import { z } from 'zod'
import { and, type Command, raw, sh } from '../engine/connection/index.js'
import { CommandError, ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type Diff } from '../engine/module.js'
import { yamlBool } from './lib/args.js'
import { attrArgs, type AttrChange, attrCommand, attrDiffFields, octal, planAttrs } from './lib/file-attrs.js'
import { CHATTR_FAILED, chattrArgs, type ChattrPlan, planChattr } from './lib/file-chattr.js'
import { asFloat, jsonDiffText } from './lib/file-diff.js'
import { idScript, parseIds, unknownIdMessage } from './lib/file-ids.js'
import type { OwnerIds } from './lib/file-attrs.js'
import { withAliases } from './lib/packages.js'
import { type FileState, parseProbe, probeFiles, type ProbeRequest, probeScript } from './lib/file-state.js'
import { type Epochs, epochScript, parseEpochs, planTimes, timeArgs, type TimesPlan, validTime } from './lib/file-times.js'
import { parseTree, planTree, treeCommand, type TreeEntry, treeScript } from './lib/file-tree.js'
import { parseWalk, type PathContent, walkScript } from './lib/file-walk.js'
import { pathArg } from './lib/path-arg.js'

const STATES = ['absent', 'directory', 'file', 'hard', 'link', 'touch'] as const
type FileStateArg = (typeof STATES)[number]

const args = z.object({
  path: z.string().min(1).describe('path of the file, directory or link to manage'),
  state: z.enum(STATES).optional().describe('what the path should be; default: its current kind if it exists, else file (directory with recurse)'),
  src: z.string().optional().describe("target of the link for state link/hard; relative: to the link's directory (link) or the working directory (hard)"),
  recurse: yamlBool.default(false).describe('with state directory: apply owner, group and mode to everything below path'),
  force: yamlBool.default(false).describe('for links: replace an existing file or empty directory, or link to a src that does not exist'),
  follow: yamlBool.default(true).describe('when path is a symbolic link, manage the file it points to'),
  _diff_peek: yamlBool.optional().describe("internal, as ansible's: only report whether path looks binary (a NUL byte in its first 8 KiB)"),
  ...attrArgs,
  ...chattrArgs,
  ...timeArgs,
}).strict().superRefine((a, ctx) => {
  for (const key of ['modification_time', 'access_time'] as const) {
    if (!validTime(a[key])) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} must be 'preserve', 'now' or a time like 202401311530.00` })
  }
})

/** Ansible accepts `dest` and `name` for `path`, and `attr` for `attributes`. */
const withPathAliases = withAliases(args, { dest: 'path', name: 'path', attr: 'attributes' })

type Args = z.output<typeof args>

interface State {
  readonly path: FileState
  /** What a symbolic link at path points to, when following links. */
  readonly target?: FileState
  /** The link source for state link/hard, resolved against the link's directory. */
  readonly src?: FileState
  readonly umask: number
  readonly tree?: readonly TreeEntry[]
  /** The host's epoch seconds for timestamp arguments, and its clock for 'now'. */
  readonly epochs?: Epochs
  /** The ids of the owner and group asked for (absent: compare by name). */
  readonly ids?: OwnerIds
  /** With _diff_peek: whether the file's head holds a NUL byte. */
  readonly appearsBinary?: boolean
  /** For state absent on a directory: what it holds, which Ansible's diff lists. */
  readonly content?: PathContent
  /** With attributes: lsattr's flags of the path's directory (null: unreadable), a new path's expected flags. */
  readonly parentFlags?: string | null
}

interface FileChange extends Change {
  readonly kind: 'create' | 'remove' | 'link' | 'hard' | 'touch' | 'mode' | 'owner' | 'group' | 'tree' | 'attributes'
  /** Absent for changes another change's command already performs. */
  readonly command?: Command
}

const kindOf = (s: FileState | undefined): string => (s?.exists ? (s.type === 'directory' ? 'directory' : s.type === 'link' ? 'link' : s.type === 'file' && (s.nlink ?? 1) > 1 ? 'hard' : s.type === 'file' ? 'file' : s.type!) : 'absent')

const TREE_MARK = '@@tsplay-tree'
const WALK_MARK = '@@tsplay-walk'

/** A symbolic link's relative src is relative to the link's directory; a hard link's, like ln's, to the working directory. */
const resolveSrc = (path: string, src: string, hard: boolean): string => (posix.isAbsolute(src) || hard ? src : posix.join(posix.dirname(path), src))

/** Manage files, directories, links and their attributes, like Ansible's `file`. */
export const file = defineModule({
  name: 'file',
  gathersAhead: true,
  args: withPathAliases,
  description: 'manage files, directories, symbolic and hard links, and their owner, group and mode',
  example: 'file:\n  path: /etc/app\n  state: directory\n  mode: \'0755\'',
  async gather(ctx, a: Args): Promise<State> {
    if (a._diff_peek !== undefined) {
      const head = await ctx.conn.exec(sh`head -c 8192 ${pathArg(a.path)} 2>/dev/null | od -An -tx1 -v`, { allowFailure: true })
      return { path: { path: a.path, exists: false }, umask: 0o022, appearsBinary: /(^|\s)00(\s|$)/.test(head.stdout) }
    }
    // With attributes, lsattr flags of the path (and of its directory: what a path the task creates starts from).
    const flags = a.attributes !== undefined && a.state !== 'absent' ? 'flags' as const : undefined
    // where a link's absolute target is reported (see `reported`): the path a followed link resolves to
    const linkSource = a.follow && a.state !== 'link' && a.state !== 'absent'
    const requests: ProbeRequest[] = [{ path: a.path, linkSource, ...(flags ? { attributes: flags } : {}) }, { path: a.path, follow: true, ...(flags ? { attributes: flags } : {}) }]
    if (a.src !== undefined) requests.push({ path: resolveSrc(a.path, a.src, a.state === 'hard'), follow: true })
    if (flags) requests.push({ path: posix.dirname(a.path), follow: true, attributes: flags })
    // With recurse and attributes, the listing of everything below path comes in the same round trip.
    const recurse = a.recurse && (a.mode !== undefined || a.owner !== undefined || a.group !== undefined)
    // The ids of owner/group names and, for state absent, the listing Ansible's diff shows: a command of their own
    // beside the probe (both leave together, see Coalescer), so that a loop's probes can go as one (probeFiles).
    const attrs = a.state !== 'absent'
    const parts = [epochScript(a, a.state === 'touch'), ...(attrs ? [idScript(a)] : [])].filter((c) => c !== ':')
    if (a.state === 'absent') parts.push(sh`echo ${WALK_MARK}
${raw(walkScript(a.path))} 2>/dev/null`)
    if (recurse) parts.push(sh`echo ${TREE_MARK}
${raw(treeScript(a.path))} 2>/dev/null`)
    const [{ files, umask }, rest] = await Promise.all([
      probeFiles(ctx.conn, requests),
      parts.length === 0 ? undefined : ctx.conn.exec(sh`${raw(parts.join('\n'))}`, { allowFailure: true }),
    ])
    const [beforeTree = '', listing] = (rest?.stdout ?? '').split(`${TREE_MARK}\n`)
    const [noted = '', walk] = beforeTree.split(`${WALK_MARK}\n`)
    const epochs = parseEpochs(noted)
    const [path, followed] = files as [FileState, FileState]
    const src = a.src !== undefined ? files[2] : undefined
    const parent = flags ? files[files.length - 1] : undefined
    const target = a.follow && path.type === 'link' ? followed : undefined
    return {
      path, umask, epochs,
      ...(parent ? { parentFlags: parent.attrFlags ?? null } : {}),
      ...(attrs && (a.owner !== undefined || a.group !== undefined) ? { ids: parseIds(noted, a) } : {}),
      ...(walk !== undefined && path.type === 'directory' ? { content: parseWalk(walk, a.path) } : {}),
      ...(target ? { target } : {}), ...(src ? { src } : {}), ...(listing !== undefined ? { tree: parseTree(listing) } : {}),
    }
  },
  plan(a: Args, s: State, ctx) {
    if (s.appearsBinary !== undefined) return { changes: [], values: { path: a.path, appears_binary: s.appearsBinary } }
    const prev = kindOf(s.path)
    const state: FileStateArg = a.state ?? (prev !== 'absent' ? (prev as FileStateArg) : a.recurse ? 'directory' : 'file')
    const fail = (msg: string): never => {
      throw new ModuleError(msg, { path: a.path, state: prev })
    }
    const changes: FileChange[] = []
    // The object whose attributes count: the link's target when following, else the path itself.
    let subject: FileState = s.target?.exists ? s.target : s.path
    switch (state) {
      case 'absent':
        if (prev !== 'absent') changes.push({ kind: 'remove', summary: `remove ${prev} ${a.path}`, command: sh`rm -rf -- ${a.path}` })
        return result(a, state, prev, changes, [], s, ctx.check, undefined)
      case 'file':
        if (prev === 'absent' || (subject.type !== 'file')) fail(`file (${a.path}) is ${subject.exists ? kindOf(subject) : 'absent'}, cannot continue`)
        break
      case 'directory':
        if (prev === 'absent') {
          subject = newPath(a.path, 'directory', 0o777 & ~s.umask, s.ids)
        } else if (subject.type !== 'directory') fail(`${a.path} already exists as a ${kindOf(subject)}`)
        break
      case 'touch':
        if (prev === 'absent') {
          subject = newPath(a.path, 'file', 0o666 & ~s.umask, s.ids)
          changes.push({ kind: 'touch', summary: `create ${a.path}`, command: sh`touch -- ${pathArg(a.path)}` })
        }
        break
      case 'link':
      case 'hard':
        subject = planLink(a, s, state, prev, changes, fail)
        break
    }
    // A file touch just created already has the current times (its diff still shows them, as Ansible touches it again).
    const created = state === 'touch' && prev === 'absent' && a.modification_time === undefined && a.access_time === undefined
    const times = planTimes(a, subject, s.epochs ?? {}, state === 'touch')
    if (!created && times.commands.length > 0) changes.push({ kind: 'touch', summary: `${state === 'touch' ? 'touch' : 'set times of'} ${a.path}`, command: and(...times.commands) })
    const early = ctx.check && prev === 'absent' && (state === 'directory' || state === 'touch')
    const unknown = s.ids && !early && !(state === 'link' && !a.follow) ? unknownIdMessage(a, s.ids) : undefined
    if (unknown) throw new ModuleError(unknown, pathValues(a, 'file', reported(a, state, s.path, s.target)))
    const attrs = state === 'link' && !a.follow ? [] : planAttrs(a, subject, s.umask, s.ids)
    if (state === 'directory' && prev === 'absent') {
      const chattr = planFlags(a, subject, prev, s)
      const created = createDirectory(a.path, attrs)
      return result(a, state, prev, chattr ? [...created, { kind: 'attributes', summary: chattr.summary, command: chattr.command }] : created, attrs, s, ctx.check, times, chattr)
    }
    const recursive = s.tree ? planTree(a, a.path, s.tree, s.umask, s.ids) : undefined
    const follow = state !== 'link' || a.follow
    const attrChanges: FileChange[] = attrs.map((c) => ({ ...c, kind: c.kind, command: attrCommand([c], follow)! }))
    if (recursive) attrChanges.push({ kind: 'tree', summary: recursive.summary, command: treeCommand(a, a.path) })
    const chattr = state === 'link' && !a.follow ? undefined : planFlags(a, subject, prev, s)
    if (chattr) attrChanges.push({ kind: 'attributes', summary: chattr.summary, command: chattr.command })
    return result(a, state, prev, [...changes, ...attrChanges], attrs, s, ctx.check, times, chattr)
  },
  async apply(ctx, plan, a: Args) {
    // The result describes the path after the change, read in the same round trip as the change itself.
    const commands = and(...plan.changes.flatMap((c) => (c.command ? [c.command] : [])))
    const state = (plan.values?.['state'] === 'absent' ? 'absent' : a.state ?? plan.values?.['state']) as FileStateArg
    const requests: ProbeRequest[] = [{ path: a.path }, { path: a.path, follow: true }]
    const result = await ctx.conn.exec(sh`${raw(commands)} && ${raw(probeScript(requests))}`, { allowFailure: true })
    if (result.exitCode === CHATTR_FAILED) {
      const now = parseProbe((await ctx.conn.exec(probeScript(requests))).stdout, requests).files as [FileState, FileState]
      throw new ModuleError('chattr failed', { ...pathValues(a, 'file', reported(a, state, now[0], now[1])), changed: false, details: `Error while setting attributes: ${result.stderr}` })
    }
    if (result.exitCode !== 0) throw new CommandError(ctx.conn.host, result)
    const [path, target] = parseProbe(result.stdout, requests).files as [FileState, FileState]
    return pathValues(a, state, reported(a, state, path, target))
  },
})

/** The chattr for `attributes`: against lsattr's flags of the path, or for a path the task creates, its directory's (ext4 passes them on). */
function planFlags(a: Args, subject: FileState, prev: string, s: State): ChattrPlan | undefined {
  const current = prev === 'absent' ? s.parentFlags ?? undefined : subject.attrFlags
  return planChattr(a.attributes, current, a.path)
}

/** What a path the task creates will look like: owned by the connection user when `ids` knows it. */
function newPath(path: string, type: 'file' | 'directory', mode: number, ids?: OwnerIds): FileState {
  return { path, exists: true, type, mode: octal(mode), uid: ids?.self?.uid ?? -1, gid: ids?.self?.gid ?? -1, owner: '', group: '' }
}

/** Every directory `mkdir -p` creates gets the attributes, as Ansible applies them to each one it made. */
function createDirectory(path: string, attrs: readonly AttrChange[]): FileChange[] {
  if (attrs.length === 0) return [{ kind: 'create', summary: `create directory ${path}`, command: sh`mkdir -p -- ${path}` }]
  const script = sh`p=${path}; set --; while [ ! -d "$p" ]; do set -- "$p" "$@"; p=$(dirname -- "$p"); done`
  const apply = attrs.map((c) => (c.kind === 'owner' ? sh`chown -- ${c.value} "$d"` : c.kind === 'group' ? sh`chgrp -- ${c.value} "$d"` : sh`chmod -- ${c.value} "$d"`))
  const create: FileChange = { kind: 'create', summary: `create directory ${path}`, command: sh`${raw(script)}; mkdir -p -- ${path}; for d; do ${raw(and(...apply))}; done` }
  return [create, ...attrs.map((c): FileChange => ({ kind: c.kind, summary: c.summary }))]
}

function planLink(a: Args, s: State, state: 'link' | 'hard', prev: string, changes: FileChange[], fail: (msg: string) => never): FileState {
  // No src: an existing link (or hard link) stays as it is (the state was taken from it); anything else needs one.
  if (a.src === undefined && prev === state) return s.path
  if (a.src === undefined) fail(`src is required for creating new ${state === 'link' ? 'symlinks' : 'hardlinks'}`)
  const src = a.src!
  const srcState = s.src
  if (state === 'hard' && !srcState?.exists) fail('src does not exist')
  if (state === 'link' && !srcState?.exists && !a.force) fail(`src file does not exist, use "force=yes" if you really want to create the link: ${resolveSrc(a.path, src, false)}`)
  if (state === 'link' && prev === 'link' && s.path.linkTarget === src) return s.target?.exists ? s.target : s.path
  if (state === 'hard' && s.path.exists && s.path.inode === srcState!.inode && s.path.dev === srcState!.dev) return s.path
  if (prev === 'directory') {
    if (!a.force) fail(`refusing to convert from directory to ${state === 'link' ? 'symlink' : 'hard link'} for ${a.path}`)
    if ((s.path.nlink ?? 2) > 2) fail(`the directory ${a.path} is not empty, refusing to convert it`)
  }
  if (state === 'link' && (prev === 'file' || prev === 'hard') && !a.force) fail(`refusing to convert from file to symlink for ${a.path}`)
  if (state === 'hard' && (prev === 'file' || prev === 'hard') && !a.force) fail(`Cannot link, ${prev === 'hard' ? 'different hard link' : 'file'} exists at destination`)
  const flags = state === 'link' ? '-sfn' : '-fn'
  const remove = prev === 'directory' ? sh`rmdir -- ${a.path} && ` : sh``
  changes.push({ kind: state, summary: `link ${a.path} → ${src}${state === 'hard' ? ' (hard)' : ''}`, command: sh`${raw(remove)}ln ${raw(flags)} -- ${src} ${a.path}` })
  return srcState?.exists ? srcState : newPath(a.path, 'file', 0o777)
}

/**
 * The plan's values and diff as ansible-core's: a re-pointed link shows both targets, changed times their
 * floats, a removed directory what it held; in check mode a path that does not exist yet shows no attributes
 * (a directory) or no diff at all (touch), as its module returns early.
 */
function result(a: Args, state: FileStateArg, prev: string, changes: FileChange[], attrs: readonly AttrChange[], s: State, check: boolean, times: TimesPlan | undefined, chattr?: ChattrPlan) {
  const values = pathValues(a, state, reported(a, state, s.path, s.target))
  if (changes.length === 0) return { changes, values }
  if (check && prev === 'absent' && state === 'touch') return { changes, values }
  const early = check && prev === 'absent' && state === 'directory'
  const fields = attrDiffFields(early ? [] : attrs)
  const floats = (t: Record<string, number>) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, asFloat(v)]))
  const flags = chattr && !early ? { before: { attributes: chattr.before }, after: { attributes: chattr.after } } : { before: {}, after: {} }
  const before: Record<string, unknown> = { path: a.path, ...fields.before, ...flags.before, ...(times && !early ? floats(times.before) : {}) }
  const after: Record<string, unknown> = { path: a.path, ...fields.after, ...flags.after, ...(times && !early ? floats(times.after) : {}) }
  if (state !== prev) {
    before['state'] = prev
    after['state'] = state
    if (state === 'absent' && prev === 'directory') before['path_content'] = s.content ?? { directories: [], files: [] }
  }
  if (state === 'link' && prev === 'link' && a.src !== undefined && s.path.linkTarget !== a.src) {
    before['src'] = s.path.linkTarget
    after['src'] = a.src
  }
  const diff: Diff[] = [{ before: jsonDiffText(before), after: jsonDiffText(after) }]
  return { changes, values, diff }
}

/** The object Ansible reports on: the link itself for link states, else what a followed link points to. */
function reported(a: Args, state: FileStateArg, path: FileState, target: FileState | undefined): FileState {
  if (state === 'link' || state === 'absent' || !a.follow || path.type !== 'link' || !target?.exists) return path
  return { ...target, path: path.linkSource ?? a.path }
}

/** Ansible's returned path info: `dest` for touch/link/hard and `path` otherwise, then the object's kind and attributes. */
function pathValues(a: Args, state: FileStateArg, f: FileState): Record<string, unknown> {
  const key = state === 'touch' || state === 'link' || state === 'hard' ? 'dest' : 'path'
  const src = a.src ?? (f.type === 'link' ? f.linkTarget : undefined)
  if (state === 'absent') return { path: a.path, state: 'absent' }
  if (!f.exists) return { [key]: f.path }
  return { [key]: f.path, ...(src === undefined ? {} : { src }), state: kindOf(f), mode: f.mode, uid: f.uid, gid: f.gid, owner: f.owner, group: f.group, size: f.size }
}
