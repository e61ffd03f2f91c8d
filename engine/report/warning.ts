/**
 * A warning as ansible's Display.warning prints it when stdout is not a terminal: `[WARNING]: ` and the message,
 * wrapped greedily at 79 columns on spaces (textwrap.wrap), each line ending in a newline.
 */
export function warningText(message: string, columns = 79): string {
  const words = `[WARNING]: ${message}`.split(/\s+/).filter((w) => w !== '')
  const lines: string[] = []
  let current = ''
  for (const word of words) {
    if (current === '') current = word
    else if (current.length + 1 + word.length <= columns) current += ` ${word}`
    else {
      lines.push(current)
      current = word
    }
  }
  if (current !== '') lines.push(current)
  return lines.map((l) => `${l}\n`).join('')
}
