// Which paths community.general.archive puts in an archive, and under which names: its glob expansion, common root
// and os.walk order, rebuilt from what one host script reports.
import { posix } from 'node:path'
import { sh, type Command } from '../../engine/connection/index.js'
import { fnmatchRegExp } from '../../engine/python/index.js'

/** One path `path` expanded to, as the host saw it; `walk` lists a directory's contents in os.walk order. */
export interface SourcePath {
  readonly path: string
  readonly kind: 'dir' | 'other' | 'missing'
  readonly walk: readonly string[]
}

/** What the host reported: the expanded sources, the expanded exclude_path entries, which patterns were globs. */
export interface Expansion {
  readonly expanded: readonly string[]
  readonly excluded: readonly string[]
  readonly globby: boolean
  readonly sources: ReadonlyMap<string, SourcePath>
}

const isGlob = (p: string): boolean => p.includes('*') || p.includes('?')

/**
 * A script printing NUL-separated records: `E pattern path kind` per source path (a directory's entries follow as
 * `W types relpath`, closed by `Z`), `X pattern path` per exclude_path entry. A glob expands in the shell with
 * IFS empty, so a value is matched as a pattern and never split or run.
 */
export function expansionScript(paths: readonly string[], excludes: readonly string[]): Command {
  return sh`rec() { printf '%s\\0' "$@"; }
info() { if [ -d "$1" ]; then rec d; (cd -- "$1" && find . -mindepth 1 -printf 'W\\0%y%Y\\0%P\\0'); rec Z; elif [ -e "$1" ] || [ -L "$1" ]; then rec f; else rec m; fi; }
expand() { tag=$1; p=$2; case $p in *'*'*|*'?'*) IFS=; for f in $p; do if [ -e "$f" ] || [ -L "$f" ]; then rec "$tag" "$f"; [ "$tag" = X ] || info "$f"; fi; done; unset IFS;; *) rec "$tag" "$p"; [ "$tag" = X ] || info "$p";; esac; }
for p in ${paths}; do expand E "$p"; done
for p in ${['', ...excludes]}; do [ -n "$p" ] && expand X "$p"; done
true`
}

/** Parse the records of `expansionScript`; a directory's entries come back in Python's os.walk order. */
export function parseExpansion(stdout: string, paths: readonly string[]): Expansion {
  const words = stdout.split('\0')
  const expanded: string[] = []
  const excluded: string[] = []
  const sources = new Map<string, SourcePath>()
  for (let i = 0; i < words.length;) {
    const tag = words[i++]
    if (tag === 'X') excluded.push(words[i++]!)
    else if (tag === 'E') {
      const path = words[i++]!
      const kind = words[i++]
      const entries: { types: string; rel: string }[] = []
      while (kind === 'd' && i < words.length && words[i] === 'W') {
        entries.push({ types: words[i + 1]!, rel: words[i + 2]! })
        i += 3
      }
      if (kind === 'd') i++ // the Z
      expanded.push(path)
      if (!sources.has(path)) sources.set(path, { path, kind: kind === 'd' ? 'dir' : kind === 'f' ? 'other' : 'missing', walk: walkOrder(entries) })
    } else i++
  }
  return { expanded, excluded, globby: paths.some(isGlob), sources }
}

/**
 * os.walk(top) order from find's depth-first listing: per directory, its subdirectories (symlinks to directories
 * too) in readdir order, then the rest, then each real subdirectory's walk in turn.
 */
function walkOrder(entries: readonly { types: string; rel: string }[]): string[] {
  const children = new Map<string, { types: string; rel: string }[]>()
  for (const e of entries) {
    const parent = posix.dirname(e.rel) === '.' ? '' : posix.dirname(e.rel)
    children.set(parent, [...(children.get(parent) ?? []), e])
  }
  const out: string[] = []
  const walk = (dir: string): void => {
    const here = children.get(dir) ?? []
    const dirs = here.filter((e) => e.types[1] === 'd')
    out.push(...dirs.map((e) => e.rel), ...here.filter((e) => e.types[1] !== 'd').map((e) => e.rel))
    for (const d of dirs) if (d.types[0] === 'd') walk(d.rel)
  }
  walk('')
  return out
}

/** Python's sorted() of byte strings: by UTF-8 bytes, not UTF-16 units. */
export const byteSort = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** Python's os.path.dirname: everything before the last `/`, trailing slashes dropped unless it is all slashes. */
function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1)
  return head !== '' && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head
}

/** Python's os.path.join(p, ''): p with one trailing `/`, unless empty or ending in one already. */
const withSlash = (p: string): string => (p === '' || p.endsWith('/') ? p : `${p}/`)

/** The archive's root as the module's common_path: the parent directory all paths share, ending in `/`. */
export function commonPath(paths: readonly string[]): string {
  const dirs = paths.map((p) => withSlash(pyDirname(p)))
  let prefix = dirs[0] ?? ''
  for (const d of dirs) while (!d.startsWith(prefix)) prefix = prefix.slice(0, -1)
  return withSlash(pyDirname(prefix))
}

/** One member: its path on the host and its name in the archive. */
export interface Member {
  readonly path: string
  readonly name: string
}

/** The archive's members in the order the module adds them; tar's exclusion_patterns match names, zip's paths. */
export function archiveMembers(targets: readonly SourcePath[], root: string, patterns: readonly string[], zip: boolean): Member[] {
  const strip = (p: string): string => (p.startsWith(root) ? p.slice(root.length) : p)
  const excluded = patterns.map((p) => fnmatchRegExp(p))
  const members = targets.flatMap((t) => (t.kind === 'dir' ? t.walk.map((rel) => posix.join(t.path, rel)) : [t.path])).map((path) => ({ path, name: strip(path) }))
  return members.filter((m) => !excluded.some((re) => re.test(zip ? m.path : m.name)))
}
