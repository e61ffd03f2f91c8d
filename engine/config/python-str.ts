import type { ConfigValue, SettingType } from './convert.js'

/** Python's `repr` of a str: single quotes unless only double quotes avoid escaping, control characters escaped. */
export function pythonRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let body = ''
  for (const char of text) {
    const code = char.codePointAt(0)!
    if (char === '\\' || char === quote) body += `\\${char}`
    else if (char === '\n') body += '\\n'
    else if (char === '\r') body += '\\r'
    else if (char === '\t') body += '\\t'
    else if (code < 0x20 || (code >= 0x7f && code < 0xa0)) body += `\\x${code.toString(16).padStart(2, '0')}`
    else body += char
  }
  return quote + body + quote
}

/** Python's `str()` of a setting's value, as `ansible-config dump` prints it; `type` tells a float 10.0 from an int. */
export function pythonStr(value: ConfigValue, type: SettingType): string {
  if (value === null) return 'None'
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  if (typeof value === 'number') return type === 'float' ? pythonFloat(value) : String(value)
  if (typeof value === 'string') return value
  return `[${value.map(pythonRepr).join(', ')}]`
}

function pythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  // exponent notation (Python from 1e16, JS from 1e21) differs; no float setting in the table gets there
  return Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : String(value)
}
