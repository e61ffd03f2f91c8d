// - name: install the app's configuration
//   copy:
//     src: app.conf            # from the role's files/
//     dest: /etc/app/app.conf
//     owner: root
//     mode: '0644'
//     backup: true
import { lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync } from 'node:fs'
import { join, posix } from 'node:path'
import { z } from 'zod'
import { and, type Command, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { toPythonJson } from '../engine/template/index.js'
import { defineModule, type Diff, type ModuleContext, type Plan } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { octal } from './lib/file-attrs.js'
import { type FileState, probeFiles } from './lib/file-state.js'
import { gatherRemoteTree, planRemoteTree, type RemoteTree } from './lib/remote-copy.js'
import { applyWrite, MAX_DIFF_SIZE, planWrite, sha1, writeArgs, type WriteChange, type WriteRequest } from './lib/write-file.js'

const args = z.object({
  src: z.string().optional().describe("file or directory to copy: on the controller (looked up in the role's files/), or on the host with remote_src"),
  // A list or dict (a template that rendered to one) is written as JSON, as ansible-core's copy action does.
  content: z.union([text, z.array(z.unknown()), z.record(z.unknown())]).transform((v) => (typeof v === 'string' ? v : toPythonJson(v, { ensureAscii: true }))).optional().describe('write this text to dest instead of copying src (a list or dict is written as JSON)'),
  dest: z.string().min(1).describe("where to write; a directory (existing, or ending in '/') receives src under its own name"),
  remote_src: yamlBool.default(false).describe('src is a path on the host, not on the controller'),
  force: yamlBool.default(true).describe('replace dest when its content differs; false writes only when dest does not exist'),
  follow: yamlBool.default(false).describe('when dest is a symbolic link, write to the file it points to'),
  local_follow: yamlBool.default(true).describe('in a src directory on the controller, copy what symbolic links point to; false (or a link that loops) makes the same link on the host'),
  checksum: z.string().optional().describe('expected sha1 of the content; the copy fails when it differs'),
  directory_mode: z.string().optional().describe('mode of directories created while copying a directory'),
  ...writeArgs,
}).strict().superRefine((a, ctx) => {
  if ((a.src === undefined) === (a.content === undefined)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [a.src === undefined ? 'src' : 'content'], message: a.src === undefined ? "one of 'src' or 'content' is required" : "'src' and 'content' are mutually exclusive" })
})

type Args = z.output<typeof args>

/** One file to write: where, and the bytes (read on the controller, or from the host with remote_src). */
interface Job {
  readonly dest: string
  readonly content: Buffer
  readonly afterHeader: string
  /** The source's mode, which `mode: preserve` gives dest. */
  readonly mode?: string | undefined
}

interface State {
  readonly jobs: readonly Job[]
  readonly targets: readonly FileState[]
  /** Directories the copy needs, with whether they exist. */
  readonly dirs: readonly FileState[]
  readonly umask: number
  /** Symbolic links of a controller tree kept as links (local_follow false, or a loop), with what is at each dest. */
  readonly links?: readonly { readonly dest: string; readonly target: string; readonly state: FileState }[]
  /** Set instead of jobs when src is a directory on the host (remote_src). */
  readonly remoteTree?: { readonly tree: RemoteTree; readonly rootExists: boolean }
}

/** A file write (`job` ≥ 0), a directory to create (`job` -1, `dir` set), or a step of a remote tree copy (`command` set). */
interface CopyChange extends Omit<WriteChange, 'request'> {
  readonly job: number
  readonly request?: WriteRequest
  readonly dir?: string
  readonly command?: Command
  /** A symbolic link to make (`job` -3): dest and the target as stored in the controller's link. */
  readonly link?: { readonly dest: string; readonly target: string }
}

