/** A get_url `checksum` split as Ansible splits it: the algorithm, and either a digest or a URL of a checksum list. */
export interface ChecksumArg {
  readonly algorithm: string
  readonly digest?: string
  readonly url?: string
}

/** Split `algorithm:value`; a value with a URL scheme names a checksum list, any other is a digest (non-word characters dropped, lower case). */
export function parseChecksumArg(checksum: string): ChecksumArg {
  const at = checksum.indexOf(':')
  const algorithm = checksum.slice(0, at)
  const value = checksum.slice(at + 1)
  return /^(https?|ftp|file):\/\//.test(value) ? { algorithm, url: value } : { algorithm, digest: normalize(value) }
}

// Ansible strips everything but word characters (a zero-width space pasted with a digest, say) and lowers the case.
const normalize = (digest: string): string => digest.replace(/\W+/g, '').toLowerCase()

/**
 * The digest for `filename` in a checksum list as Ansible's get_url reads one: a single line holding a single
 * word is the digest itself; otherwise lines `DIGEST NAME` (a `*` or second space before NAME marks the mode, a
 * leading `./` is dropped), the first line naming the file wins. Undefined when no line names it.
 */
export function checksumFromList(text: string, filename: string): string | undefined {
  // Python's line iteration: a final newline ends the last line rather than starting an empty one.
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  if (lines.length === 1 && lines[0]!.trim().split(/\s+/).length === 1 && lines[0]!.trim() !== '') return normalize(lines[0]!)
  for (const line of lines) {
    const space = line.indexOf(' ')
    if (space < 0) continue
    let name = line.slice(space + 1)
    if (name.startsWith(' ') || name.startsWith('*')) name = name.slice(1)
    // Python's lstrip('./') drops every leading '.' and '/', not the prefix './'.
    if (name.replace(/^[./]+/, '') === filename) return normalize(line.slice(0, space))
  }
  return undefined
}
