import { type Command, sh } from '../../engine/connection/index.js'
import { resolveMode } from './file-attrs.js'
import { statTime } from './file-state.js'

/** What dest holds at one member's path: type and permission bits, size, mtime, ids, and a regular file's CRC-32. */
interface OnDisk {
  readonly bits: number
  readonly size: number
  readonly mtime: number
  readonly uid: number
  readonly gid: number
  readonly crc?: number
}

/** One zip member as `zipinfo -T -s` lists it (the fields ansible-core reads), with its epoch and what dest holds. */
export interface ZipMember {
  readonly perms: string
  readonly size: number
  readonly epoch: number | undefined
  readonly path: string
  readonly disk: OnDisk | undefined
}

/** The comparison of a zip archive with dest that ansible-core's ZipArchive.is_unarchived makes. */
export interface ZipInspection {
  readonly rc: number
  readonly members: readonly ZipMember[]
  /** CRC-32 of every member by name (`unzip -v`). */
  readonly crcs: ReadonlyMap<string, number>
  readonly umask: number
}

const MARKS = ['@@zip-info', '@@zip-rc', '@@zip-crc', '@@zip-times', '@@zip-stat', '@@zip-umask'] as const

/**
 * One shell script, reading the archive at `$z`, that prints zipinfo's listing (with excludes/includes as
 * ansible-core passes them) and its exit code, unzip's CRC listing, each listed timestamp as the host's epoch,
 * what dest holds at each member's path (CRC-32 from gzip's trailer), and the umask.
 */
export function zipInspectScript(dest: string, include: readonly string[], exclude: readonly string[]): Command {
  const select = exclude.length > 0 ? ['-x', ...exclude] : [...include]
  return sh`l=$(mktemp) || exit $?
case $z in -*) z=./$z;; esac
unzip -Z -T -s "$z" ${select} > "$l" 2>/dev/null; rc=$?
echo ${MARKS[0]}; cat "$l"; echo "${MARKS[1]} $rc"
echo ${MARKS[2]}; unzip -v "$z"
echo ${MARKS[3]}; awk 'NF >= 8 && length($7) == 15 { print $7 }' "$l" | sed -E 's/^(....)(..)(..)\\.(..)(..)(..)$/\\1-\\2-\\3 \\4:\\5:\\6/' | date -f - +%s
echo ${MARKS[4]}; while read -r p v o s t m d n; do
  [ -n "$n" ] || continue; f=${dest}/$n; printf '@@m %s\\n' "$n"
  if [ -e "$f" ] || [ -L "$f" ]; then stat -c '%f %s %.9Y %u %g' -- "$f"
    if [ -f "$f" ] && [ ! -L "$f" ]; then printf 'crc '; gzip -c < "$f" | tail -c 8 | od -An -tu4 -N4; fi
  fi
done < "$l"
rm -f -- "$l"; echo "${MARKS[5]} $(umask)"`
}

/** Python's `line.split(None, 7)`: seven fields and the rest of the line (inner spaces kept), or fewer fields. */
const fields = (line: string): string[] => {
  const m = /^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S.*)$/s.exec(line)
  return m ? m.slice(1) : line.trim().split(/\s+/).filter((f) => f !== '')
}

/** Parse `zipInspectScript` output. */
export function parseZipInspect(stdout: string): ZipInspection {
  const section = (i: number): string => {
    const start = stdout.indexOf(`${MARKS[i]}`)
    const end = i + 1 < MARKS.length ? stdout.indexOf(MARKS[i + 1]!, start) : stdout.length
    return start < 0 ? '' : stdout.slice(start + MARKS[i]!.length, end < 0 ? stdout.length : end)
  }
  const rc = Number(/^ (\d+)/.exec(section(1))?.[1] ?? 1)
  const umask = parseInt(/^ (\d+)/.exec(section(5))?.[1] ?? '022', 8)
  const crcs = new Map<string, number>()
  for (const line of section(2).split('\n')) {
    const f = fields(line)
    if (f.length === 8 && /^[0-9a-f]{8}$/.test(f[6]!)) crcs.set(f[7]!, parseInt(f[6]!, 16))
  }
  const epochs = section(3).split('\n').filter((l) => /^\d+$/.test(l)).map(Number)
  const disk = new Map<string, OnDisk>()
  for (const block of section(4).split('@@m ').slice(1)) {
    const [name = '', stat = '', crc = ''] = block.split('\n')
    const [bits = '', size = '', mtime = '', uid = '', gid = ''] = stat.split(' ')
    if (stat === '') continue
    const sum = /^crc\s+(\d+)/.exec(crc)
    disk.set(name, { bits: parseInt(bits, 16), size: Number(size), mtime: statTime(mtime), uid: Number(uid), gid: Number(gid), ...(sum ? { crc: Number(sum[1]) } : {}) })
  }
  const members: ZipMember[] = []
  let timeIndex = 0
  for (const line of section(0).split('\n')) {
    const pcs = fields(line)
    if (pcs.length !== 8) continue
    if (pcs[6]!.length !== 15) continue
    const epoch = epochs[timeIndex++]
    const path = pcs[7]!
    members.push({ perms: pcs[0]!, size: Number(pcs[3]), epoch, path, disk: disk.get(path) })
  }
  return { rc, members, crcs, umask }
}