/** Copy a file, a directory tree or literal content to the host, like Ansible's `copy`. */
export const copy = defineModule({
  name: 'copy',
  gathersAhead: true,
  args,
  description: 'copy files from the controller (or the host) to the host, or write literal content',
  example: "copy:\n  content: \"nameserver 10.0.0.1\\n\"\n  dest: /etc/resolv.conf\n  mode: '0644'",
  async gather(ctx, a: Args) {
    const tree = a.src !== undefined && !a.remote_src ? localTree(ctx, a) : undefined
    if (tree) return probeTargets(ctx, a, tree)
    // One file: whether dest is a directory decides between dest and dest/<basename>, so probe both at once.
    const inDir = a.src === undefined ? undefined : posix.join(a.dest, posix.basename(a.src))
    const file = (path: string) => ({ path, follow: a.follow, checksum: 'sha1' as const, content: ctx.diff && MAX_DIFF_SIZE })
    const requests = [
      { path: a.dest.replace(/(.)\/+$/, '$1'), follow: true }, { path: posix.dirname(a.dest), follow: true }, file(a.dest),
      ...(inDir === undefined ? [] : [file(inDir)]), ...(a.remote_src ? [{ path: a.src!, follow: true, content: true }] : []),
    ]
    const { files, umask } = await probeFiles(ctx.conn, requests)
    const [destDir, parent, direct] = files as [FileState, FileState, FileState]
    if (a.remote_src && files[4]?.type === 'directory') {
      const root = a.src!.endsWith('/') ? destDir : files[3]!
      return { jobs: [], targets: [], dirs: [], links: [], umask, remoteTree: { tree: await gatherRemoteTree(ctx.conn, a.src!, a.dest), rootExists: root.exists } }
    }
    const destIsDir = a.dest.endsWith('/') || destDir.type === 'directory'
    if (a.content !== undefined && destIsDir) throw new ModuleError('can not use content with a dir as dest')
    const target = destIsDir ? files[3]! : direct
    const source = a.content !== undefined ? { content: Buffer.from(a.content), header: 'dynamically generated' } : a.remote_src ? remoteSource(a.src!, files[4]!) : localFile(ctx, a.src!)
    return { jobs: [{ dest: target.path, content: source.content, afterHeader: source.header, mode: source.mode }], targets: [target], dirs: [destIsDir ? destDir : parent], links: [], umask }
  },
  plan(a: Args, s: State): Plan<CopyChange> {
    if (s.remoteTree) {
      const tree = planRemoteTree(s.remoteTree.tree, a, { directoryMode: a.directory_mode, rootExists: s.remoteTree.rootExists, force: a.force })
      return { changes: tree.map((c): CopyChange => ({ ...c, job: -2 })), values: { dest: a.dest, src: a.src } }
    }
    const changes: CopyChange[] = []
    const values: Record<string, unknown> = {}
    const diff: Diff[] = []
    for (const dir of s.dirs) {
      if (dir.exists && dir.type !== 'directory') throw new ModuleError(`destination directory ${posix.dirname(dir.path)} is not a directory`)
      if (!dir.exists && s.jobs.length === 1 && !a.dest.endsWith('/')) throw new ModuleError(`Destination directory ${dir.path} does not exist`)
      if (!dir.exists) changes.push({ kind: 'write', job: -1, dir: dir.path, summary: `create directory ${dir.path}` })
    }
    s.jobs.forEach((job, i) => {
      if (a.checksum !== undefined && sha1(job.content) !== a.checksum) throw new ModuleError(`copied file does not match the expected checksum. Transfer failed.`, { checksum: sha1(job.content), expected_checksum: a.checksum })
      const target = s.targets[i]!
      const request: WriteRequest = { dest: job.dest, content: job.content, backup: a.backup, validate: a.validate, mode: a.mode === 'preserve' ? job.mode : a.mode, owner: a.owner, group: a.group, afterHeader: job.afterHeader }
      if (!a.force && target.exists) return
      const plan = planWrite(request, target, s.umask)
      if (s.jobs.length === 1) Object.assign(values, plan.values)
      // As ansible-core: the copy module (remote_src) shows no diff, and a tree of several files keeps none.
      if (!a.remote_src && s.jobs.length === 1) diff.push(...(plan.diff ?? []))
      changes.push(...plan.changes.map((c) => ({ ...c, job: i })))
    })
    // Links come last, as ansible-core's copy action makes them (file state=link force=true) after the files.
    for (const link of s.links ?? []) {
      if (link.state.type === 'link' && link.state.linkTarget === link.target) continue
      if (link.state.type === 'directory') throw new ModuleError(`refusing to convert from directory to symlink for ${link.dest}`)
      changes.push({ kind: 'write', job: -3, link: { dest: link.dest, target: link.target }, summary: `link ${link.dest} → ${link.target}` })
    }
    // A kept file (force false) reports only its dest, as ansible-core's copy action does.
    if (s.jobs.length !== 1 || values['dest'] === undefined) Object.assign(values, { dest: s.jobs.length === 1 ? s.jobs[0]!.dest : a.dest })
    if (a.src !== undefined && values['checksum'] !== undefined) values['src'] = a.src
    return { changes, values, diff }
  },
  async apply(ctx, plan, a) {
    const remote = plan.changes.flatMap((c) => (c.command === undefined ? [] : [c.command]))
    if (remote.length > 0) return void (await ctx.conn.exec(and(...remote)))
    const dirs = plan.changes.flatMap((c) => (c.dir === undefined ? [] : [c.dir]))
    if (dirs.length > 0) await ctx.conn.exec(a.directory_mode === undefined ? sh`mkdir -p -- ${dirs}` : sh`mkdir -p -- ${dirs} && chmod -- ${a.directory_mode} ${dirs}`)
    let values: Record<string, unknown> = {}
    const jobs = new Set(plan.changes.map((c) => c.job).filter((j) => j >= 0))
    for (const job of jobs) {
      const changes = plan.changes.filter((c): c is WriteChange & CopyChange => c.job === job && c.request !== undefined)
      values = { ...values, ...(await applyWrite(ctx, changes)) }
    }
    const links = plan.changes.flatMap((c) => (c.link === undefined ? [] : [sh`ln -sfnT -- ${c.link.target} ${c.link.dest}`]))
    if (links.length > 0) await ctx.conn.exec(and(...links))
    return values
  },
})

