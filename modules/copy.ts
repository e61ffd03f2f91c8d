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
import { sh } from '../engine/connection/shell.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Diff, type ModuleContext } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { probeFiles, type FileState } from './lib/file-state.js'
import { applyWrite, planWrite, sha1, writeArgs, type WriteChange, type WriteRequest } from './lib/write-file.js'

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
}

interface State {
  readonly jobs: readonly Job[]
  readonly targets: readonly FileState[]
  /** Directories the copy needs, with whether they exist. */
  readonly dirs: readonly FileState[]
  readonly umask: number
}

/** A file write (`job` ≥ 0) or a directory to create (`job` -1, `dir` set). */
interface CopyChange extends Omit<WriteChange, 'request'> {
  readonly job: number
  readonly request?: WriteRequest
  readonly dir?: string
}

/** Copy a file, a directory tree or literal content to the host, like Ansible's `copy`. */
export const copy = defineModule({
  name: 'copy',
  args,
  description: 'copy files from the controller (or the host) to the host, or write literal content',
  example: "copy:\n  content: \"nameserver 10.0.0.1\\n\"\n  dest: /etc/resolv.conf\n  mode: '0644'",
  async gather(ctx, a: Args) {
    const { targets: targetPaths, sources } = await resolveSources(ctx, a)
    const dirs = [...new Set(targetPaths.map((t) => posix.dirname(t)))]
    const requests = [
      ...targetPaths.map((path) => ({ path, follow: a.follow, checksum: 'sha1' as const, content: ctx.diff })),
      ...dirs.map((path) => ({ path, follow: true })),
    ]
    const probed = await probeFiles(ctx.conn, requests)
    const targets = probed.files.slice(0, targetPaths.length)
    const jobs = targetPaths.map((dest, i) => ({ dest, content: sources[i]!.content, afterHeader: sources[i]!.header }))
    return { jobs, targets, dirs: probed.files.slice(targetPaths.length), umask: probed.umask }
  },
  plan(a: Args, s: State) {
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
      const request: WriteRequest = { dest: job.dest, content: job.content, backup: a.backup, validate: a.validate, mode: a.mode, owner: a.owner, group: a.group, afterHeader: job.afterHeader }
      if (!a.force && target.exists) return
      const plan = planWrite(request, target, s.umask)
      if (s.jobs.length === 1) Object.assign(values, plan.values)
      diff.push(...(plan.diff ?? []))
      changes.push(...plan.changes.map((c) => ({ ...c, job: i })))
    })
    if (s.jobs.length !== 1) Object.assign(values, { dest: a.dest })
    if (a.src !== undefined) values['src'] = a.src
    if (!a.force && s.targets.length === 1 && s.targets[0]!.exists) values['msg'] = 'file already exists'
    return { changes, values, diff }
  },
  async apply(ctx, plan, a) {
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
}

/** Where each file goes and what it holds, applying Ansible's rules for directory destinations. */
async function resolveSources(ctx: ModuleContext, a: Args): Promise<{ targets: string[]; sources: Source[] }> {
  const destIsDir = a.dest.endsWith('/') || (await isRemoteDir(ctx, a.dest))
  if (a.content !== undefined) {
    if (destIsDir) throw new ModuleError('can not use content with a dir as dest')
    return { targets: [a.dest], sources: [{ content: Buffer.from(a.content), header: 'dynamically generated' }] }
  }
  const src = a.src!
  if (a.remote_src) {
    const file = (await probeFiles(ctx.conn, [{ path: src, follow: true, content: true }])).files[0]!
    if (!file.exists) throw new ModuleError(`Source ${src} not found`)
    if (file.type !== 'file') throw new ModuleError(`remote_src of a ${file.type} is not supported: ${src}`)
    return { targets: [destIsDir ? posix.join(a.dest, posix.basename(src)) : a.dest], sources: [{ content: file.content ?? Buffer.alloc(0), header: src }] }
  }
  const local = ctx.controller.findFile('files', src)
  if (!statSync(local).isDirectory()) {
    return { targets: [destIsDir ? posix.join(a.dest, posix.basename(src)) : a.dest], sources: [{ content: readFileSync(local), header: local }] }
  }
  // A directory: with a trailing slash its contents go into dest, without it the directory itself does.
  const root = src.endsWith('/') ? a.dest : posix.join(a.dest, posix.basename(src.replace(/\/+$/, '')))
  const files = walk(local)
  return { targets: files.map((rel) => posix.join(root, rel)), sources: files.map((rel) => ({ content: readFileSync(join(local, rel)), header: join(local, rel) })) }
}

async function isRemoteDir(ctx: ModuleContext, path: string): Promise<boolean> {
  const result = await ctx.conn.exec(sh`test -d ${path}`, { allowFailure: true })
  return result.exitCode === 0
}

function walk(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .sort((x, y) => x.name.localeCompare(y.name))
    .flatMap((entry) => {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name
      return entry.isDirectory() ? walk(dir, rel) : [rel]
    })
}
