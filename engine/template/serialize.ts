import { reprNumber } from '../python/index.js'

/** Options of Python's json.dumps that Ansible's to_json / to_nice_json use. */
export interface JsonOptions {
  readonly indent?: number | undefined
  readonly sortKeys?: boolean
  readonly ensureAscii?: boolean
  /** json.dumps' (item, key) separators. */
  readonly separators?: readonly [string, string] | undefined
}

function jsonString(s: string, ensureAscii: boolean): string {
  let out = '"'
  for (const ch of s) {
    const code = ch.codePointAt(0)!
    if (ch === '"') out += '\\"'
    else if (ch === '\\') out += '\\\\'
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch === '\b') out += '\\b'
    else if (ch === '\f') out += '\\f'
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) {
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`
    } else out += ch
  }
  return out + '"'
}

/** Python's json.dumps text: `{"a": [1, 2]}` by default, `(',', ': ')` separators when indented, ASCII-escaped. */
export function toPythonJson(value: unknown, options: JsonOptions = {}): string {
  const { indent, sortKeys = false, ensureAscii = true } = options
  const [item, colon] = options.separators ?? [indent === undefined ? ', ' : ',', ': ']
  const walk = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return 'null'
    if (typeof v === 'boolean') return v ? 'true' : 'false'
    if (typeof v === 'number') return Number.isFinite(v) ? reprNumber(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'
    if (typeof v === 'string') return jsonString(v, ensureAscii)
    const entries: [string | undefined, unknown][] = Array.isArray(v) ? v.map((x) => [undefined, x]) : Object.keys(v as object).map((k) => [k, (v as Record<string, unknown>)[k]])
    if (!Array.isArray(v) && sortKeys) entries.sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}']
    if (entries.length === 0) return open + close
    const parts = entries.map(([k, x]) => (k === undefined ? '' : `${jsonString(k, ensureAscii)}${colon}`) + walk(x, depth + 1))
    if (indent === undefined) return open + parts.join(item) + close
    const pad = ' '.repeat(indent * (depth + 1))
    return `${open}\n${pad}${parts.join(`${item}\n${pad}`)}\n${' '.repeat(indent * depth)}${close}`
  }
  return walk(value, 0)
}

/** Options of PyYAML's dump as Ansible's to_yaml (flow leaves) and to_nice_yaml (block, indent 4) call it. */
export interface YamlOptions {
  readonly indent: number
  /** default_flow_style=None: collections holding only scalars are written inline. */
  readonly flow: boolean
  /** sort_keys (PyYAML's default is true). */
  readonly sortKeys?: boolean
  /** The column after which a long plain or quoted scalar is folded (PyYAML's width, 80). */
  readonly width?: number
}

// The dump in progress' sort_keys and width; toPythonYaml sets them for the call it makes.
const style = { sortKeys: true, width: 80 }
const keysOf = (v: object): string[] => (style.sortKeys ? Object.keys(v).sort() : Object.keys(v))

const RESOLVES_TO_OTHER = /^(?:~|null|Null|NULL|yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|\d{4}-\d\d?-\d\d?.*|<<|=|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/

/** PyYAML's line folding: a single space after the width column becomes a line break plus indentation. */
function fold(text: string, column: number, pad: string, quoted: boolean): string {
  let out = ''
  let col = column
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    const single = ch === ' ' && text[i - 1] !== ' ' && text[i + 1] !== ' ' && text[i + 1] !== undefined
    if (single && col > style.width && (!quoted || i > 0)) {
      out += `\n${pad}`
      col = pad.length
      continue
    }
    if (ch === '\n') col = pad.length
    else col++
    out += ch
  }
  return out
}

function yamlScalar(v: unknown, pad: string, column = 0): string {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') return Number.isFinite(v) ? reprNumber(v) : Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'
  const s = String(v)
  if (/[\x00-\x08\x0b-\x1f\x7f\t]/.test(s)) return JSON.stringify(s)
  const plain = s !== '' && !/^[\s\-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/\s$/.test(s) && !/: |:$| #|\n/.test(s) && !RESOLVES_TO_OTHER.test(s)
  if (plain || (/^[-?:]./.test(s) && !/^[-?:]\s/.test(s) && !/: | #|\n/.test(s) && !RESOLVES_TO_OTHER.test(s) && !/\s$/.test(s))) return fold(s, column, pad, false)
  return fold(`'${s.replace(/'/g, "''").split('\n').join(`\n\n${pad}`)}'`, column, pad, true)
}

const isCollection = (v: unknown): v is object => v !== null && typeof v === 'object'
const isEmpty = (v: object): boolean => (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0)

function flowText(v: unknown, pad: string): string {
  if (!isCollection(v)) return yamlScalar(v, pad)
  if (Array.isArray(v)) return `[${v.map((x) => flowText(x, pad)).join(', ')}]`
  return `{${keysOf(v).map((k) => `${yamlScalar(k, pad)}: ${flowText((v as Record<string, unknown>)[k], pad)}`).join(', ')}}`
}

/** PyYAML's dump text (sorted keys, indentless sequences in mappings, `...` after a root scalar). */
export function toPythonYaml(value: unknown, options: YamlOptions): string {
  const saved = { ...style }
  style.sortKeys = options.sortKeys ?? true
  style.width = options.width ?? 80
  try {
    return dump(value, options)
  } finally {
    Object.assign(style, saved)
  }
}

function dump(value: unknown, options: YamlOptions): string {
  const { indent, flow } = options
  const inline = (v: unknown): boolean => !isCollection(v) || isEmpty(v) || (flow && Object.values(v).every((x) => !isCollection(x)))
  const lines: string[] = []
  // `first` is the text that starts the first line (a sequence dash); `col` the indentation of the rest.
  const block = (v: object, col: number, first: string): void => {
    const pad = ' '.repeat(col)
    let lead = first
    if (Array.isArray(v)) {
      for (const x of v) {
        const dash = `${lead || pad}-${' '.repeat(indent - 1)}`
        if (inline(x)) lines.push(`${lead || pad}- ${isCollection(x) ? flowText(x, '') : yamlScalar(x, ' '.repeat(col + indent), col + 2)}`)
        else block(x as object, col + indent, dash)
        lead = ''
      }
      return
    }
    for (const k of keysOf(v)) {
      const x = (v as Record<string, unknown>)[k]
      const key = `${lead || pad}${yamlScalar(k, pad)}:`
      lead = ''
      if (inline(x)) lines.push(`${key} ${isCollection(x) ? flowText(x, '') : yamlScalar(x, ' '.repeat(col + indent), key.length + 1)}`)
      else {
        lines.push(key)
        block(x as object, Array.isArray(x) ? col : col + indent, '')
      }
    }
  }
  if (inline(value)) {
    const text = flowText(value, ' '.repeat(indent))
    // PyYAML ends a root scalar with a document end marker; Ansible's dumper does not.
    return `${text}\n`
  }
  block(value as object, 0, '')
  return `${lines.join('\n')}\n`
}
