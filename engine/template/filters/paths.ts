import { realpathSync } from 'node:fs'
import { homedir } from 'node:os'
import { posix } from 'node:path'
import { pythonStr } from '../../python/index.js'
import { bindArgs } from '../args.js'
import type { Filter } from './types.js'

// Path filters as Python's os.path (posixpath) and, for the win_ ones, ntpath compute them.

function splitext(value: unknown): string[] {
  const p = pythonStr(value)
  const base = posix.basename(p)
  const dot = base.lastIndexOf('.')
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, '']
  const cut = p.length - (base.length - dot)
  return [p.slice(0, cut), p.slice(cut)]
}

function pathJoin(value: unknown): string {
  const parts = (Array.isArray(value) ? value : [value]).map(pythonStr)
  return parts.reduce((acc, part) => (part.startsWith('/') ? part : acc === '' || acc.endsWith('/') ? acc + part : `${acc}/${part}`), '')
}

/** ntpath.splitdrive: `C:` or a UNC `\\server\share`, and the rest. */
function splitdrive(p: string): [string, string] {
  const unc = /^([\\/]{2}[^\\/]+[\\/][^\\/]+)/.exec(p)
  if (unc) return [unc[1]!, p.slice(unc[1]!.length)]
  return /^[A-Za-z]:/.test(p) ? [p.slice(0, 2), p.slice(2)] : ['', p]
}

/** ntpath.split: (head, tail) with the head's trailing separators dropped unless it is the root. */
function ntSplit(p: string): [string, string] {
  const [drive, rest] = splitdrive(p)
  const i = Math.max(rest.lastIndexOf('\\'), rest.lastIndexOf('/'))
  const head = rest.slice(0, i + 1)
  const trimmed = head.replace(/[\\/]+$/, '') || head
  return [drive + trimmed, rest.slice(i + 1)]
}

/** splitext, path_join, realpath, relpath, basename, dirname, expanduser and the win_ path filters. */
export const PATH_FILTERS: Record<string, Filter> = {
  basename: (v) => (pythonStr(v).endsWith('/') ? '' : posix.basename(pythonStr(v))),
  dirname: (v) => {
    const p = pythonStr(v)
    const i = p.lastIndexOf('/')
    if (i < 0) return ''
    const head = p.slice(0, i + 1)
    return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '')
  },
  splitext,
  path_join: pathJoin,
  realpath: (v) => {
    try {
      return realpathSync(pythonStr(v))
    } catch {
      return posix.resolve(pythonStr(v))
    }
  },
  relpath: (v, ...args) => {
    const [start = '.'] = bindArgs('relpath', args, ['start'])
    return posix.relative(posix.resolve(pythonStr(start)), posix.resolve(pythonStr(v))) || '.'
  },
  expanduser: (v) => pythonStr(v).replace(/^~(?=$|\/)/, homedir()),
  win_basename: (v) => ntSplit(pythonStr(v))[1],
  win_dirname: (v) => ntSplit(pythonStr(v))[0],
  win_splitdrive: (v) => splitdrive(pythonStr(v)),
}
