import { createHash } from 'node:crypto'
import { type Command, type Connection, raw, sh } from '../../engine/connection/index.js'

/** What kind of file system object a path is, in Ansible's words where it has them. */
export type FileType = 'file' | 'directory' | 'link' | 'fifo' | 'socket' | 'char' | 'block'

/** Digest programs a probe may run on the host (`<alg>sum`). */
export type ChecksumAlgorithm = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512'

/** One path on the host as one probe saw it; `exists: false` carries only the path. */
export interface FileState {
  readonly path: string
  readonly exists: boolean
  readonly type?: FileType
  /** Permission bits incl. setuid/setgid/sticky as four octal digits, e.g. `0644`. */
  readonly mode?: string
  readonly uid?: number
  readonly gid?: number
  /** User and group names; the numeric id as text when the host has no name for it. */
  readonly owner?: string
  readonly group?: string
  readonly size?: number
  readonly mtime?: number
  readonly atime?: number
  readonly ctime?: number
  readonly inode?: number
  readonly dev?: number
  readonly nlink?: number
  readonly blocks?: number
  readonly blockSize?: number
  /** For symbolic links: the target as stored in the link, and the absolute path it resolves to. */
  readonly linkTarget?: string
  readonly linkSource?: string
  /** Device number of a character or block device (st_rdev). */
  readonly rdev?: number
  /** `file --mime` output, e.g. `text/plain; charset=us-ascii`. */
  readonly mime?: string
  /** `lsattr -v` flags without dashes (e.g. `e`) and the file's generation number, when lsattr could tell. */
  readonly attrFlags?: string
  readonly version?: string
  /** Whether the connection's user may read, write or execute the path. */
  readonly readable?: boolean
  readonly writeable?: boolean
  readonly executable?: boolean
  /** Hex digest (of the algorithm asked for) of a regular file's content. */
  readonly checksum?: string
  /** A regular file's content, when the probe asked for it. */
  readonly content?: Buffer
}

/** What to learn about one path. */
export interface ProbeRequest {
  readonly path: string
  /** Describe what a symbolic link points to instead of the link itself. */
  readonly follow?: boolean
  readonly checksum?: ChecksumAlgorithm
  /** Also read a regular file's content (base64 on the wire, so any bytes survive); a number reads it only up to that size. */
  readonly content?: boolean | number
  /** Also ask `file --mime` for the mime type and charset (stat's get_mime). */
  readonly mime?: boolean
  /**
   * Also ask `lsattr -vd` for the file system attributes and version (stat's get_attributes), or with 'flags'
   * `lsattr -d` for the flags alone, as ansible-core reads them before chattr (overlayfs answers only that).
   */
  readonly attributes?: boolean | 'flags'
  /** For a link not followed: also resolve the absolute path it leads to (`readlink -f`, an exec); default true. */
  readonly linkSource?: boolean
}

/** The probes of one round trip plus the host's umask (needed to evaluate symbolic modes like `+x`). */
export interface ProbeResult {
  readonly files: readonly FileState[]
  readonly umask: number
}

/** What `stat` prints for one path: mode, ids, size, times…, then owner and group names (and the name, in a batch). */
const STAT_FORMAT = 'stat %f %u %g %s %.9Y %.9X %.9Z %i %d %h %b %o %r\nowner %U\ngroup %G'

