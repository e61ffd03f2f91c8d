import { posix } from 'node:path'

/** One entry under a searched path, as `find -printf` reports it (lstat, or stat with follow). */
export interface FoundEntry {
  /** `find`'s %y and %Y: the entry's own type letter and its target's (`d` for a link to a directory). */
  readonly type: string
  readonly target: string
  readonly mode: number
  readonly uid: number
  readonly gid: number
  readonly size: number
  readonly inode: number
  readonly dev: number
  readonly nlink: number
  readonly atime: number
  readonly mtime: number
  readonly ctime: number
  readonly owner: string
  readonly group: string
  readonly depth: number
  /** Path relative to the searched path. */
  readonly relative: string
}

/** The `-printf` format parseFound reads: fifteen tab-separated fields, the relative path last, NUL-terminated. */
export const FIND_FORMAT = '%y\\t%Y\\t%m\\t%U\\t%G\\t%s\\t%i\\t%D\\t%n\\t%A@\\t%T@\\t%C@\\t%u\\t%g\\t%d\\t%P\\0'

/** Entries of `find … -printf FIND_FORMAT` output, in find's order. */
export function parseFound(stdout: string): FoundEntry[] {
  return stdout.split('\0').filter((r) => r !== '').map((record) => {
    const f = record.split('\t')
    const relative = f.slice(15).join('\t')
    const n = (i: number): number => Number(f[i])
    // find prints the number when an id has no name; Python's pwd/grp lookup then leaves the name empty
    const name = (i: number, id: number): string => (f[i] === String(n(id)) ? '' : f[i]!)
    return { type: f[0]!, target: f[1]!, mode: parseInt(f[2]!, 8), uid: n(3), gid: n(4), size: n(5), inode: n(6), dev: n(7), nlink: n(8), atime: n(9), mtime: n(10), ctime: n(11), owner: name(12, 3), group: name(13, 4), depth: n(14), relative }
  })
}

/** One step of Python's `os.walk`: a directory walked and the names it holds, files first then directories. */
export interface WalkStep {
  readonly root: string
  /** Children in os.walk's `files + dirs` order. */
  readonly children: readonly FoundEntry[]
}

/**
 * The entries in the order Python's `os.walk` (top-down) yields them, from find's depth-first listing: per walked
 * directory its non-directories, then its directories (links to directories count as directories, as
 * `is_dir()` follows them), each in directory order; then each subdirectory in turn. `enter` says whether a
 * directory's own children are walked (depth pruning), as os.walk's caller decides by emptying `dirs`.
 */
export function walkOrder(entries: readonly FoundEntry[], recurse: boolean, enter: (children: readonly FoundEntry[]) => boolean): WalkStep[] {
  const byParent = new Map<string, FoundEntry[]>()
  for (const e of entries) {
    const parent = posix.dirname(e.relative)
    const key = parent === '.' ? '' : parent
    byParent.set(key, [...(byParent.get(key) ?? []), e])
  }
  const steps: WalkStep[] = []
  const walk = (root: string): void => {
    const all = byParent.get(root) ?? []
    const dirs = all.filter((e) => e.target === 'd' || e.type === 'd')
    const children = [...all.filter((e) => !dirs.includes(e)), ...dirs]
    steps.push({ root, children })
    if (!recurse || !enter(children)) return
    for (const d of dirs) walk(d.relative)
  }
  walk('')
  return steps
}

/** Python's `stat`-based fields of one find result, as ansible's find `statinfo()` returns them. */
export function statInfo(e: FoundEntry): Record<string, unknown> {
  const m = e.mode
  const bit = (b: number): boolean => (m & b) !== 0
  return {
    mode: (m & 0o7777).toString(8).padStart(4, '0'),
    isdir: e.type === 'd', ischr: e.type === 'c', isblk: e.type === 'b', isreg: e.type === 'f', isfifo: e.type === 'p', islnk: e.type === 'l', issock: e.type === 's',
    uid: e.uid, gid: e.gid, size: e.size, inode: e.inode, dev: e.dev, nlink: e.nlink, atime: e.atime, mtime: e.mtime, ctime: e.ctime,
    gr_name: e.group, pw_name: e.owner,
    wusr: bit(0o200), rusr: bit(0o400), xusr: bit(0o100), wgrp: bit(0o20), rgrp: bit(0o40), xgrp: bit(0o10), woth: bit(0o2), roth: bit(0o4), xoth: bit(0o1),
    isuid: bit(0o4000), isgid: bit(0o2000),
  }
}
