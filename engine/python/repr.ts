/** Python's `repr()` of a string: single quotes unless the text holds `'` and no `"`. */
export function reprString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of s) {
    if (ch === quote || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`
    else out += ch
  }
  return out + quote
}

/** Python's `repr()` of a number; JavaScript cannot tell `2.0` from `2`, so integral values print as ints. */
export function reprNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan'
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf'
  if (Number.isInteger(n) && Math.abs(n) >= 1e16) return BigInt(n).toString()
  return String(n)
}

/** Python-style text of a value, as Jinja2 under Ansible prints it inside a larger string. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  switch (typeof value) {
    case 'string':
      return reprString(value)
    case 'number':
      return reprNumber(value)
    case 'boolean':
      return value ? 'True' : 'False'
    case 'bigint':
      return value.toString()
    case 'function':
      return '<function>'
  }
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`
  // a boxed string (an unsafe value, yaml/unsafe.ts) is a str to Python
  if (value instanceof String) return reprString(value.valueOf())
  if (value instanceof Date) return reprString(value.toISOString())
  const entries = Object.keys(value as object).map((k) => `${reprString(k)}: ${pythonRepr((value as Record<string, unknown>)[k])}`)
  return `{${entries.join(', ')}}`
}

/** Python's `str()`: strings as they are, everything else as its repr. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : value instanceof String ? value.valueOf() : pythonRepr(value)
}

/** Python truthiness: empty strings, lists and dicts, 0 and None are false. */
export function pythonTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return Boolean(value)
}

/** Python `==`: deep on lists and dicts, `1 == True`, no string/number coercion. */
export function pythonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null)
  if (typeof a === 'boolean' && typeof b === 'number') return Number(a) === b
  if (typeof a === 'number' && typeof b === 'boolean') return a === Number(b)
  if (typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    return a.every((x, i) => pythonEquals(x, b[i]))
  }
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && pythonEquals((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
}

/** Python ordering (`<`): numbers with numbers, strings with strings, lists element-wise; else a TypeError text. */
export function pythonCompare(a: unknown, b: unknown): number {
  const na = typeof a === 'boolean' ? Number(a) : a
  const nb = typeof b === 'boolean' ? Number(b) : b
  if (typeof na === 'number' && typeof nb === 'number') return na < nb ? -1 : na > nb ? 1 : 0
  if (typeof na === 'string' && typeof nb === 'string') return na < nb ? -1 : na > nb ? 1 : 0
  if (Array.isArray(na) && Array.isArray(nb)) {
    for (let i = 0; i < Math.min(na.length, nb.length); i++) {
      const c = pythonCompare(na[i], nb[i])
      if (c !== 0) return c
    }
    return na.length - nb.length
  }
  throw new TypeError(`'<' not supported between instances of '${pythonType(a)}' and '${pythonType(b)}'`)
}

/** The Python type name of a value, as `type_debug` and error messages show it. */
export function pythonType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType'
  if (Array.isArray(value)) return 'list'
  switch (typeof value) {
    case 'string':
      return 'str'
    case 'number':
      return Number.isInteger(value) ? 'int' : 'float'
    case 'boolean':
      return 'bool'
    case 'function':
      return 'function'
    default:
      return 'dict'
  }
}