// The shell function every probe script starts with: $1 path, $2 "-L" to follow, $3 digest program or "", $4 "all" or a size limit for content,
// $5 "1" for the mime type, $6 "1" for lsattr -v, "2" for lsattr without the version, $7 "1" when the path's stat is in the
// script's one batched `stat` (`batched S`, or `batched L` for a link to follow) rather than run here, $8 "1" when its
// sha1 is in the script's one batched `sha1sum` (`batched sum`; D lists the paths), $9 "1" to resolve a link's absolute
// path (`real`). A batched link's target comes with its stat record (`linkq`, stat's C-quoted %N): no readlink.
// `want` notes a path for the batch: `S` gets every path that is not a link to follow (stat and stat -L agree on it).
const PROBE_FUNCTION = `nl='
'
S= SL= D=
want() {
  if [ "$2" = -L ]; then [ -e "$1" ] || return 0; else [ -e "$1" ] || [ -L "$1" ] || return 0; fi
  if [ "$2" = -L ] && [ -L "$1" ]; then SL="$SL$1$nl"; else S="$S$1$nl"; fi
}
probe() {
  echo "@@path"
  if [ "$2" = -L ]; then [ -e "$1" ] || { echo missing; return; }
  else [ -e "$1" ] || [ -L "$1" ] || { echo missing; return; }; fi
  if [ "$7" = 1 ]; then if [ "$2" = -L ] && [ -L "$1" ]; then echo "batched L"; else echo "batched S"; fi
  else stat $2 -c '${STAT_FORMAT}' -- "$1" || return 0; fi
  a=; [ -r "$1" ] && a=r; [ -w "$1" ] && a="\${a}w"; [ -x "$1" ] && a="\${a}x"; echo "access $a"
  [ "$5" = 1 ] && echo "mime $(file -b --mime -- "$1" 2>/dev/null)"
  [ "$6" = 1 ] && echo "lsattr $(lsattr -vd -- "$1" 2>/dev/null)"
  [ "$6" = 2 ] && echo "lsflags $(lsattr -d -- "$1" 2>/dev/null)"
  if [ -L "$1" ] && [ "$2" != -L ]; then
    if [ "$7" = 1 ]; then
      [ "$9" = 1 ] || return 0
      r=$(readlink -f -- "$1"; echo .); r=\${r%.}; r=\${r%"$nl"}
      case "$r" in
      *"$nl"*) printf 'real '; readlink -f -- "$1" | base64 | tr -d '\\n'; echo;;
      *) printf 'real= %s\\n' "$r";;
      esac
      return 0
    fi
    # each output's one newline (none when readlink fails) comes off; the dot keeps any others
    l=$(readlink -- "$1"; echo .); l=\${l%.}; l=\${l%"$nl"}; r=$(readlink -f -- "$1"; echo .); r=\${r%.}; r=\${r%"$nl"}
    case "$l$r" in
    *"$nl"*) printf 'link '; readlink -- "$1" | base64 | tr -d '\\n'; echo
      printf 'real '; readlink -f -- "$1" | base64 | tr -d '\\n'; echo;;
    *) printf 'link= %s\\nreal= %s\\n' "$l" "$r";;
    esac
    return
  fi
  [ -f "$1" ] || return 0
  if [ -n "$3" ] && [ -r "$1" ]; then if [ "$8" = 1 ]; then echo 'batched sum'; D="$D$1$nl"; else printf 'sum '; "$3" < "$1"; fi; fi
  if [ -n "$4" ] && [ -r "$1" ] && { [ "$4" = all ] || [ "$(wc -c < "$1")" -le "$4" ]; }; then echo content; base64 < "$1"; fi
}`

// One exec of stat for all the paths `want` noted (two when some are links to follow); names are the key.
const BATCHED_STAT = `printf '@@stats\\n'; [ -z "$S" ] || (set -f; IFS=$nl; export QUOTING_STYLE=c; exec stat -c '${STAT_FORMAT}\nname %n\nlinkq %N' -- $S) 2>/dev/null
printf '@@statsL\\n'; [ -z "$SL" ] || (set -f; IFS=$nl; exec stat -L -c '${STAT_FORMAT}\nname %n' -- $SL) 2>/dev/null
printf '@@statsEnd\\n'`

const SUMS_MARK = '@@sums'

// One exec of sha1sum for the files `probe` noted in D; its lines (`DIGEST  PATH`) follow a marker line at the end.
const BATCHED_SUM = `printf '\\n${SUMS_MARK}\\n'; [ -z "$D" ] || (set -f; IFS=$nl; exec sha1sum -- $D) 2>/dev/null`

/**
 * A shell script that probes every request and prints the sections `parseProbe` reads. A checksum of content the
 * probe reads anyway is computed by parseProbe, not by a digest program on the host (an exec less); sha1 sums of
 * several files come from one sha1sum.
 */
