/**
 * ansible's parse_kv for lookup terms (`start=1 end=10`, `/tmp/pw length=8`): words split on whitespace outside
 * quotes, `key=value` words become options (outer quotes removed), the other words `_raw_params` joined by spaces.
 */
export function parseKv(text: string): Record<string, string> {
  const words: string[] = []
  let current = ''
  let quote: string | undefined
  let started = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quote !== undefined) {
      current += c
      if (c === quote && text[i - 1] !== '\\') quote = undefined
    } else if (/\s/.test(c)) {
      if (started) words.push(current)
      current = ''
      started = false
    } else {
      if (c === '"' || c === "'") quote = c
      current += c
      started = true
    }
  }
  if (started) words.push(current)
  const options: Record<string, string> = {}
  const raw: string[] = []
  for (const word of words) {
    const eq = findEquals(word)
    if (eq < 0) raw.push(word)
    else options[word.slice(0, eq).trim()] = unquote(word.slice(eq + 1).trim())
  }
  if (raw.length > 0) options['_raw_params'] = raw.join(' ')
  return options
}

// The first `=` outside quotes that is not escaped with a backslash.
function findEquals(word: string): number {
  let quote: string | undefined
  for (let i = 0; i < word.length; i++) {
    const c = word[i]!
    if (quote !== undefined) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '=' && word[i - 1] !== '\\') return i
  }
  return -1
}

const unquote = (value: string): string => (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0] ? value.slice(1, -1) : value)
