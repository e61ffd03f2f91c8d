/**
 * Python's `ast.literal_eval` for the values Ansible's INI inventory reads: strings, numbers, True/False/None,
 * lists, tuples and dicts. Returns `undefined` when the text is not a literal (the caller keeps the string).
 */
export function literalEval(text: string, options: { readonly jsonNames?: boolean } = {}): unknown {
  const parser = new LiteralParser(text, options.jsonNames === true ? [...PYTHON_NAMES, ...JSON_NAMES] : PYTHON_NAMES)
  try {
    const value = parser.value()
    parser.skipSpace()
    return parser.atEnd() ? value : undefined
  } catch (error) {
    if (error instanceof NotALiteral) return undefined
    throw error
  }
}

class NotALiteral extends Error {}

const NUMBER = /^[+-]?(?:0[xX][0-9a-fA-F](?:_?[0-9a-fA-F])*|0[oO][0-7](?:_?[0-7])*|0[bB][01](?:_?[01])*|(?:\d(?:_?\d)*)?\.?\d(?:_?\d)*(?:[eE][+-]?\d+)?\.?|\d(?:_?\d)*\.)/
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' }

const PYTHON_NAMES = [['True', true], ['False', false], ['None', null]] as const
// ansible's Json2Python: rendered template text may spell its constants the JSON way
const JSON_NAMES = [['true', true], ['false', false], ['null', null]] as const

class LiteralParser {
  private pos = 0
  constructor(
    private readonly text: string,
    private readonly names: readonly (readonly [string, boolean | null])[],
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length
  }

  skipSpace(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++
  }

  value(): unknown {
    this.skipSpace()
    const c = this.text[this.pos]
    if (c === undefined) throw new NotALiteral()
    if (c === '[') return this.sequence(']')
    if (c === '(') return this.sequence(')')
    if (c === '{') return this.mapping()
    if (c === "'" || c === '"') return this.string()
    for (const [word, value] of this.names) {
      if (this.text.startsWith(word, this.pos) && !/\w/.test(this.text[this.pos + word.length] ?? '')) {
        this.pos += word.length
        return value
      }
    }
    return this.number()
  }

  private number(): number {
    const match = NUMBER.exec(this.text.slice(this.pos))
    // Python 3 has no leading-zero decimals: `0644` is a syntax error, so it stays a string.
    if (!match || /^[+-]?0\d/.test(match[0])) throw new NotALiteral()
    this.pos += match[0].length
    const s = match[0].replaceAll('_', '')
    const sign = s.startsWith('-') ? -1 : 1
    const body = s.replace(/^[+-]/, '')
    if (/^0[xob]/i.test(body)) return sign * Number(body.toLowerCase())
    return sign * Number(body)
  }

  private string(): string {
    const quote = this.text[this.pos]!
    this.pos++
    let out = ''
    for (;;) {
      const c = this.text[this.pos++]
      if (c === undefined) throw new NotALiteral()
      if (c === quote) break
      if (c === '\\') {
        const e = this.text[this.pos++]
        if (e === undefined) throw new NotALiteral()
        out += ESCAPES[e] ?? `\\${e}`
      } else out += c
    }
    this.skipSpace()
    // Adjacent literals concatenate, as in Python: 'a' 'b' == 'ab'.
    const next = this.text[this.pos]
    return next === "'" || next === '"' ? out + this.string() : out
  }

  private sequence(close: string): unknown[] {
    this.pos++
    const items: unknown[] = []
    for (;;) {
      this.skipSpace()
      if (this.text[this.pos] === close) break
      items.push(this.value())
      this.skipSpace()
      if (this.text[this.pos] === ',') this.pos++
      else if (this.text[this.pos] !== close) throw new NotALiteral()
    }
    this.pos++
    return items
  }

  private mapping(): Record<string, unknown> {
    this.pos++
    const out: Record<string, unknown> = {}
    for (;;) {
      this.skipSpace()
      if (this.text[this.pos] === '}') break
      const key = this.value()
      this.skipSpace()
      if (this.text[this.pos++] !== ':') throw new NotALiteral()
      out[String(key)] = this.value()
      this.skipSpace()
      if (this.text[this.pos] === ',') this.pos++
      else if (this.text[this.pos] !== '}') throw new NotALiteral()
    }
    this.pos++
    return out
  }
}