export function probeScript(requests: readonly ProbeRequest[]): Command {
  // a path holding a newline cannot be one word of the batch's list: it gets a stat of its own
  const batched = (r: ProbeRequest): boolean => !r.path.includes('\n')
  const wants = requests.filter(batched).map((r) => sh`want ${r.path} ${r.follow ? '-L' : ''}`)
  const digest = (r: ProbeRequest): string => (r.checksum && r.content !== true ? `${r.checksum}sum` : '')
  // one file's sum is as cheap alone
  const sumTogether = requests.filter((r) => batchedSum(r, digest(r))).length > 1
  const calls = requests.map((r) => sh`probe ${r.path} ${r.follow ? '-L' : ''} ${digest(r)} ${r.content === true ? 'all' : typeof r.content === 'number' ? r.content : ''} ${r.mime ? '1' : ''} ${r.attributes === 'flags' ? '2' : r.attributes ? '1' : ''} ${batched(r) ? '1' : ''} ${sumTogether && batchedSum(r, digest(r)) ? '1' : ''} ${r.linkSource === false ? '' : '1'}`)
  return sh`${raw(PROBE_FUNCTION)}
${raw(wants.join('\n'))}
${raw(BATCHED_STAT)}
printf 'umask '; umask
${raw(calls.join('\n'))}${raw(sumTogether ? `\n${BATCHED_SUM}` : '')}`
}

/** sha1sum prints a path with a backslash or a newline escaped: such a file, or a lone one, gets a sha1sum of its own. */
const batchedSum = (r: ProbeRequest, digest: string): boolean => digest === 'sha1sum' && !/[\\\n]/.test(r.path)

/** Parse the output of `probeScript` for the same requests, in order. */
export function parseProbe(stdout: string, requests: readonly ProbeRequest[]): ProbeResult {
  // the batched sums come last (no section prints a line of its own that starts with the mark)
  const mark = stdout.lastIndexOf(`\n${SUMS_MARK}\n`)
  const sums = new Map((mark < 0 ? [] : stdout.slice(mark + SUMS_MARK.length + 2).split('\n')).flatMap((l) => {
    const m = /^([0-9a-f]{40})  (.*)$/.exec(l)
    return m ? [[m[2]!, m[1]!] as const] : []
  }))
  const [head = '', ...sections] = (mark < 0 ? stdout : stdout.slice(0, mark)).split('@@path\n')
  const umask = /umask (\d+)/.exec(head)
  if (sections.length !== requests.length) throw new Error(`file probe: expected ${requests.length} sections, got ${sections.length}`)
  const stats = batchedStats(head)
  return { umask: umask ? parseInt(umask[1]!, 8) : 0o022, files: sections.map((s, i) => parseSection(withStat(s, requests[i]!.path, stats), requests[i]!, sums)) }
}

/** The records of the batched stat by group (`S`, `L`) and path: the stat, owner and group lines of each. */
function batchedStats(head: string): Record<'S' | 'L', Map<string, string>> {
  // records are stat, owner, group and name lines, and for `S` also the C-quoted name (-> target): `size` lines
  const group = (start: string, end: string, size: number): Map<string, string> => {
    const from = head.indexOf(start)
    const to = head.indexOf(end, from)
    const records = new Map<string, string>()
    if (from < 0 || to < 0) return records
    const lines = head.slice(from + start.length, to).split('\n')
    for (let i = 0; i + size - 1 < lines.length; i += size) {
      if (!lines[i]!.startsWith('stat ') || !lines[i + 3]!.startsWith('name ')) break
      records.set(lines[i + 3]!.slice(5), [...lines.slice(i, i + 3), ...lines.slice(i + 4, i + size)].join('\n'))
    }
    return records
  }
  return { S: group('@@stats\n', '@@statsL\n', 5), L: group('@@statsL\n', '@@statsEnd\n', 4) }
}