interface Source {
  readonly content: Buffer
  readonly header: string
  readonly mode?: string | undefined
}

function remoteSource(src: string, file: FileState): Source {
  if (!file.exists) throw new ModuleError(`Source ${src} not found`)
  if (file.type !== 'file') throw new ModuleError(`cannot copy a ${file.type}: ${src}`)
  return { content: file.content ?? Buffer.alloc(0), header: src, mode: file.mode }
}

function localFile(ctx: ModuleContext, src: string): Source {
  const local = ctx.controller.findFile('files', src)
  return { content: readFileSync(local), header: local, mode: octal(statSync(local).mode & 0o7777) }
}

/** A controller directory as (target, source) pairs plus the links to make; undefined when src is a single file. */
function localTree(ctx: ModuleContext, a: Args): LocalTree | undefined {
  const src = a.src!
  const local = ctx.controller.findFile('files', src)
  if (!statSync(local).isDirectory()) return undefined
  // With a trailing slash the directory's contents go into dest, without it the directory itself does.
  const root = src.endsWith('/') ? a.dest : posix.join(a.dest, posix.basename(src.replace(/\/+$/, '')))
  const entries = walk(local, a.local_follow)
  const files = entries.filter((e) => e.target === undefined)
  const source = (path: string): Source => ({ content: readFileSync(path), header: path, mode: octal(statSync(path).mode & 0o7777) })
  return {
    targets: files.map((e) => posix.join(root, e.rel)),
    sources: files.map((e) => source(e.path)),
    links: entries.flatMap((e) => (e.target === undefined ? [] : [{ dest: posix.join(root, e.rel), target: e.target }])),
  }
}

interface LocalTree {
  readonly targets: string[]
  readonly sources: Source[]
  readonly links: { dest: string; target: string }[]
}

/** Probe every target of a tree copy and the directories they need, in one round trip. */
async function probeTargets(ctx: ModuleContext, a: Args, tree: LocalTree): Promise<State> {
  const dirs = [...new Set([...tree.targets, ...tree.links.map((l) => l.dest)].map((t) => posix.dirname(t)))]
  const requests = [
    ...tree.targets.map((path) => ({ path, follow: a.follow, checksum: 'sha1' as const, content: ctx.diff && MAX_DIFF_SIZE })),
    ...tree.links.map((l) => ({ path: l.dest, follow: false, linkSource: false })),
    ...dirs.map((path) => ({ path, follow: true })),
  ]
  const probed = await probeFiles(ctx.conn, requests)
  const jobs = tree.targets.map((dest, i) => ({ dest, content: tree.sources[i]!.content, afterHeader: tree.sources[i]!.header, mode: tree.sources[i]!.mode }))
  const n = tree.targets.length
  const links = tree.links.map((l, i) => ({ ...l, state: probed.files[n + i]! }))
  return { jobs, targets: probed.files.slice(0, n), links, dirs: probed.files.slice(n + tree.links.length), umask: probed.umask }
}

/** One entry of a controller tree: a file to copy from `path`, or (with `target`) a link to make. */
interface TreeEntry {
  readonly rel: string
  readonly path: string
  readonly target?: string
}

/**
 * The files under `dir` as ansible-core's `_walk_dirs`: with `follow`, a link to a file is copied from its target
 * and a link to a directory is walked, unless that directory contains it (a loop, kept as a link); without, every
 * link is kept as a link. A link to nothing is kept as a link either way.
 */
function walk(dir: string, follow: boolean, prefix = '', parents: ReadonlySet<string> = new Set([identity(dir)])): TreeEntry[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .sort((x, y) => x.name.localeCompare(y.name))
    .flatMap((entry): TreeEntry[] => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name
      const path = join(dir, rel)
      if (entry.isDirectory()) return walk(dir, follow, rel, new Set([...parents, identity(path)]))
      if (!entry.isSymbolicLink()) return [{ rel, path }]
      const real = follow ? realTarget(path) : undefined
      if (real?.isFile) return [{ rel, path: real.path }]
      if (real?.isDirectory && !parents.has(identity(real.path))) {
        return walk(real.path, follow, '', new Set([...parents, identity(real.path)])).map((e) => ({ ...e, rel: `${rel}/${e.rel}` }))
      }
      return [{ rel, path, target: readlinkSync(path) }]
    })
}

/** Device and inode of a directory, to recognise it again through another path. */
const identity = (path: string): string => {
  const st = statSync(path)
  return `${st.dev}:${st.ino}`
}

/** Where a link finally points, or undefined when it points nowhere. */
function realTarget(path: string): { path: string; isFile: boolean; isDirectory: boolean } | undefined {
  try {
    const real = realpathSync(path)
    const st = lstatSync(real)
    return { path: real, isFile: st.isFile(), isDirectory: st.isDirectory() }
  } catch {
    return undefined
  }
}
