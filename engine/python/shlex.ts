/** Thrown for unbalanced quotes or a trailing backslash, with Python's wording. */
export class ShlexError extends Error {
  override readonly name = 'ShlexError'
}

/**
 * Split text into words as Python's `shlex.split(text, comments=…)` does in POSIX mode, which is how Ansible
 * reads INI host lines and free-form `k=v` module arguments: quotes group, backslash escapes, `#` starts a
 * comment (when `comments`) wherever an unquoted word could continue.
 */
export function shlexSplit(text: string, options: { readonly comments?: boolean } = {}): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: "'" | '"' | undefined
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote === "'") {
      if (c === "'") quote = undefined
      else word += c
    } else if (quote === '"') {
      if (c === '"') quote = undefined
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i]
      else word += c
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ShlexError('No escaped character')
      word += text[++i]
      inWord = true
    } else if (c === "'" || c === '"') {
      quote = c
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else if (c === '#' && options.comments) {
      // The comment runs to the end of the line and ends the current word.
      while (i + 1 < text.length && text[i + 1] !== '\n') i++
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (quote) throw new ShlexError('No closing quotation')
  if (inWord) words.push(word)
  return words
}
