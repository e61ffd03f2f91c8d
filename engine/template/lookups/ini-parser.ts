import { LookupError } from './context.js'

/** How Python's configparser is set up by the ini lookup. */
export interface IniOptions {
  readonly caseSensitive: boolean
  readonly allowNoValue: boolean
  /** The file's name as the user gave it, for messages. */
  readonly file: string
}

type Section = Map<string, (string | null)[]>

/**
 * INI text as Python's configparser reads it (defaults: `=` or `:`, `#`/`;` comment lines, indented continuation
 * lines, `[DEFAULT]` seen in every section, `%(name)s` interpolation): sections to their keys and values, in order.
 */
export function parseIni(text: string, options: IniOptions): Map<string, Map<string, string | null>> {
  const raw = new Map<string, Section>()
  let current: Section | undefined
  let last: { values: (string | null)[]; indent: number } | undefined
  const lines = text.split(/\r\n|\r|\n/)
  lines.forEach((line, n) => {
    const value = line.trim()
    const indent = line.length - line.trimStart().length
    if (value.startsWith('#') || value.startsWith(';')) return
    if (value === '') {
      if (last?.values[0] !== null) last?.values.push('')
      return
    }
    if (current && last && last.values[0] !== null && indent > last.indent) {
      last.values.push(value)
      return
    }
    const header = /^\[(.+)\]/.exec(value)
    if (header) {
      const name = header[1]!
      if (raw.has(name) && name !== 'DEFAULT') throw new LookupError(`While reading from '<???>' [line ${String(n + 1).padStart(2)}]: section '${name}' already exists`)
      current = raw.get(name) ?? new Map()
      raw.set(name, current)
      last = undefined
      return
    }
    if (!current) throw new LookupError(`File contains no section headers.\nfile: '<???>', line: ${n + 1}\n${JSON.stringify(line + '\n')}`)
    const m = /^(.*?)\s*([=:])\s*(.*)$/.exec(value)
    const key = (m ? m[1]! : value).trimEnd()
    const name = options.caseSensitive ? key : key.toLowerCase()
    if (!m && !options.allowNoValue) throw new LookupError(`Source contains parsing errors: '<???>'\n\t[line ${String(n + 1).padStart(2)}]: ${JSON.stringify(line)}`)
    if (current.has(name)) throw new LookupError(`Duplicate option in '${options.file}': While reading from '<???>' [line ${String(n + 1).padStart(2)}]: option '${name}' in section '${[...raw].find(([, s]) => s === current)![0]}' already exists`)
    const values = m ? [m[3]!] : [null]
    current.set(name, values)
    last = { values, indent }
  })
  const joined = (values: (string | null)[]): string | null => (values[0] === null ? null : values.join('\n').replace(/\n+$/, ''))
  const defaults = new Map([...(raw.get('DEFAULT') ?? new Map<string, (string | null)[]>())].map(([k, v]) => [k, joined(v)]))
  const out = new Map<string, Map<string, string | null>>()
  for (const [name, section] of raw) {
    if (name === 'DEFAULT') continue
    const merged = new Map(defaults)
    for (const [k, v] of section) merged.set(k, joined(v))
    const resolved = new Map<string, string | null>()
    for (const [k, v] of merged) resolved.set(k, v === null ? null : interpolate(v, merged, name, k, 1))
    out.set(name, resolved)
  }
  return out
}

// configparser's BasicInterpolation: `%%` is a percent sign, `%(other)s` another option of the section
function interpolate(value: string, section: Map<string, string | null>, sectionName: string, option: string, depth: number): string {
  if (depth > 10) throw new LookupError(`Recursion limit exceeded in value substitution: option '${option}' in section '${sectionName}' contains an interpolation key which cannot be substituted in 10 steps. Raw value: '${value}'`)
  let out = ''
  let rest = value
  while (rest !== '') {
    const at = rest.indexOf('%')
    if (at < 0) return out + rest
    out += rest.slice(0, at)
    rest = rest.slice(at)
    if (rest[1] === '%') {
      out += '%'
      rest = rest.slice(2)
      continue
    }
    const m = /^%\(([^)]+)\)s/.exec(rest)
    if (!m) throw new LookupError(`'%' must be followed by '%' or '(', found: '${rest}'`)
    const ref = m[1]!.toLowerCase()
    const target = section.get(ref)
    if (target === undefined || target === null) throw new LookupError(`Bad value substitution: option '${option}' in section '${sectionName}' contains an interpolation key '${ref}' which is not a valid option name. Raw value: '${value}'`)
    out += target.includes('%') ? interpolate(target, section, sectionName, ref, depth + 1) : target
    rest = rest.slice(m[0].length)
  }
  return out
}
