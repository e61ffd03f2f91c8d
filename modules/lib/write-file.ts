import { createHash, randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import { z } from 'zod'
import { type Command, quote, raw, sh } from '../../engine/connection/index.js'
import { ModuleError } from '../../engine/errors.js'
import type { Change, Diff, ModuleContext, Plan } from '../../engine/module.js'
import { shlexSplit } from '../../engine/python/index.js'
import { yamlBool } from './args.js'
import { attrArgs, type AttrChange, attrCommand, attrDiffFields, type AttrRequest, jsonDiffText, octal, planAttrs } from './file-attrs.js'
import { type FileState, probeFile } from './file-state.js'
import { pathArg } from './path-arg.js'

/** Arguments shared by every module that writes a whole file (`copy`, `template`), as Ansible names them. */
export const writeArgs = {
  backup: yamlBool.default(false).describe('keep a timestamped copy of the old file next to it before replacing it'),
  validate: z.string().optional().describe("command that checks the new file before it replaces dest; '%s' is the new file's path"),
  ...attrArgs,
}

/** Ansible skips content diffs of files larger than this (its `max_diff_size`); probes read no more for a diff. */
export const MAX_DIFF_SIZE = 104448

/** What to write where, with the options that shape how. */
export interface WriteRequest extends AttrRequest {
  readonly dest: string
  readonly content: Buffer
  readonly backup?: boolean
  readonly validate?: string | undefined
  /** How --diff names the new side (`dynamically generated`, or the source file). */
  readonly afterHeader: string
  /** How --diff names the old side; dest when not given. */
  readonly beforeHeader?: string
}

/** The file write and any attribute changes. */
export interface WriteChange extends Change {
  readonly kind: 'write' | AttrChange['kind']
  readonly attr?: AttrChange
  /** The write this change belongs to, so apply needs nothing but the plan. */
  readonly request: WriteRequest
  /** Set on the write of a file that does not exist yet: its owner is known only after it is written. */
  readonly creates?: boolean
}

/** The sha1 of content, as Ansible's `checksum`. */
export const sha1 = (data: Buffer | string): string => createHash('sha1').update(data).digest('hex')

/** Refuse a `validate` without `%s` before anything runs, as Ansible does. */
export function checkValidate(validate: string | undefined): void {
  if (validate !== undefined && !validate.includes('%s')) throw new ModuleError(`validate must contain %s: ${validate}`)
}

/**
 * Plan writing `request.content` to a path whose current state is `dest` (probed with sha1, and content
 * when diffing). The result's values are what Ansible's copy returns.
 */
export function planWrite(request: WriteRequest, dest: FileState, umask: number): Plan<WriteChange> {
  checkValidate(request.validate)
  if (dest.exists && dest.type === 'directory') throw new ModuleError(`destination ${request.dest} is a directory`)
  const checksum = sha1(request.content)
  const write = !dest.exists || dest.type !== 'file' || dest.checksum !== checksum
  // A new file gets the mode a fresh file would get; attributes are then compared against that.
  const base: FileState = write && (!dest.exists || dest.type !== 'file') ? { path: request.dest, exists: true, type: 'file', mode: octal(0o666 & ~umask), uid: -1, gid: -1 } : dest
  const attrs = planAttrs(request, base, umask).filter((c) => dest.exists || c.kind === 'mode')
  const changes: WriteChange[] = []
  if (write) changes.push({ kind: 'write', summary: dest.exists ? `update ${request.dest}` : `create ${request.dest}`, request, ...(dest.exists ? {} : { creates: true }) })
  for (const attr of attrs) changes.push({ kind: attr.kind, summary: attr.summary, attr, request })
  const after = (kind: AttrChange['kind'], fallback: string | undefined): string | undefined => attrs.find((c) => c.kind === kind)?.value ?? fallback
  const values: Record<string, unknown> = {
    dest: request.dest,
    checksum,
    size: request.content.length,
    state: 'file',
    mode: after('mode', request.mode === undefined ? base.mode : undefined) ?? base.mode,
    owner: after('owner', request.owner ?? dest.owner),
    group: after('group', request.group ?? dest.group),
    ...(dest.exists ? { uid: dest.uid, gid: dest.gid } : {}),
  }
  if (write) values['md5sum'] = createHash('md5').update(request.content).digest('hex')
  else values['path'] = request.dest
  return { changes, values, diff: writeDiff(request, dest, write, attrs) }
}

function writeDiff(request: WriteRequest, dest: FileState, write: boolean, attrs: readonly AttrChange[]): Diff[] {
  if (write) {
    const before = dest.content ?? Buffer.alloc(0)
    const skip = (b: Buffer, size = b.length): string | undefined => (size > MAX_DIFF_SIZE ? `(file too large to diff: ${size} bytes)\n` : b.includes(0) ? '(binary)\n' : undefined)
    // Like ansible-core, a file that does not exist yet has no before header.
    return [{
      before: skip(before, dest.exists && dest.type === 'file' ? (dest.size ?? before.length) : 0) ?? before.toString('utf8'),
      after: skip(request.content) ?? request.content.toString('utf8'),
      ...(dest.exists || request.beforeHeader !== undefined ? { beforeHeader: request.beforeHeader ?? request.dest } : {}),
      afterHeader: request.afterHeader,
    }]
  }
  if (attrs.length === 0) return []
  const fields = attrDiffFields(attrs)
  return [{ before: jsonDiffText({ path: request.dest, ...fields.before }), after: jsonDiffText({ path: request.dest, ...fields.after }) }]
}

/**
 * Do the planned changes of one write: straight through `conn.writeFile` when nothing has to happen between upload and
 * rename; with `validate` or `backup`, upload to a temp file beside dest, check it, keep the old file, rename.
 */
export async function applyWrite(ctx: ModuleContext, changes: readonly WriteChange[]): Promise<Record<string, unknown>> {
  const request = changes[0]?.request
  if (request === undefined) return {}
  const attrs = changes.flatMap((c) => (c.attr ? [c.attr] : []))
  if (!changes.some((c) => c.kind === 'write')) {
    const command = attrCommand(attrs)
    if (command) await ctx.conn.exec(command)
    return {}
  }
  const mode = attrs.find((c) => c.kind === 'mode')?.value
  const options = { ...(mode ? { mode } : {}), ...(request.owner ? { owner: request.owner } : {}), ...(request.group ? { group: request.group } : {}) }
  if (!request.validate && !request.backup) {
    await ctx.conn.writeFile(request.dest, request.content, options)
    return changes.some((c) => c.creates) ? ownerValues(await probeFile(ctx.conn, { path: request.dest })) : {}
  }
  // `%s` in validate is this path: a program must not read it as an option
  const temp = pathArg(posix.join(posix.dirname(request.dest), `.tsplay.${randomBytes(6).toString('hex')}`))
  await ctx.conn.writeFile(temp, request.content, options)
  const keep = mode === undefined ? sh`[ ! -e "$p" ] || chmod --reference="$p" -- "$t"; ` : sh``
  const own = request.owner === undefined && request.group === undefined ? sh`[ ! -e "$p" ] || chown --reference="$p" -- "$t" 2>/dev/null || true; ` : sh``
  const script = sh`p=${request.dest}; t=${temp}; trap 'rm -f -- "$t"' EXIT; ${raw(keep)}${raw(own)}
${raw(request.validate ? validateCommand(request.validate) : '')}
${raw(request.backup ? sh`if [ -e "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S~)"; cp -p -- "$p" "$b" && echo "backup $b"; fi` : '')}
mv -f -- "$t" "$p" && trap - EXIT`
  const result = await ctx.conn.exec(script, { allowFailure: true })
  if (result.exitCode === VALIDATE_FAILED) {
    const rc = /\ntsplay-validate-rc (\d+)\n$/.exec(result.stdout)
    throw new ModuleError('failed to validate', { changed: false, exit_status: Number(rc?.[1] ?? 1), stdout: result.stdout.slice(0, rc?.index), stderr: result.stderr })
  }
  if (result.exitCode !== 0) throw new ModuleError(`cannot replace ${request.dest}: ${result.stderr.trim()}`)
  const backup = /^backup (.*)$/m.exec(result.stdout)?.[1]
  const created = changes.some((c) => c.creates) ? ownerValues(await probeFile(ctx.conn, { path: request.dest })) : {}
  return { ...created, ...(backup ? { backup_file: backup } : {}) }
}

/** Owner, group and mode of a file just created, as Ansible reports them after the write. */
const ownerValues = (f: FileState): Record<string, unknown> => (f.exists ? { uid: f.uid, gid: f.gid, owner: f.owner, group: f.group, mode: f.mode } : {})

const VALIDATE_FAILED = 97

/** The validate command as argv (split like Python's shlex), each `%s` being the temp file's path; never shell code. */
function validateCommand(validate: string): Command {
  const words = shlexSplit(validate).map((word) => (word === '' ? "''" : word.split('%s').map((part) => (part === '' ? '' : quote(part))).join('"$t"')))
  return sh`${raw(words.join(' '))} || { rc=$?; printf '\ntsplay-validate-rc %s\n' $rc; exit ${VALIDATE_FAILED}; }`
}
