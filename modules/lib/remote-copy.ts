import { posix } from 'node:path'
import { and, type Command, type Connection, raw, sh } from '../../engine/connection/index.js'
import type { Change } from '../../engine/module.js'
import { type AttrRequest, tempAttrCommands } from './file-attrs.js'

/** A directory on the host copied to another place on the host (`copy` with remote_src and a directory src). */
export interface RemoteTree {
  readonly src: string
  /** Where the tree lands: dest itself, or dest/<basename of src> when src has no trailing slash. */
  readonly root: string
  /** sha1 of every regular file below src and below root, by path relative to them. */
  readonly srcFiles: ReadonlyMap<string, string>
  readonly destFiles: ReadonlyMap<string, string>
  /** Directories below src, relative, and which of them exist below root. */
  readonly srcDirs: readonly string[]
  readonly destDirs: ReadonlySet<string>
}

/** One file or directory of a remote tree copy, with the command that makes it. */
export interface RemoteTreeChange extends Change {
  readonly kind: 'write'
  readonly command: Command
}

const MARK = '@@tsplay-dest'

/** Read both trees (files with sha1, directories) in one round trip. */
export async function gatherRemoteTree(conn: Connection, src: string, dest: string): Promise<RemoteTree> {
  const root = src.endsWith('/') ? dest : posix.join(dest, posix.basename(src.replace(/\/+$/, '')))
  const list = (dir: string): Command => sh`if [ -d ${dir} ]; then cd -- ${dir} && find . -type d -printf 'd %P\\0' && find . -type f -exec sha1sum -z -- {} + ; fi`
  const result = await conn.exec(sh`(${raw(list(src))}); printf '%s\\0' ${MARK}; (${raw(list(root))})`)
  const [srcText = '', destText = ''] = result.stdout.split(`${MARK}\0`)
  const parse = (text: string) => {
    const files = new Map<string, string>()
    const dirs: string[] = []
    // NUL-separated records, so that any file name (even with a newline) survives.
    for (const line of text.split('\0')) {
      if (line.startsWith('d ')) {
        if (line.length > 2) dirs.push(line.slice(2))
      } else {
        const m = /^([0-9a-f]{40}) {2}\.\/([\s\S]*)$/.exec(line)
        if (m) files.set(m[2]!, m[1]!)
      }
    }
    return { files, dirs }
  }
  const s = parse(srcText)
  const d = parse(destText)
  return { src, root, srcFiles: s.files, destFiles: d.files, srcDirs: s.dirs, destDirs: new Set(d.dirs) }
}

/** Directories to create and files to copy (missing, or different when forced), with attributes set on what is copied. */
export function planRemoteTree(tree: RemoteTree, attrs: AttrRequest, options: { directoryMode?: string | undefined; rootExists: boolean; force: boolean }): RemoteTreeChange[] {
  const { directoryMode, rootExists, force } = options
  const changes: RemoteTreeChange[] = []
  const dirs = [...(rootExists ? [] : ['']), ...tree.srcDirs.filter((d) => !tree.destDirs.has(d))].map((d) => (d === '' ? tree.root : posix.join(tree.root, d)))
  for (const dir of dirs) {
    changes.push({ kind: 'write', summary: `create directory ${dir}`, command: directoryMode === undefined ? sh`mkdir -p -- ${dir}` : sh`mkdir -p -- ${dir} && chmod -- ${directoryMode} ${dir}` })
  }
  for (const [rel, sum] of [...tree.srcFiles].sort(([x], [y]) => x.localeCompare(y))) {
    // Without force an existing file is kept whatever it holds, as copy does for single files.
    if (tree.destFiles.get(rel) === sum || (!force && tree.destFiles.has(rel))) continue
    const from = posix.join(tree.src, rel)
    const to = posix.join(tree.root, rel)
    // Copied beside the target, given its attributes, then renamed over it: never a half-written file.
    const set = tempAttrCommands(attrs)
    const copy = and(sh`cp -p -- ${from} "$t"`, ...set, sh`mv -f -- "$t" ${to}`)
    changes.push({ kind: 'write', summary: `copy ${from} to ${to}`, command: sh`t=${`${to}.tsplay-tmp`}; ${raw(copy)} || { rm -f -- "$t"; exit 1; }` })
  }
  return changes
}
