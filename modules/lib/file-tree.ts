import { and, type Command, sh } from '../../engine/connection/index.js'
import { type AttrRequest, planAttrs } from './file-attrs.js'
import { pathArg } from './path-arg.js'
import type { OwnerIds } from './file-attrs.js'
import type { FileState } from './file-state.js'

/** One object below a directory, as `find -printf` reports it. */
export interface TreeEntry {
  readonly path: string
  readonly type: 'file' | 'directory' | 'link' | 'other'
  readonly mode: string
  readonly uid: number
  readonly gid: number
  readonly owner: string
  readonly group: string
}

const FORMAT = '%y %m %U %G %u %g %p\\0'

/** The find command that lists everything below `path` (not following links), NUL-separated; relative paths print with `./`. */
export const treeScript = (path: string): Command => sh`find ${pathArg(path)} -mindepth 1 -printf ${FORMAT}`

/** Parse `treeScript` output. */
export function parseTree(stdout: string): TreeEntry[] {
  return stdout
    .split('\0')
    .filter((r) => r !== '')
    .map((record) => {
      const [type = '', mode = '', uid = '', gid = '', owner = '', group = ''] = record.split(' ', 6)
      const path = record.split(' ').slice(6).join(' ')
      const kind = type === 'f' ? 'file' : type === 'd' ? 'directory' : type === 'l' ? 'link' : 'other'
      return { path, type: kind, mode: mode.padStart(4, '0'), uid: Number(uid), gid: Number(gid), owner, group }
    })
}

/** How many entries below the directory need their attributes changed; undefined when none does. */
export function planTree(request: AttrRequest, path: string, entries: readonly TreeEntry[], umask: number, ids?: OwnerIds): { summary: string; count: number } | undefined {
  let count = 0
  for (const e of entries) {
    const state: FileState = { ...e, exists: true, type: e.type === 'other' ? 'file' : e.type }
    // chmod does not change symbolic links themselves; only owner and group apply to them.
    const wanted = e.type === 'link' ? { owner: request.owner, group: request.group } : request
    if (planAttrs(wanted, state, umask, ids).length > 0) count++
  }
  if (count === 0) return undefined
  return { count, summary: `set attributes of ${count} ${count === 1 ? 'entry' : 'entries'} below ${path}` }
}

/** chown/chgrp/chmod over the whole tree below `path` (links themselves, never their targets). */
export function treeCommand(request: AttrRequest, dir: string): Command {
  const path = pathArg(dir)
  const commands: Command[] = []
  if (request.owner !== undefined) commands.push(sh`find ${path} -mindepth 1 -exec chown -h -- ${request.owner} {} +`)
  if (request.group !== undefined) commands.push(sh`find ${path} -mindepth 1 -exec chgrp -h -- ${request.group} {} +`)
  if (request.mode !== undefined) commands.push(sh`find ${path} -mindepth 1 ! -type l -exec chmod -- ${request.mode} {} +`)
  return and(...commands)
}
