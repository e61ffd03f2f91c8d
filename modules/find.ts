// - name: old logs
//   find:
//     paths: /var/log/app
//     patterns: '*.log'
//     age: 2w
//     recurse: true
//   register: old_logs
import { posix } from 'node:path'
import { z } from 'zod'
import { type Command, lines, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type ModuleContext } from '../engine/module.js'
import { fnmatchRegExp } from '../engine/python/index.js'
import { pythonRegex } from '../engine/template/index.js'
import { stringList, yamlBool, yamlInt } from './lib/args.js'
import { FIND_FORMAT, type FoundEntry, parseFound, statInfo, walkOrder } from './lib/find-walk.js'
import { withAliases } from './lib/packages.js'

const args = withAliases(z.object({
  paths: stringList.describe('directories to search (a list, or comma-separated)'),
  patterns: stringList.default([]).describe("basename patterns, shell globs or (with use_regex) Python regular expressions; any one must match (default all)"),
  excludes: stringList.optional().describe('basename patterns of entries to leave out'),
  contains: z.string().optional().describe('Python regular expression a file must hold: matched at the start of a line, or searched in the whole file with read_whole_file'),
  read_whole_file: yamlBool.default(false).describe('search contains in the whole file instead of matching each line'),
  file_type: z.enum(['any', 'directory', 'file', 'link']).default('file').describe('type of entries to return'),
  age: z.string().optional().describe("at least this old (or with a leading '-', at most): seconds, or a number with s, m, h, d or w"),
  age_stamp: z.enum(['atime', 'ctime', 'mtime']).default('mtime').describe('which time age compares'),
  size: z.union([z.string(), z.number()]).transform(String).optional().describe("at least this big (or with a leading '-', at most): bytes, or a number with b, k, m, g or t"),
  recurse: yamlBool.default(false).describe('search subdirectories too'),
  hidden: yamlBool.default(false).describe('include entries whose name starts with a dot'),
  follow: yamlBool.default(false).describe('walk into links to directories (tsplay then reports what links point to)'),
  get_checksum: yamlBool.default(false).describe('add the sha1 of each regular file'),
  use_regex: yamlBool.default(false).describe('patterns and excludes are Python regular expressions instead of globs'),
  depth: yamlInt.optional().describe('how deep to look with recurse (1: the directory itself)'),
}).strict(), { name: 'paths', path: 'paths', pattern: 'patterns', exclude: 'excludes' })

type Args = z.output<typeof args>

/** What find reads of one searched path: its listing, or why it was skipped. */
interface Searched {
  readonly path: string
  readonly entries: readonly FoundEntry[]
  readonly error?: string
}

/** The host's clock and every searched path's listing; contents and checksums of the candidates that need them. */
export interface FindState {
  readonly now: number
  readonly searched: readonly Searched[]
  /** Content of candidate files for `contains` (null: unreadable), by path. */
  readonly contents: ReadonlyMap<string, string | null>
  readonly checksums: ReadonlyMap<string, string>
}

const UNITS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, b: 1, k: 1024, g: 1024 ** 3, t: 1024 ** 4 } as const

/** `age` in seconds or `size` in bytes, as ansible converts them; undefined when not given. */
function amount(value: string | undefined, kind: 'age' | 'size'): number | undefined {
  if (value === undefined) return undefined
  const m = (kind === 'age' ? /^(-?\d+)([smhdw])?$/ : /^(-?\d+)([bkmgt])?$/).exec(value.toLowerCase())
  if (!m) throw new ModuleError(`failed to process ${kind}`, { [kind]: value })
  const unit = m[2] === 'm' && kind === 'size' ? 1024 ** 2 : UNITS[(m[2] ?? 's') as keyof typeof UNITS]
  return Number(m[1]) * unit
}

/** find's `pfilter`: a pattern matches the basename and no exclude does. */
function nameMatches(name: string, a: Args): boolean {
  const patterns = a.patterns.length > 0 ? a.patterns : [a.use_regex ? '.*' : '*']
  const test = (p: string): boolean => (a.use_regex ? pythonRegex(p, {}, true).test(name) : fnmatchRegExp(p).test(name))
  return patterns.some(test) && !(a.excludes ?? []).some(test)
}

/** The entries find returns for one searched path before `contains`, in os.walk order, and how many it examined. */
function candidates(s: Searched, a: Args, now: number): { readonly found: FoundEntry[]; readonly examined: number } {
  const age = amount(a.age, 'age')
  const size = amount(a.size, 'size')
  const old = (e: FoundEntry): boolean => age === undefined || (age >= 0 ? now - e[a.age_stamp] >= age : now - e[a.age_stamp] <= -age)
  const big = (e: FoundEntry): boolean => size === undefined || (size >= 0 ? e.size >= size : e.size <= -size)
  const deep = (e: FoundEntry): boolean => a.depth !== undefined && a.depth !== 0 && e.depth > a.depth
  const steps = walkOrder(s.entries, a.recurse, (children) => !children.some(deep))
  const found: FoundEntry[] = []
  let examined = 0
  for (const { children } of steps) {
    examined += children.length
    for (const e of children) {
      if (deep(e) || (posix.basename(e.relative).startsWith('.') && !a.hidden) || !nameMatches(posix.basename(e.relative), a) || !old(e)) continue
      const keep = a.file_type === 'any' ? e.type !== 'f' || big(e) : a.file_type === 'directory' ? e.type === 'd' : a.file_type === 'file' ? e.type === 'f' && big(e) : e.type === 'l'
      if (keep) found.push(e)
    }
  }
  return { found, examined }
}

