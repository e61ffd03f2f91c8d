/** A shell-style pattern as Python's fnmatch reads it (`*`, `?`, `[seq]`, `[!seq]`), as an anchored RegExp. */
export function fnmatchRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') source += '.*'
    else if (c === '?') source += '.'
    else if (c === '[') {
      // A `]` right after `[` belongs to the set, as in fnmatch.
      const end = pattern.indexOf(']', i + 2)
      if (end < 0) source += '\\['
      else {
        const body = pattern.slice(i + 1, end)
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body.replaceAll('\\', '\\\\')}]`
        i = end
      }
    } else source += c.replace(/[.+^${}()|\\\]]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}