/** What the task asks of every member, with owner and group as the ids they resolve to (else the connection user's). */
export interface ZipWanted {
  readonly mode?: string | undefined
  readonly uid: number
  readonly gid: number
  readonly excludes: readonly string[]
}

const S_IFMT = 0o170000
const isDir = (bits: number): boolean => (bits & S_IFMT) === 0o040000
const isReg = (bits: number): boolean => (bits & S_IFMT) === 0o100000
const isLnk = (bits: number): boolean => (bits & S_IFMT) === 0o120000

/** Python's ZipArchive._permstr_to_octal: r/w/x/s/t set the bit, then the umask is taken off. */
function permOctal(perms: string, umask: number): number {
  const rev = [...perms].reverse()
  let mode = 0
  for (let j = 0; j < 3; j++) for (let i = 0; i < 3; i++) if ('rwxst'.includes(rev[i + 3 * j] ?? '')) mode += 2 ** (i + 3 * j)
  return mode & ~umask
}

/**
 * ansible-core's verdict on a zip archive: unarchived or not, and its itemised diff (rsync style, e.g.
 * `>f++++++.?? a` for a missing file, `.fcst....?? a` for changed content) in zipinfo's order.
 */
export function compareZip(z: ZipInspection, wanted: ZipWanted): { unarchived: boolean; diff: string } {
  const unarchived = z.rc === 0
  let diff = ''
  let changed = 0
  for (const m of z.members) {
    const ztype = m.perms[0]!
    let permstr = m.perms.slice(1)
    if (!'dl-?'.includes(ztype) || ![...permstr].every((c) => 'rwxstah-'.includes(c))) continue
    if (m.perms.length !== 7 && m.perms.length !== 10) continue
    if (wanted.excludes.includes(m.path)) continue
    const ftype = m.path.endsWith('/') ? 'd' : ztype === 'l' ? 'L' : 'f'
    let fileUmask = 0
    if (permstr.length === 6) {
      permstr = m.path.endsWith('/') || permstr === 'rwx---' ? 'rwxrwxrwx' : 'rw-rw-rw-'
      fileUmask = z.umask
    }
    const st = m.disk
    if (!st) {
      changed++
      diff += `>${ftype}++++++.?? ${m.path}\n`
      continue
    }
    if ((ftype === 'd' && !isDir(st.bits)) || (ftype === 'f' && !isReg(st.bits)) || (ftype === 'L' && !isLnk(st.bits))) {
      changed++
      diff += `c${ftype}++++++.?? ${m.path}\n`
      continue
    }
    const itemized = [...`.${ftype}.......??`]
    let change = false
    if (isReg(st.bits)) {
      if (m.epoch !== st.mtime) [change, itemized[4]] = [true, 't']
      if (m.size !== st.size) [change, itemized[3]] = [true, 's']
      if (st.crc !== z.crcs.get(m.path)) [change, itemized[2]] = [true, 'c']
    }
    if (ftype !== 'L') {
      const current = st.bits & 0o7777
      const mode = wanted.mode ? resolveMode(wanted.mode, current, isDir(st.bits), z.umask) : permOctal(permstr, ztype === '?' ? 0 : fileUmask)
      if (mode !== current) [change, itemized[5]] = [true, 'p']
    }
    if (st.uid !== wanted.uid) [change, itemized[6]] = [true, 'o']
    if (st.gid !== wanted.gid) [change, itemized[6]] = [true, 'g']
    if (change) {
      changed++
      diff += `${itemized.join('')} ${m.path}\n`
    }
  }
  return { unarchived: unarchived && changed === 0, diff }
}
