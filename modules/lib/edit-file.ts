import { posix } from 'node:path'
import { type Connection, sh } from '../../engine/connection/index.js'
import { ModuleError } from '../../engine/errors.js'
import type { ModuleContext, Plan } from '../../engine/module.js'
import { attrDiffFields, type AttrRequest, jsonDiffText } from './file-attrs.js'
import { type FileState, probeFiles } from './file-state.js'
import { applyWrite, planWrite, type WriteChange } from './write-file.js'

/** A text file to edit in place and its directory, read in one round trip. */
export interface EditState {
  readonly file: FileState
  readonly parent: FileState
  readonly umask: number
}

/** A change of an in-place edit; `mkdir` marks creating the file's missing directory first. */
export interface EditChange extends WriteChange {
  readonly mkdir?: string
}

/** Options of an in-place edit that shape the write, as lineinfile and blockinfile share them. */
export interface EditOptions extends AttrRequest {
  readonly backup: boolean
  readonly validate?: string | undefined
}

/** Read the file to edit (content and sha1, following links) and whether its directory exists; a directory there is an error. */
export async function gatherEdit(conn: Connection, path: string): Promise<EditState> {
  const { files, umask } = await probeFiles(conn, [{ path, follow: true, checksum: 'sha1', content: true }, { path: posix.dirname(path), follow: true }])
  if (files[0]!.exists && files[0]!.type === 'directory') throw new ModuleError(`Path ${path} is a directory !`, { rc: 256 })
  return { file: files[0]!, parent: files[1]!, umask }
}

/**
 * Plan writing the edited text: `msg` is the edit's own message ('' when the text is unchanged), extended
 * as Ansible does when attributes change too; summaries read "<msg> in <path>". In check mode a file that
 * does not exist yet gets no attribute diff, as ansible-core returns before comparing attributes. `header` names both
 * sides of the content diff (lineinfile's `PATH (content)`, replace's bare path); `attrDiff` false leaves attribute
 * changes out of the diff, as replace does.
 */
export function planEdit(path: string, state: EditState, text: string, msg: string, options: EditOptions, check = false, header = `${path} (content)`, attrDiff = true): Plan<EditChange> {
  const plan = planWrite({ ...options, dest: path, content: Buffer.from(text), beforeHeader: header, afterHeader: header }, state.file, state.umask)
  const note = 'ownership, perms or SE linux context changed'
  const attrsChanged = plan.changes.some((c) => c.kind !== 'write')
  const changes: EditChange[] = plan.changes.map((c) => (c.kind === 'write' ? { ...c, summary: `${(msg || 'create file').toLowerCase()} in ${path}` } : c))
  if (changes.length > 0 && !state.parent.exists) changes.unshift({ ...changes[0]!, summary: `create directory ${state.parent.path}`, mkdir: state.parent.path })
  // As ansible-core: the content diff, then the attributes as their own diff (without the path).
  const fields = attrDiffFields(plan.changes.flatMap((c) => (c.attr ? [c.attr] : [])))
  const attrHeader = `${path} (file attributes)`
  const diff = [
    ...(plan.changes.some((c) => c.kind === 'write') ? (plan.diff ?? []) : []),
    ...(attrDiff && attrsChanged && !(check && !state.file.exists) ? [{ before: jsonDiffText(fields.before), after: jsonDiffText(fields.after), beforeHeader: attrHeader, afterHeader: attrHeader }] : []),
  ]
  return { changes, diff, values: { msg: attrsChanged ? (msg ? `${msg} and ${note}` : note) : msg } }
}

/** Do a planned edit; returns `backup_file` when a backup was kept. */
export async function applyEdit(ctx: ModuleContext, changes: readonly EditChange[]): Promise<Record<string, unknown>> {
  const mkdir = changes.find((c) => c.mkdir !== undefined)?.mkdir
  if (mkdir !== undefined) await ctx.conn.exec(sh`mkdir -p -- ${mkdir}`)
  return applyWrite(ctx, changes.filter((c) => c.mkdir === undefined))
}
