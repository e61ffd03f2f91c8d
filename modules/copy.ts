// - name: install the app's configuration
//   copy:
//     src: app.conf            # from the role's files/
//     dest: /etc/app/app.conf
//     owner: root
//     mode: '0644'
//     backup: true
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, posix } from 'node:path'
import { z } from 'zod'
import { and, sh } from '../engine/connection/shell.js'
import type { Command } from '../engine/connection/types.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Diff, type ModuleContext, type Plan } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { octal } from './lib/file-attrs.js'
import { probeFiles, type FileState } from './lib/file-state.js'
import { gatherRemoteTree, planRemoteTree, type RemoteTree } from './lib/remote-copy.js'
import { applyWrite, MAX_DIFF_SIZE, planWrite, sha1, writeArgs, type WriteChange, type WriteRequest } from './lib/write-file.js'

const args = z.object({
  src: z.string().optional().describe("file or directory to copy: on the controller (looked up in the role's files/), or on the host with remote_src"),
  content: text.optional().describe('write this text to dest instead of copying src'),
  dest: z.string().min(1).describe("where to write; a directory (existing, or ending in '/') receives src under its own name"),
  remote_src: yamlBool.default(false).describe('src is a path on the host, not on the controller'),
  force: yamlBool.default(true).describe('replace dest when its content differs; false writes only when dest does not exist'),
  follow: yamlBool.default(false).describe('when dest is a symbolic link, write to the file it points to'),
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
  /** Set instead of jobs when src is a directory on the host (remote_src). */
  readonly remoteTree?: { readonly tree: RemoteTree; readonly rootExists: boolean }
}

/** A file write (`job` ≥ 0), a directory to create (`job` -1, `dir` set), or a step of a remote tree copy (`command` set). */
interface CopyChange extends Omit<WriteChange, 'request'> {
  readonly job: number
  readonly request?: WriteRequest
  readonly dir?: string
  readonly command?: Command
}

/** Copy a file, a directory tree or literal content to the host, like Ansible's `copy`. */
export const copy = defineModule({
  name: 'copy',
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
      return { jobs: [], targets: [], dirs: [], umask, remoteTree: { tree: await gatherRemoteTree(ctx.conn, a.src!, a.dest), rootExists: root.exists } }
    }
    const destIsDir = a.dest.endsWith('/') || destDir.type === 'directory'
    if (a.content !== undefined && destIsDir) throw new ModuleError('can not use content with a dir as dest')
    const target = destIsDir ? files[3]! : direct
    const source = a.content !== undefined ? { content: Buffer.from(a.content), header: 'dynamically generated' } : a.remote_src ? remoteSource(a.src!, files[4]!) : localFile(ctx, a.src!)
    return { jobs: [{ dest: target.path, content: source.content, afterHeader: source.header, mode: source.mode }], targets: [target], dirs: [destIsDir ? destDir : parent], umask }
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

/** A controller directory as (target, source) pairs; undefined when src is a single file. */
function localTree(ctx: ModuleContext, a: Args): { targets: string[]; sources: Source[] } | undefined {
  const src = a.src!
  const local = ctx.controller.findFile('files', src)
  if (!statSync(local).isDirectory()) return undefined
  // With a trailing slash the directory's contents go into dest, without it the directory itself does.
  const root = src.endsWith('/') ? a.dest : posix.join(a.dest, posix.basename(src.replace(/\/+$/, '')))
  const files = walk(local)
  return { targets: files.map((rel) => posix.join(root, rel)), sources: files.map((rel) => ({ content: readFileSync(join(local, rel)), header: join(local, rel), mode: octal(statSync(join(local, rel)).mode & 0o7777) })) }
}

/** Probe every target of a tree copy and the directories they need, in one round trip. */
async function probeTargets(ctx: ModuleContext, a: Args, tree: { targets: string[]; sources: Source[] }): Promise<State> {
  const dirs = [...new Set(tree.targets.map((t) => posix.dirname(t)))]
  const requests = [
    ...tree.targets.map((path) => ({ path, follow: a.follow, checksum: 'sha1' as const, content: ctx.diff && MAX_DIFF_SIZE })),
    ...dirs.map((path) => ({ path, follow: true })),
  ]
  const probed = await probeFiles(ctx.conn, requests)
  const jobs = tree.targets.map((dest, i) => ({ dest, content: tree.sources[i]!.content, afterHeader: tree.sources[i]!.header, mode: tree.sources[i]!.mode }))
  return { jobs, targets: probed.files.slice(0, tree.targets.length), dirs: probed.files.slice(tree.targets.length), umask: probed.umask }
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .sort((x, y) => x.name.localeCompare(y.name))
    .flatMap((entry) => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name
      return entry.isDirectory() ? walk(dir, rel) : [rel]
    })
}
