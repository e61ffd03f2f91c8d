import { unfrackPath, type PathContext } from './python-path.js'

/** The value types of ansible's settings, after `ensure_type`; `raw` keeps what came (strings unquoted). */
export type SettingType = 'boolean' | 'integer' | 'float' | 'list' | 'path' | 'tmppath' | 'pathlist' | 'pathspec' | 'string' | 'raw'

/** A converted setting value as ansible holds it: Python's bool, int, float, str, list of str or None. */
export type ConfigValue = boolean | number | string | readonly string[] | null

/** A raw value before conversion: text from the environment or a file, or a default from the table. */
export type RawValue = boolean | number | string | readonly string[] | null

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't'])

/** ansible's non-strict `boolean()`: one of y/yes/on/1/true/t (any case, trimmed) is true, anything else false. */
export function toBoolean(value: RawValue): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value === 'number') return value === 1
  if (typeof value === 'string') return TRUE_WORDS.has(value.trim().toLowerCase())
  return false
}

/** `unquote`: strips one pair of matching outer quotes unless the closing one is escaped. */
export function unquote(text: string): string {
  const quoted = text.length > 1 && text[0] === text.at(-1) && (text[0] === '"' || text[0] === "'") && text.at(-2) !== '\\'
  return quoted ? text.slice(1, -1) : text
}

/** Python's `int(text)`: optional sign, decimal digits with single underscores between them, surrounding blanks. */
export function toInteger(value: RawValue): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'boolean') return value ? 1 : 0
  const text = String(value).trim()
  if (!/^[+-]?\d+(?:_\d+)*$/u.test(text)) throw new TypeError(`invalid literal for int() with base 10: ${pythonQuote(String(value))}`)
  return Number(text.replaceAll('_', ''))
}

/** Python's `float(text)`: decimal or exponent notation, inf/infinity/nan in any case. */
export function toFloat(value: RawValue): number {
  if (typeof value === 'number') return value
  if (typeof value === 'boolean') return value ? 1 : 0
  const text = String(value).trim().replaceAll(/(?<=\d)_(?=\d)/gu, '')
  if (/^[+-]?(?:inf|infinity)$/iu.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  if (/^[+-]?nan$/iu.test(text)) return Number.NaN
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/iu.test(text)) throw new TypeError(`could not convert string to float: ${pythonQuote(String(value))}`)
  return Number(text)
}

function pythonQuote(text: string): string {
  return text.includes("'") && !text.includes('"') ? `"${text}"` : `'${text.replaceAll("'", "\\'")}'`
}

/** Where paths are resolved: relative paths against `basedir` (the config file's folder) or else the cwd. */
export interface ConvertContext extends PathContext {
  readonly basedir?: string | undefined
}

// '{{CWD}}' is ansible's one magic word in configured paths: the working directory, whatever the base.
function resolvePath(path: string, context: ConvertContext): string {
  return unfrackPath(path.replaceAll('{{CWD}}', context.cwd), context, context.basedir ?? context.cwd)
}

/**
 * ansible's `ensure_type`: converts a raw setting to its type, resolving paths as ansible does (`pathlist` splits on
 * commas, `pathspec` on ':'). `tmppath` gives the folder ansible would create its per-run `ansible-local-*` folder
 * in; making that folder is left to whoever needs it. Throws TypeError with Python's wording on a bad number.
 */
export function ensureType(value: RawValue, type: SettingType, context: ConvertContext): ConfigValue {
  if (value === null) return null
  switch (type) {
    case 'boolean':
      return toBoolean(value)
    case 'integer':
      return toInteger(value)
    case 'float':
      return toFloat(value)
    case 'list':
      return typeof value === 'string' ? value.split(',').map((item) => unquote(item.trim())) : asList(value, 'list')
    case 'path':
    case 'tmppath':
      if (typeof value !== 'string') throw new TypeError(`Invalid type provided for "${type === 'path' ? 'path' : 'temppath'}": ${String(value)}`)
      return resolvePath(value, context)
    case 'pathlist':
      return (typeof value === 'string' ? value.split(',').map((item) => item.trim()) : asList(value, type)).map((item) => resolvePath(item, context))
    case 'pathspec':
      return (typeof value === 'string' ? value.split(':') : asList(value, type)).map((item) => resolvePath(item, context))
    case 'string':
      return unquote(typeof value === 'boolean' ? (value ? 'True' : 'False') : typeof value === 'string' ? value : String(value))
    case 'raw':
      return typeof value === 'string' ? unquote(value) : value
  }
}

function asList(value: RawValue, type: string): readonly string[] {
  if (Array.isArray(value)) return value as readonly string[]
  throw new TypeError(`Invalid type provided for "${type}": ${String(value)}`)
}
