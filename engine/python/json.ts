/** JSON as Python's json.dumps(sort_keys=True) writes it: `", "`/`": "` separators, or indented by `indent`. */
export function pyJson(value: unknown, indent?: number, level = 0): string {
  if (value === undefined || value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') return Number.isFinite(value) ? (Number.isInteger(value) ? String(value) : pyFloat(value)) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN'
  if (typeof value === 'string' || value instanceof String) return quote(value.valueOf())
  const pad = indent === undefined ? '' : '\n' + ' '.repeat(indent * (level + 1))
  const close = indent === undefined ? '' : '\n' + ' '.repeat(indent * level)
  const sep = indent === undefined ? ', ' : ','
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]'
    return `[${value.map((v) => pad + pyJson(v, indent, level + 1)).join(sep)}${close}]`
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort()
    if (keys.length === 0) return '{}'
    return `{${keys.map((k) => `${pad}${quote(k)}: ${pyJson((value as Record<string, unknown>)[k], indent, level + 1)}`).join(sep)}${close}}`
  }
  return quote(String(value))
}

const pyFloat = (n: number): string => { const s = String(n); return /[.e]/.test(s) ? s : `${s}.0` }

function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