/** A section with its `batched` line replaced by the path's stat record; without one (stat failed) the section ends there, as a failed stat of its own did. */
function withStat(section: string, path: string, stats: Record<'S' | 'L', Map<string, string>>): string {
  const batched = /^batched ([SL])\n/.exec(section)
  if (!batched) return section
  const record = stats[batched[1] as 'S' | 'L'].get(path)
  return record === undefined ? '' : `${record}\n${section.slice(batched[0].length)}`
}

/**
 * Probe several paths in one round trip. Probes asked of the same connection view in the same turn of the event
 * loop (the items of a loop gathering ahead share one view) go as one script, each distinct request once: one
 * `stat` and one `sha1sum` for all their paths instead of one each per item.
 */
export function probeFiles(conn: Connection, requests: readonly ProbeRequest[]): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    let queue = pendingProbes.get(conn)
    if (queue === undefined) {
      queue = []
      pendingProbes.set(conn, queue)
      setImmediate(() => void flushProbes(conn))
    }
    queue.push({ requests, resolve, reject })
  })
}

interface PendingProbe {
  readonly requests: readonly ProbeRequest[]
  readonly resolve: (result: ProbeResult) => void
  readonly reject: (error: unknown) => void
}

const pendingProbes = new WeakMap<Connection, PendingProbe[]>()

async function flushProbes(conn: Connection): Promise<void> {
  const queue = pendingProbes.get(conn) ?? []
  pendingProbes.delete(conn)
  if (queue.length > 1) {
    const distinct = [...new Map(queue.flatMap((q) => q.requests).map((r) => [JSON.stringify(r), r])).values()]
    const index = new Map(distinct.map((r, i) => [JSON.stringify(r), i]))
    const together = await probeNow(conn, distinct).catch(() => undefined)
    // a script that did not come back whole (one path unreadable in a way the probe did not foresee): each alone
    if (together !== undefined) {
      for (const q of queue) q.resolve({ umask: together.umask, files: q.requests.map((r) => together.files[index.get(JSON.stringify(r))!]!) })
      return
    }
  }
  for (const q of queue) probeNow(conn, q.requests).then(q.resolve, q.reject)
}

async function probeNow(conn: Connection, requests: readonly ProbeRequest[]): Promise<ProbeResult> {
  // text: names, numbers and base64 only, so a runner may capture it in memory
  const result = await conn.exec(probeScript(requests), { text: true })
  return parseProbe(result.stdout, requests)
}

/** Probe one path in one round trip. */
export async function probeFile(conn: Connection, request: ProbeRequest): Promise<FileState> {
  return (await probeFiles(conn, [request])).files[0]!
}

const TYPES: Record<number, FileType> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'link',
  0o010000: 'fifo',
  0o140000: 'socket',
  0o020000: 'char',
  0o060000: 'block',
}

