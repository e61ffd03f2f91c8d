import nunjucks from 'nunjucks'

// Token-level facts about a template string, from nunjucks' own lexer so they agree with the parser.

interface Token {
  readonly type: string
  readonly value: string
}

interface Tokenizer {
  index: number
  _parseString(delimiter: string): string
  isFinished(): boolean
  in_code: boolean
  nextToken(): Token | null
  current(): string
  forward(): void
  lineno: number
  colno: number
  tsplayCurly?: number
}

const lexer = (nunjucks as unknown as { lexer: { lex(src: string, opts?: object): Tokenizer } }).lexer

// Jinja2 balances braces inside an expression, so `{{ {'a': {'b': 1}} }}` ends at the last `}}`;
// nunjucks would end the variable block at the first `}}`. Track the depth of `{` and read a `}`
// that closes a dict literal as a brace.
const proto = Object.getPrototypeOf(lexer.lex('')) as Tokenizer
const originalNext = proto.nextToken
proto.nextToken = function (this: Tokenizer): Token | null {
  if (this.in_code && (this.tsplayCurly ?? 0) > 0 && this.current() === '}') {
    const token = { type: 'right-curly', value: '}', lineno: this.lineno, colno: this.colno }
    this.forward()
    this.tsplayCurly!--
    return token
  }
  const token = originalNext.call(this)
  if (token?.type === 'left-curly') this.tsplayCurly = (this.tsplayCurly ?? 0) + 1
  else if (token?.type === 'variable-end' || token?.type === 'block-end') this.tsplayCurly = 0
  return token
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' }

/**
 * A string literal's value as Jinja2 reads it (Python's unicode-escape): `\n`, `\x41`, `\u00e9`,
 * octal, and an unknown escape such as `\.` or `\d` keeps its backslash (nunjucks would drop it).
 */
export function unescapeString(raw: string): string {
  return raw.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|[\s\S])/g, (whole, e: string) => {
    if (e in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[e]!
    if (/^[xuU]/.test(e) && e.length > 1) return String.fromCodePoint(parseInt(e.slice(1), 16))
    if (/^[0-7]+$/.test(e)) return String.fromCodePoint(parseInt(e, 8))
    return whole
  })
}

proto._parseString = function (this: Tokenizer, delimiter: string): string {
  this.forward()
  let raw = ''
  while (!this.isFinished() && this.current() !== delimiter) {
    if (this.current() === '\\') {
      raw += '\\'
      this.forward()
      if (this.isFinished()) break
    }
    raw += this.current()
    this.forward()
  }
  this.forward()
  return unescapeString(raw)
}

interface Span extends Token {
  readonly start: number
  readonly end: number
}

function spans(text: string): Span[] | undefined {
  const tokenizer = lexer.lex(text)
  const out: Span[] = []
  try {
    for (;;) {
      const start = tokenizer.index
      const token = tokenizer.nextToken()
      if (!token) return out
      out.push({ ...token, start, end: tokenizer.index })
    }
  } catch {
    return undefined
  }
}

/** The expression when `text` is exactly one `{{ expr }}` block (Ansible then keeps the native value). */
export function loneExpression(text: string): string | undefined {
  if (!text.startsWith('{{') || !text.endsWith('}}')) return undefined
  const tokens = spans(text)
  if (!tokens || tokens.length < 2) return undefined
  const first = tokens[0]!
  const last = tokens[tokens.length - 1]!
  if (first.type !== 'variable-start' || last.type !== 'variable-end' || last.end !== text.length) return undefined
  if (tokens.some((t, i) => i > 0 && i < tokens.length - 1 && (t.type === 'variable-end' || t.type === 'variable-start' || t.type === 'block-start' || t.type === 'comment'))) return undefined
  return text.slice(first.end, last.start)
}

// `a.0.b` is Jinja2 for `a[0].b`; nunjucks only knows the subscript form.
const NUMERIC_ATTRIBUTE = /((?:^|[^\w])[A-Za-z_]\w*|[\])])\.(\d+)(?![\w])/g

function subscripts(code: string): string {
  let before: string
  let after = code
  do {
    before = after
    after = before.replace(NUMERIC_ATTRIBUTE, '$1[$2]')
  } while (after !== before)
  return after
}

const ATTRIBUTE_SET = /\{%-?\s*set\s+\w+\s*\.\s*\w+\s*=/

/** `{% set ns.attr = value %}` (Jinja2's namespace assignment) as a call nunjucks can compile. */
function attributeSets(text: string): string {
  const tokens = spans(text)
  if (!tokens) return text
  let out = ''
  let closing = false
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!
    if (token.type === 'block-start') {
      const code = tokens.slice(i + 1).filter((t) => t.type !== 'whitespace')
      const [set, target, dot, attr, equals] = code
      if (set?.value === 'set' && target?.type === 'symbol' && dot?.value === '.' && attr?.type === 'symbol' && equals?.value === '=') {
        out += `${token.value} set __tsplay_ignored__ = __tsplay_setattr__(${target.value}, ${JSON.stringify(attr.value)}, (`
        i = tokens.indexOf(equals)
        closing = true
        continue
      }
    }
    if (token.type === 'block-end' && closing) {
      out += ')) '
      closing = false
    }
    out += text.slice(token.start, token.end)
  }
  return out
}

/**
 * Rewrite Jinja2 text into what our nunjucks reads the same way: `a.0` becomes `a[0]`,
 * `{% set ns.x = v %}` a call, and with
 * `escape` backslashes in string literals inside `{{ }}` are doubled, as Ansible does for inline
 * templates (so `'\d+'` in a playbook reaches the filter as `\d+`; the template module does not).
 */
export function toNunjucks(source: string, escape: boolean): string {
  const text = ATTRIBUTE_SET.test(source) ? attributeSets(source) : source
  const numeric = /[A-Za-z_\])]\.\d/.test(text)
  const backslash = escape && text.includes('\\') && text.includes('{{')
  if (!numeric && !backslash) return text
  const tokens = spans(text)
  if (!tokens) return text
  let inVariable = false
  let inCode = false
  let out = ''
  let code = ''
  for (const token of tokens) {
    const raw = text.slice(token.start, token.end)
    if (token.type === 'variable-start' || token.type === 'block-start') [inVariable, inCode] = [token.type === 'variable-start', true]
    else if (token.type === 'variable-end' || token.type === 'block-end') [inVariable, inCode] = [false, false]
    if (inCode && token.type !== 'string' && token.type !== 'variable-start' && token.type !== 'block-start') {
      code += raw
      continue
    }
    out += subscripts(code)
    code = ''
    out += backslash && inVariable && token.type === 'string' ? raw.replace(/\\/g, '\\\\') : raw
  }
  return out + subscripts(code)
}
