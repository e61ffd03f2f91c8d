import { TemplateError } from '../errors.js'

/** Options shared by Ansible's regex filters and tests. */
export interface RegexOptions {
  readonly ignorecase?: unknown
  readonly multiline?: unknown
}

const compiled = new Map<string, RegExp>()

/**
 * A JavaScript RegExp for a Python `re` pattern: named groups `(?P<n>…)`, backreferences `(?P=n)`,
 * `\A`/`\Z`, and leading inline flags `(?i)`, `(?m)`, `(?s)`, `(?x)`-free. Always global so callers can
 * iterate; `sticky` anchors at the start like `re.match`.
 */
export function pythonRegex(pattern: unknown, options: RegexOptions = {}, sticky = false): RegExp {
  const source = String(pattern)
  const key = `${source}\u0000${String(options.ignorecase)}${String(options.multiline)}${sticky}`
  let re = compiled.get(key)
  if (re) {
    re.lastIndex = 0
    return re
  }
  let flags = 'g'
  let body = source
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body)
  if (inline) {
    body = body.slice(inline[0].length)
    if (inline[1]!.includes('i')) flags += 'i'
    if (inline[1]!.includes('m')) flags += 'm'
    if (inline[1]!.includes('s')) flags += 's'
  }
  if (options.ignorecase === true && !flags.includes('i')) flags += 'i'
  if (options.multiline === true && !flags.includes('m')) flags += 'm'
  if (sticky) flags += 'y'
  body = body
    .replace(/\(\?P<(\w+)>/g, '(?<$1>')
    .replace(/\(\?P=(\w+)\)/g, '\\k<$1>')
    .replace(/\\A/g, '(?<![\\s\\S])')
    .replace(/\\Z/g, '(?![\\s\\S])')
  try {
    re = new RegExp(body, flags + 'u')
  } catch {
    try {
      re = new RegExp(body, flags)
    } catch (error) {
      throw new TemplateError(`invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}`)
    }
  }
  if (compiled.size > 5000) compiled.clear()
  compiled.set(key, re)
  return re
}

/** Python `re.sub` replacement text (`\1`, `\g<1>`, `\g<name>`, `\n`) as a replacer function. */
export function pythonReplacement(replacement: unknown): (match: string, ...rest: unknown[]) => string {
  const text = String(replacement)
  return (match: string, ...rest: unknown[]) => {
    const last = rest[rest.length - 1]
    const named = last !== null && typeof last === 'object' ? (last as Record<string, string | undefined>) : {}
    const groups = rest.slice(0, typeof last === 'object' ? -3 : -2) as (string | undefined)[]
    return text.replace(/\\(?:g<(\w+)>|(\d{1,2})|([ntr\\]))/g, (_, g: string | undefined, d: string | undefined, esc: string | undefined) => {
      if (esc !== undefined) return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : '\\'
      const ref = g ?? d!
      if (/^\d+$/.test(ref)) return Number(ref) === 0 ? match : (groups[Number(ref) - 1] ?? '')
      return named[ref] ?? ''
    })
  }
}