function parseSection(section: string, request: ProbeRequest, sums: ReadonlyMap<string, string>): FileState {
  const lines = section.split('\n')
  if (lines[0] === 'missing' || !lines[0]?.startsWith('stat ')) return { path: request.path, exists: false }
  const [rawMode = '0', uid, gid, size, mtime, atime, ctime, inode, dev, nlink, blocks, blockSize, rdev] = lines[0].slice(5).split(' ')
  const bits = parseInt(rawMode, 16)
  // the fields come before the content (base64 lines, maybe many): look only there
  const contentAt = lines.indexOf('content')
  const head = contentAt >= 0 ? lines.slice(0, contentAt) : lines
  const field = (name: string): string | undefined => {
    const prefix = `${name} `
    return head.find((l) => l.startsWith(prefix) || l === name)?.slice(prefix.length)
  }
  const access = field('access') ?? ''
  // plain `link= TARGET` unless a path holds a newline, then base64
  const link = field('link=') ?? mapDefined(field('link'), decode) ?? quotedTarget(field('linkq'))
  const real = field('real=') ?? mapDefined(field('real'), decode)
  const mime = field('mime')
  const lsattr = /^(\S+)\s+(\S+)\s/.exec(field('lsattr') ?? '')
  const lsflags = /^(\S+)\s/.exec(field('lsflags') ?? '')
  const content = contentAt >= 0 ? Buffer.from(lines.slice(contentAt + 1).join(''), 'base64') : undefined
  const owner = field('owner')
  const group = field('group')
  return {
    path: request.path,
    exists: true,
    type: TYPES[bits & 0o170000] ?? 'file',
    mode: (bits & 0o7777).toString(8).padStart(4, '0'),
    uid: Number(uid),
    gid: Number(gid),
    owner: owner === 'UNKNOWN' ? String(uid) : (owner ?? String(uid)),
    group: group === 'UNKNOWN' ? String(gid) : (group ?? String(gid)),
    size: Number(size),
    mtime: statTime(mtime),
    atime: statTime(atime),
    ctime: statTime(ctime),
    inode: Number(inode),
    dev: Number(dev),
    nlink: Number(nlink),
    blocks: Number(blocks),
    blockSize: Number(blockSize),
    rdev: Number(rdev ?? 0),
    readable: access.includes('r'),
    writeable: access.includes('w'),
    executable: access.includes('x'),
    ...(link === undefined ? {} : { linkTarget: link }),
    ...(real === undefined ? {} : { linkSource: real }),
    ...(mime === undefined ? {} : { mime }),
    ...(lsattr ? { version: lsattr[1]!, attrFlags: lsattr[2]!.replaceAll('-', '') } : {}),
    ...(lsflags ? { attrFlags: lsflags[1]!.replaceAll('-', '') } : {}),
    // `<alg>sum < file` prints the digest, two spaces and `-`; the digest alone is the checksum
    ...(field('sum') ? { checksum: field('sum')!.split(' ')[0]! } : {}),
    ...(head.includes('batched sum') && sums.has(request.path) ? { checksum: sums.get(request.path)! } : {}),
    ...(content === undefined ? {} : { content }),
    ...(content !== undefined && request.checksum && !field('sum') ? { checksum: createHash(request.checksum).update(content).digest('hex') } : {}),
  }
}

/**
 * Seconds as Python's os.stat computes st_mtime (`sec + nsec * 1e-9` in doubles), so the float ansible-core
 * prints in a diff or returns from stat is the same to the last digit; parsing the decimal text can differ by one ulp.
 */
export function statTime(text: string | undefined): number {
  const [sec = '', nsec = '0'] = (text ?? '').split('.')
  return Number(sec) + Number(nsec.padEnd(9, '0').slice(0, 9)) * 1e-9
}

/**
 * The target in stat's `%N` under QUOTING_STYLE=c: `"name" -> "target"` for a link (just `"name"` for anything else),
 * each a C string literal (escapes such as \\n and \\", octal \\ooo for bytes not printable in the host's locale).
 */
export function quotedTarget(text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  const bytes = Buffer.from(text, 'utf8')
  const name = cString(bytes, 0)
  if (name === undefined || bytes.toString('latin1', name.end, name.end + 4) !== ' -> ') return undefined
  return cString(bytes, name.end + 4)?.value
}

const C_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34, "'": 39, '?': 63 }

/** The C string literal starting at byte `at` (its bytes decoded as UTF-8) and the byte after it; undefined when there is none. */
function cString(text: Buffer, at: number): { value: string; end: number } | undefined {
  if (text[at] !== 0x22) return undefined
  const bytes: number[] = []
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === 0x22) return { value: Buffer.from(bytes).toString('utf8'), end: i + 1 }
    if (text[i] !== 0x5c) {
      bytes.push(text[i]!)
      continue
    }
    const octal = /^[0-7]{1,3}/.exec(text.toString('latin1', i + 1, i + 4))
    const escape = C_ESCAPES[String.fromCharCode(text[i + 1] ?? 0)]
    if (octal) bytes.push(parseInt(octal[0], 8))
    else if (escape !== undefined) bytes.push(escape)
    else return undefined
    i += octal ? octal[0].length : 1
  }
  return undefined
}

const mapDefined = <T, U>(value: T | undefined, f: (v: T) => U): U | undefined => (value === undefined ? undefined : f(value))

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8').replace(/\n$/, '')