const fullPath = (root: string, e: FoundEntry): string => posix.normalize(posix.join(root, e.relative))

/** find's `contentfilter`: a line starting with a match, or a match anywhere with read_whole_file. */
function holds(content: string | null | undefined, a: Args): boolean {
  if (a.contains === undefined) return true
  if (content === null || content === undefined) return false
  if (a.read_whole_file) return pythonRegex(a.contains).test(content)
  const lines = content.replace(/\r\n?/g, '\n').split('\n')
  return lines.some((line) => pythonRegex(a.contains, {}, true).test(line))
}

/** The host's clock, then per path a marker and its listing (or `@@notdir`), in one script. */
const listScript = (paths: readonly string[], a: Args): Command => {
  const depth = a.recurse ? (a.depth ? sh`-maxdepth ${a.depth + 1}` : sh``) : sh`-maxdepth 1`
  // a path starting with '-' would be an option to find; `./` keeps it a path (%P stays relative to it)
  const one = (p: string): Command => sh`printf '\\0@@path\\0'; if [ -d ${p} ]; then find ${raw(a.follow ? '-L ' : '')}${p.startsWith('-') ? `./${p}` : p} -mindepth 1 ${raw(depth)} -printf ${FIND_FORMAT} 2>/dev/null; else printf '@@notdir\\0'; fi`
  return lines(sh`date +%s.%N`, ...paths.map(one))
}

async function gather(ctx: ModuleContext, a: Args): Promise<FindState> {
  const result = await ctx.conn.exec(listScript(a.paths, a), { text: true, allowFailure: true })
  const [clock, ...parts] = result.stdout.split('\0@@path\0')
  const searched = a.paths.map((path, i): Searched => {
    const part = parts[i] ?? ''
    if (part === '@@notdir\0') return { path, entries: [], error: `'${path}' is not a directory` }
    return { path, entries: parseFound(part) }
  })
  const now = Number(clock?.trim())
  const wanted = searched.flatMap((s) => candidates(s, a, now).found.filter((e) => e.type === 'f').map((e) => fullPath(s.path, e)))
  const contents = new Map<string, string | null>()
  const checksums = new Map<string, string>()
  if (wanted.length > 0 && a.contains !== undefined) {
    const read = await ctx.conn.exec(sh`for f in ${wanted}; do printf '\\0@@file\\0'; base64 -w0 < "$f" 2>/dev/null || printf '@@unreadable'; done`, { text: true, allowFailure: true })
    read.stdout.split('\0@@file\0').slice(1).forEach((b64, i) => {
      const bytes = b64 === '@@unreadable' ? null : Buffer.from(b64, 'base64')
      // Python opens the file as UTF-8 text: one that does not decode holds nothing
      contents.set(wanted[i]!, bytes === null || !isUtf8(bytes) ? null : bytes.toString('utf8'))
    })
  }
  if (wanted.length > 0 && a.get_checksum) {
    const sums = await ctx.conn.exec(sh`for f in ${wanted}; do printf '%s\\0' "$(sha1sum < "$f" | cut -d' ' -f1)"; done`, { text: true, allowFailure: true })
    sums.stdout.split('\0').forEach((sum, i) => i < wanted.length && checksums.set(wanted[i]!, sum))
  }
  return { now, searched, contents, checksums }
}

const isUtf8 = (bytes: Buffer): boolean => Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)

/** Find files, directories or links by name, age, size and content, like ansible's `find`; changes nothing. */
export const find = defineModule({
  name: 'find',
  gathersAhead: true,
  args,
  description: 'return a list of files by name, age, size, type or content',
  example: "find:\n  paths: /var/log/app\n  patterns: '*.log'\n  age: 2w\n  recurse: true",
  gather,
  plan(a: Args, s: FindState) {
    const files: Record<string, unknown>[] = []
    const skipped: Record<string, string> = {}
    let examined = 0
    for (const searched of s.searched) {
      if (searched.error !== undefined) {
        skipped[searched.path] = searched.error
        continue
      }
      const c = candidates(searched, a, s.now)
      examined += c.examined
      for (const e of c.found) {
        const path = fullPath(searched.path, e)
        if (e.type === 'f' && a.file_type === 'file' && !holds(s.contents.get(path), a)) continue
        files.push({ path, ...statInfo(e), ...(a.get_checksum && e.type === 'f' ? { checksum: s.checksums.get(path) } : {}) })
      }
    }
    const msg = Object.keys(skipped).length > 0 ? 'Not all paths examined, check warnings for details' : 'All paths examined'
    return { changes: [], values: { files, msg, matched: files.length, examined, skipped_paths: skipped } }
  },
  async apply() {},
})
