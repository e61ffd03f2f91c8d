import type { Connection } from '../../engine/connection/index.js'
import { type FileState, probeFile } from './file-state.js'

/** The fields ansible's exit_json adds to a result that names an existing `path` (lstat: a link is described itself). */
export function pathInfoOf(s: FileState): Record<string, unknown> {
  if (!s.exists) return {}
  const state = s.type === 'link' ? 'link' : s.type === 'directory' ? 'directory' : (s.nlink ?? 1) > 1 ? 'hard' : 'file'
  return { uid: s.uid, gid: s.gid, owner: s.owner, group: s.group, mode: s.mode, state, size: s.size }
}

/** Probe `path` and return what ansible's exit_json adds for it: owner, group, mode, state and size. */
export async function pathInfo(conn: Connection, path: string): Promise<Record<string, unknown>> {
  return pathInfoOf(await probeFile(conn, { path, linkSource: false }))
}
