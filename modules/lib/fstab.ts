/** One fstab entry; fields are kept escaped (`\040` for a space), as they are written in the file. */
export interface FstabEntry {
  readonly src: string
  readonly name: string
  readonly fstype: string
  readonly opts: string
  readonly dump: string
  readonly passno: string
}

/** Escape a field as fstab(5) wants: space, tab, newline and backslash as octal. */
export const escapeFstab = (field: string): string =>
  field.replaceAll('\\', '\\134').replaceAll(' ', '\\040').replaceAll('\t', '\\011').replaceAll('\n', '\\012')

/** Undo fstab/mounts octal escapes (`\040` → space). */
export const unescapeFstab = (field: string): string => field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))

const format = (e: FstabEntry): string => `${e.src} ${e.name} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}`

function parseLine(line: string): FstabEntry | undefined {
  const t = line.trim()
  if (t === '' || t.startsWith('#')) return undefined
  const f = t.split(/\s+/)
  if (f.length < 4 || f.length > 6) return undefined
  return { src: f[0]!, name: f[1]!, fstype: f[2]!, opts: f[3]!, dump: f[4] ?? '0', passno: f[5] ?? '0' }
}

/** Whether a line is the entry for `want`: same mount point, and for `none` swap entries the same source too. */
function matches(entry: FstabEntry, want: FstabEntry): boolean {
  if (entry.name !== want.name) return false
  return !(entry.name === 'none' && entry.fstype === 'swap' && entry.src !== want.src)
}

/** The entry for `want` in fstab text, if any (ansible.posix.mount's matching). */
export function findEntry(text: string, want: FstabEntry): FstabEntry | undefined {
  for (const line of text.split('\n')) {
    const entry = parseLine(line)
    if (entry && matches(entry, want)) return entry
  }
  return undefined
}

/**
 * fstab text with `want` set as ansible.posix.mount does: a matching line whose fields differ is rewritten,
 * an equal one kept byte for byte, and a missing one appended. Returns the same text when nothing changes.
 */
export function setEntry(text: string, want: FstabEntry): string {
  let found = false
  let changed = false
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n')
  const out = lines.map((line) => {
    const entry = parseLine(line)
    if (!entry || !matches(entry, want)) return line
    found = true
    if (entry.src === want.src && entry.fstype === want.fstype && entry.opts === want.opts && entry.dump === want.dump && entry.passno === want.passno) return line
    changed = true
    return format(want)
  })
  if (!found) out.push(format(want))
  return found && !changed ? text : `${out.join('\n')}\n`
}

/** fstab text without the entry for `want`. */
export function removeEntry(text: string, want: FstabEntry): string {
  const lines = text.split('\n')
  const kept = lines.filter((line) => {
    const entry = parseLine(line)
    return !(entry && matches(entry, want))
  })
  return kept.length === lines.length ? text : kept.join('\n')
}

/** Mount points in /proc/self/mounts output, unescaped. */
export const mountPoints = (mounts: string): Set<string> =>
  new Set(mounts.split('\n').filter((l) => l.trim() !== '').map((l) => unescapeFstab(l.split(' ')[1] ?? '')))

/** Active swap devices and files in /proc/swaps output. */
export const activeSwaps = (swaps: string): Set<string> =>
  new Set(swaps.split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => unescapeFstab(l.split(/\s+/)[0] ?? '')))
