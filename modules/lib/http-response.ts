/** The last response of a `curl -D` header dump: its status line's parts and its headers, in order. */
export interface HttpHead {
  readonly status: number
  readonly reason: string
  readonly headers: ReadonlyArray<readonly [string, string]>
  /** `Set-Cookie` name and value pairs of every response in the dump (a redirect's too), in order. */
  readonly cookies: ReadonlyArray<readonly [string, string]>
}

/**
 * Parse what `curl -D` wrote: one block per response (redirects, `100 Continue`), each a status line and its
 * header lines up to a blank line. The last final (non-1xx) block is the response. Pure.
 */
export function parseHeaderDump(text: string): HttpHead {
  const blocks: { status: number; reason: string; headers: [string, string][] }[] = []
  for (const line of text.split(/\r?\n/)) {
    const statusLine = /^HTTP\/[\d.]+ (\d{3})(?: (.*))?$/.exec(line)
    if (statusLine) {
      blocks.push({ status: Number(statusLine[1]), reason: statusLine[2] ?? '', headers: [] })
      continue
    }
    // Python's header parser drops the white space after the colon and keeps any at the end.
    const header = /^([^:\s]+):[ \t]*(.*)$/.exec(line)
    if (header && blocks.length > 0) blocks.at(-1)!.headers.push([header[1]!, header[2]!])
  }
  const final = blocks.filter((b) => b.status >= 200)
  const last = final.at(-1) ?? { status: -1, reason: '', headers: [] }
  const cookies = final.flatMap((b) => b.headers.filter(([k]) => k.toLowerCase() === 'set-cookie').map(([, v]) => cookiePair(v))).filter((c) => c !== undefined)
  return { status: last.status, reason: last.reason, headers: last.headers, cookies }
}

function cookiePair(value: string): [string, string] | undefined {
  const first = value.split(';')[0] ?? ''
  const at = first.indexOf('=')
  return at <= 0 ? undefined : [first.slice(0, at).trim(), first.slice(at + 1).trim()]
}

/**
 * Headers as ansible's fetch_url puts them into the result: names lower-cased, and a name given more than once
 * with its values joined by `, ` (a successful response) or the last one kept (an error response, HTTPError).
 */
export function headerValues(headers: HttpHead['headers'], join: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of headers) {
    const key = name.toLowerCase()
    out[key] = join && Object.hasOwn(out, key) ? `${out[key]}, ${value}` : value
  }
  return out
}

/** The media type and charset of a Content-Type header, as ansible's parse_content_type splits it. */
export function contentType(header: string | undefined): { type: string; sub: string; charset: string } {
  const [media = '', ...params] = (header ?? 'application/octet-stream').split(';')
  const [type = '', sub = ''] = media.trim().toLowerCase().split('/')
  const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";]+)"?/i.exec(p)?.[1]).find((c) => c !== undefined) ?? 'utf-8'
  return { type, sub, charset }
}

/** Whether uri parses the body as JSON: a `json` or `javascript` subtype, or a `+json` suffix. */
export function looksJson(sub: string): boolean {
  const suffix = sub.includes('+') ? sub.slice(sub.indexOf('+') + 1) : sub
  return suffix === 'json' || suffix === 'javascript'
}

/** Python's urllib.parse.quote_plus: only letters, digits and `_.-~` stay, a space becomes `+`. */
const quotePlus = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replaceAll('%20', '+')

/** Python's str() of a scalar, as ansible's to_text writes a form value. */
const pythonText = (v: unknown): string => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v))

/**
 * A body as uri's form_urlencoded writes it: a mapping's (or a list of pairs') keys with each value, a list value
 * as one pair per element, nulls left out; text as it is.
 */
export function formUrlencoded(body: unknown): string {
  if (typeof body === 'string') return body
  const pairs: unknown[] = Array.isArray(body) ? body : Object.entries(body as Record<string, unknown>)
  const out: string[] = []
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('cannot form-urlencode body, expect list or dict')
    const [key, value] = pair as [unknown, unknown]
    const values = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.keys(value) : [value]
    for (const v of values) if (v !== null && v !== undefined) out.push(`${quotePlus(pythonText(key))}=${quotePlus(pythonText(v))}`)
  }
  return out.join('&')
}

/** uri's absolute_location: a relative `Location` resolved the way ansible does it (not quite RFC 3986). */
export function absoluteLocation(url: string, location: string): string {
  if (location.includes('://')) return location
  // Python's str.replace replaces every occurrence of urlsplit's path, and os.path.dirname keeps up to the last '/'.
  if (location.startsWith('/')) return `${url.replaceAll(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1] ?? '', '')}${location}`
  let head = url.slice(0, url.lastIndexOf('/') + 1)
  if (head !== '' && !/^\/+$/.test(head)) head = head.replace(/\/+$/, '')
  return `${head}/${location}`
}
