import { type Command, sh } from '../../engine/connection/index.js'
import { pathArg, unPathArg } from './path-arg.js'

/** What ansible-core lists under `path_content` when it removes a directory: os.walk's directories and files. */
export interface PathContent {
  readonly directories: string[]
  readonly files: string[]
}

/**
 * Everything below a directory (not a link to one) in readdir order, NUL-separated: the entry's own type, its
 * type through links, and its path; nothing for anything else.
 */
export const walkScript = (path: string): Command => sh`if [ -d ${path} ] && [ ! -L ${path} ]; then find ${pathArg(path)} -mindepth 1 -printf '%y %Y %p\\0'; fi`

/**
 * The listing as Python's os.walk(path) builds it top-down: at each directory its subdirectories (links to
 * directories included, not descended) and then its other entries, then each subdirectory in turn.
 */
export function parseWalk(stdout: string, root: string): PathContent {
  const children = new Map<string, { path: string; own: string; followed: string }[]>()
  for (const record of stdout.split('\0')) {
    const match = /^(\S) (\S) (.*)$/s.exec(record)
    if (!match) continue
    const path = unPathArg(match[3]!, root)
    const parent = path.slice(0, path.lastIndexOf('/'))
    if (!children.has(parent)) children.set(parent, [])
    children.get(parent)!.push({ path, own: match[1]!, followed: match[2]! })
  }
  const out: PathContent = { directories: [], files: [] }
  const walk = (dir: string): void => {
    const entries = children.get(dir) ?? []
    for (const e of entries) (e.followed === 'd' ? out.directories : out.files).push(e.path)
    for (const e of entries) if (e.own === 'd') walk(e.path)
  }
  walk(root.replace(/(.)\/+$/, '$1'))
  return out
}
