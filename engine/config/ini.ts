import { ConfigError } from './error.js'

// A reader for ansible.cfg exactly as ansible-core 2.14 reads it: Python's configparser.ConfigParser with
// inline_comment_prefixes=(';',) and every other option at its default (strict, '=' and ':' delimiters,
// '#' and ';' full-line comments, keys lower-cased, section names kept as written, indented continuation
// lines, a DEFAULT section whose keys every section inherits), values read raw so '%' is never interpolated.

/** One option as read: its value (continuation lines joined with '\n') and the line it started on. */
export interface IniValue {
  readonly value: string
  readonly line: number
}

/** A parsed INI file: `get` looks in the section, then in DEFAULT, as configparser's `get(raw=True)`. */
export interface IniFile {
  readonly file: string
  readonly sections: ReadonlyMap<string, ReadonlyMap<string, IniValue>>
  readonly defaults: ReadonlyMap<string, IniValue>
  get(section: string, key: string): IniValue | undefined
}

const DEFAULT_SECTION = 'DEFAULT'
// Python's whitespace (str.isspace, and \s in its regular expressions) is not JavaScript's: it has \x1c-\x1f and
// \x85 but not the byte-order mark, so a BOM before the first header is an error in ansible and must be here too.
const SPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const IS_SPACE = new RegExp(`^[${SPACE}]$`, 'u')
const NON_SPACE = new RegExp(`[^${SPACE}]`, 'u')
const STRIP = new RegExp(`^[${SPACE}]+|[${SPACE}]+$`, 'gu')
const STRIP_END = new RegExp(`[${SPACE}]+$`, 'u')
const SECTION_HEADER = /^\[(.+)\]/su
const OPTION = new RegExp(`^(.*?)[${SPACE}]*[=:][${SPACE}]*(.*)$`, 'su')

const strip = (text: string): string => text.replace(STRIP, '')

interface Pending {
  readonly lines: string[]
  readonly line: number
}

/** Parses `text` (the content of `file`) as configparser does; errors name `file:line:col` as ansible names the line. */
export function parseIni(text: string, file: string): IniFile {
  const sections = new Map<string, Map<string, Pending>>()
  const defaults = new Map<string, Pending>()
  const seen = new Set<string>()
  const bad: number[] = []
  let current: Map<string, Pending> | undefined
  let sectionName: string | undefined
  let option: string | undefined
  let indentLevel = 0
  const lines = text.split('\n')
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((raw, index) => {
    const lineNo = index + 1
    const line = index < lines.length - 1 || text.endsWith('\n') ? `${raw}\n` : raw
    const commentStart = findCommentStart(line)
    const value = strip(commentStart === undefined ? line : line.slice(0, commentStart))
    if (value === '') {
      // configparser keeps blank lines inside a value (they can separate continuation lines), never comment lines
      if (commentStart === undefined && current !== undefined && option) current.get(option)?.lines.push('')
      return
    }
    const indent = line.search(NON_SPACE)
    if (current !== undefined && option && indent > indentLevel) {
      current.get(option)!.lines.push(value)
      return
    }
    indentLevel = indent
    const header = SECTION_HEADER.exec(value)
    if (header) {
      const name = header[1]!
      if (sections.has(name)) {
        if (seen.has(name)) throw new ConfigError(`section '${name}' already exists`, { file, line: lineNo, col: indent + 1 })
        current = sections.get(name)
        seen.add(name)
      } else if (name === DEFAULT_SECTION) {
        current = defaults
      } else {
        current = new Map()
        sections.set(name, current)
        seen.add(name)
      }
      sectionName = name
      option = undefined
      return
    }
    if (current === undefined) {
      throw new ConfigError(`file contains no section headers: ${JSON.stringify(raw)}`, { file, line: lineNo, col: indent + 1 })
    }
    const match = OPTION.exec(value)
    if (!match) {
      bad.push(lineNo)
      return
    }
    if (!match[1]) bad.push(lineNo)
    option = match[1]!.replace(STRIP_END, '').toLowerCase()
    const seenKey = `${sectionName}\u0000${option}`
    if (seen.has(seenKey)) {
      throw new ConfigError(`option '${option}' in section '${sectionName}' already exists`, { file, line: lineNo, col: indent + 1 })
    }
    seen.add(seenKey)
    current.set(option, { lines: [strip(match[2]!)], line: lineNo })
  })
  if (bad.length > 0) {
    const first = bad[0]!
    const others = bad.length > 1 ? ` (also lines ${bad.slice(1).join(', ')})` : ''
    throw new ConfigError(`not a section header or 'key = value': ${JSON.stringify(lines[first - 1])}${others}`, { file, line: first, col: 1 })
  }
  return makeIniFile(file, sections, defaults)
}

// An inline ';' counts only at the start of a line or after whitespace; a '#' or ';' opening the stripped line
// makes the whole line a comment.
function findCommentStart(line: string): number | undefined {
  const stripped = strip(line)
  if (stripped.startsWith('#') || stripped.startsWith(';')) return 0
  for (let i = line.indexOf(';'); i !== -1; i = line.indexOf(';', i + 1)) {
    if (i === 0 || IS_SPACE.test(line[i - 1]!)) return i
  }
  return undefined
}

function join(options: ReadonlyMap<string, Pending>): Map<string, IniValue> {
  const joined = new Map<string, IniValue>()
  for (const [key, pending] of options) joined.set(key, { value: pending.lines.join('\n').replace(STRIP_END, ''), line: pending.line })
  return joined
}

function makeIniFile(file: string, raw: ReadonlyMap<string, ReadonlyMap<string, Pending>>, rawDefaults: ReadonlyMap<string, Pending>): IniFile {
  const sections = new Map([...raw].map(([name, options]) => [name, join(options)] as const))
  const defaults = join(rawDefaults)
  return {
    file,
    sections,
    defaults,
    get(section, key) {
      const options = section === DEFAULT_SECTION ? defaults : sections.get(section)
      if (options === undefined) return undefined
      const name = key.toLowerCase()
      return options.get(name) ?? defaults.get(name)
    },
  }
}
