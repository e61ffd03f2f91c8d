// - name: ask the API server whether it is healthy
//   uri:
//     url: "https://{{ inventory_hostname }}:6443/healthz"
//     validate_certs: false
//     return_content: true
//     status_code: [200, 401]
//   register: health
import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import { z } from 'zod'
import { and, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { toPythonJson } from '../engine/template/index.js'
import { fileMode, stringList, text, yamlBool, yamlInt } from './lib/args.js'
import { splitSections } from './lib/getent.js'
import { absoluteLocation, contentType, formUrlencoded, headerValues, looksJson, parseHeaderDump } from './lib/http-response.js'
import { withAliases } from './lib/packages.js'
import { tempAttrCommands } from './lib/file-attrs.js'
import { pathInfo } from './lib/path-info.js'

/** status_code as ansible takes a list of ints: a list, one number, or comma-separated text. */
const statusCodes = z.preprocess((v) => (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v]), z.array(yamlInt).min(1))

const args = withAliases(
  z
    .object({
      url: z.string().min(1).describe('HTTP or HTTPS URL to request'),
      method: z.preprocess((m) => (typeof m === 'string' ? m.toUpperCase() : m), z.string().regex(/^[A-Z]+$/, "Parameter 'method' needs to be a single word in uppercase, like GET or POST.")).default('GET').describe('The HTTP method (GET, POST, PUT, DELETE, HEAD, PATCH, …)'),
      body: z.unknown().optional().describe('The request body: text, or data that body_format json or form-urlencoded encodes'),
      body_format: z.enum(['raw', 'json', 'form-urlencoded']).default('raw').describe('How body is sent; json and form-urlencoded also set Content-Type unless headers has one'),
      headers: z.record(text).default({}).describe('Extra request headers'),
      status_code: statusCodes.default([200]).describe('The statuses that mean success'),
      return_content: yamlBool.default(false).describe('Return the body as `content` (a JSON body is also parsed into `json` whatever this says)'),
      dest: z.string().min(1).optional().describe('Write the body to this file on the host (a directory: the file name from the response); the file is sent as If-Modified-Since'),
      creates: z.string().min(1).optional().describe('Do nothing when this path exists on the host'),
      removes: z.string().min(1).optional().describe('Do nothing unless this path exists on the host'),
      timeout: yamlInt.default(30).describe('Seconds before the request gives up'),
      follow_redirects: z.enum(['all', 'no', 'none', 'safe', 'urllib2', 'yes']).default('safe').describe('Which redirects to follow: safe (only for GET and HEAD), all/yes/urllib2, none/no'),
      validate_certs: yamlBool.default(true).describe("Verify the server's TLS certificate"),
      ca_path: z.string().min(1).optional().describe('A CA certificate bundle (PEM) on the host to verify the server with'),
      client_cert: z.string().min(1).optional().describe('A client certificate (PEM) on the host'),
      client_key: z.string().min(1).optional().describe('The private key of client_cert on the host'),
      url_username: z.string().optional().describe('User for HTTP basic authentication (alias user)'),
      url_password: z.string().optional().describe('Password for HTTP basic authentication (alias password)'),
      force_basic_auth: yamlBool.default(false).describe('Send the credentials with the first request instead of after a 401 challenge'),
      force: yamlBool.default(false).describe('Ask caches for a fresh copy (Cache-Control: no-cache)'),
      http_agent: z.string().default('ansible-httpget').describe('The User-Agent header'),
      use_proxy: yamlBool.default(true).describe('Use the proxy of the environment (http_proxy, https_proxy)'),
      use_netrc: yamlBool.default(true).describe('Use credentials of ~/.netrc for the host'),
      decompress: yamlBool.default(true).describe('Ask for and undo gzip content encoding'),
      ciphers: stringList.optional().describe('TLS cipher list (OpenSSL names)'),
      unix_socket: z.string().min(1).optional().describe('Connect through this Unix socket on the host'),
      mode: fileMode.optional().describe('Mode of dest when written'),
      owner: z.string().optional().describe('Owner of dest when written'),
      group: z.string().optional().describe('Group of dest when written'),
    })
    .strict(),
  { user: 'url_username', password: 'url_password' },
)

type UriArgs = z.output<typeof args>

/** What the host has before the request: creates/removes, and what dest is. */
export interface UriState {
  readonly createsExists: boolean
  readonly removesExists: boolean
  readonly dest: 'file' | 'directory' | 'other' | 'absent'
}

/** `dest` is what dest was when gathered: a directory receives the file under the response's name. */
type UriChange = Change & { readonly kind: 'request'; readonly dest: UriState['dest'] }

/** The request body as text, and the headers it adds; pure. */
export function encodeBody(a: Pick<UriArgs, 'body' | 'body_format' | 'headers'>): { body: string | undefined; headers: Record<string, string> } {
  const headers = { ...a.headers }
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
  if (a.body_format === 'raw' || a.body === undefined || a.body === null) {
    if (a.body === undefined || a.body === null || typeof a.body === 'string') return { body: a.body ?? undefined, headers: a.body_format === 'raw' || hasType ? headers : { ...headers, 'Content-Type': defaultType(a.body_format) } }
    if (typeof a.body === 'number' || typeof a.body === 'boolean') return { body: String(a.body), headers }
    throw new ModuleError('body must be text with body_format raw; use body_format json or form-urlencoded for data')
  }
  if (!hasType) headers['Content-Type'] = defaultType(a.body_format)
  if (a.body_format === 'json') return { body: typeof a.body === 'string' ? a.body : toPythonJson(a.body), headers }
  try {
    return { body: formUrlencoded(a.body), headers }
  } catch (error) {
    throw new ModuleError(`failed to parse body as form_urlencoded: ${(error as Error).message}`, { elapsed: 0 })
  }
}

const defaultType = (format: 'json' | 'form-urlencoded' | 'raw'): string => (format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded')

/** creates/removes end the task before any request, as ansible.builtin.uri does; check mode runs nothing. Pure. */
export function planUri(a: UriArgs, state: UriState, ctx?: Pick<ModuleContext, 'check'>) {
  // ansible-core's uri does not support check mode: the whole task is skipped there.
  if (ctx?.check) return { changes: [], skip: 'remote module (uri) does not support check mode' }
  if (a.creates !== undefined && state.createsExists) return { changes: [], values: skipped(`skipped, since '${a.creates}' exists`) }
  if (a.removes !== undefined && !state.removesExists) return { changes: [], values: skipped(`skipped, since '${a.removes}' does not exist`) }
  encodeBody(a)
  const changes: UriChange[] = [{ kind: 'request', summary: `${a.method} ${a.url}`, dest: state.dest }]
  return { changes }
}

// ansible's action layer adds stdout_lines to every result with stdout.
const skipped = (stdout: string) => ({ stdout, stdout_lines: [stdout] })

/** Whole seconds between two `date +%s%N` readings (`%N` unknown to the host's date: whole seconds already). */
export function elapsedSeconds(start: string, end: string): number {
  const ns = (t: string): bigint => (/^\d+$/.test(t) ? BigInt(t) * (t.length > 12 ? 1n : 1_000_000_000n) : 0n)
  return Number((ns(end) - ns(start)) / 1_000_000_000n)
}

/** The curl config lines (read from stdin, so that credentials and body never show on a command line). */
export function curlConfig(a: UriArgs): string {
  const { body, headers } = encodeBody(a)
  const follow = a.follow_redirects === 'all' || a.follow_redirects === 'yes' || a.follow_redirects === 'urllib2' || (a.follow_redirects === 'safe' && (a.method === 'GET' || a.method === 'HEAD'))
  const lines = [
    `max-time = ${a.timeout}`,
    `user-agent = ${curlString(a.http_agent)}`,
    ...(a.force ? [`header = ${curlString('Cache-Control: no-cache')}`] : []),
    ...Object.entries(headers).map(([k, v]) => `header = ${curlString(`${k}: ${v}`)}`),
    ...(a.method === 'HEAD' ? ['head'] : a.method !== 'GET' || body !== undefined ? [`request = ${curlString(a.method)}`] : []),
    ...(body === undefined ? [] : [`data-raw = ${curlString(body)}`]),
    ...(follow ? ['location', 'max-redirs = 10'] : []),
    ...(a.validate_certs ? [] : ['insecure']),
    ...(a.url_username === undefined ? [] : [`user = ${curlString(`${a.url_username}:${a.url_password ?? ''}`)}`, a.force_basic_auth ? 'basic' : 'anyauth']),
    ...(a.use_netrc ? ['netrc-optional'] : []),
    ...(a.use_proxy ? [] : ['noproxy = "*"']),
    ...(a.decompress ? ['compressed'] : []),
    ...(a.ca_path === undefined ? [] : [`cacert = ${curlString(a.ca_path)}`]),
    ...(a.client_cert === undefined ? [] : [`cert = ${curlString(a.client_cert)}`]),
    ...(a.client_key === undefined ? [] : [`key = ${curlString(a.client_key)}`]),
    ...(a.ciphers === undefined ? [] : [`ciphers = ${curlString(a.ciphers.join(':'))}`]),
    ...(a.unix_socket === undefined ? [] : [`unix-socket = ${curlString(a.unix_socket)}`]),
  ]
  return lines.map((l) => `${l}\n`).join('')
}

// curl config strings: double-quoted, with backslash escapes.
const curlString = (s: string): string => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\t', '\\t')}"`

/** What the host's curl reported: its exit code and error text, the write-out, the header dump and the body. */
export interface CurlOutcome {
  readonly rc: number
  readonly error: string
  readonly code: number
  readonly redirects: number
  readonly effectiveUrl: string
  readonly headers: string
  readonly body: Buffer
  readonly elapsed: number
}

/** The registered result and the verdict, as ansible.builtin.uri builds them from urllib's answer; pure. */
export function uriResult(a: UriArgs, out: CurlOutcome, destPath: string | undefined): { values: Record<string, unknown>; failed?: string; write: boolean } {
  const answered = out.rc === 0 && out.code > 0
  const head = parseHeaderDump(out.headers)
  const ok = answered && out.code >= 200 && out.code < 300
  let info: Record<string, unknown> = { url: a.url, status: -1 }
  if (!answered) info = { ...info, msg: `Request failed: ${urlopenError(out.rc, out.error)}` }
  else if (ok) {
    const cookies = Object.fromEntries(head.cookies)
    const values = headerValues(head.headers, true)
    info = { ...info, ...values, cookies_string: head.cookies.map(([k, v]) => `${k}=${v}`).join('; '), cookies, msg: `OK (${values['content-length'] ?? 'unknown'} bytes)`, url: out.redirects > 0 ? out.effectiveUrl : a.url, status: out.code }
  } else info = { ...info, ...headerValues(head.headers, false), msg: `HTTP Error ${out.code}: ${head.reason}`, status: out.code }
  const type = answered ? contentType(headerValues(head.headers, true)['content-type']) : contentType(undefined)
  const maybeJson = looksJson(type.sub)
  const codes = a.status_code
  const status = Number(info['status'])
  const maybeOutput = maybeJson || a.return_content || !codes.includes(status)
  const content = answered && (maybeOutput || !ok) ? decode(out.body, type.charset) : undefined
  const result: Record<string, unknown> = {}
  for (const [key, value] of Object.entries({ redirected: info['url'] !== a.url, ...info, elapsed: out.elapsed, status, changed: false })) result[key.replaceAll('-', '_').toLowerCase()] = value
  // An error response that counts as success keeps its body under `body`, as urllib's HTTPError left it in info.
  if (answered && !ok && !maybeOutput) result['body'] = content
  const write = answered && destPath !== undefined && codes.includes(status) && status !== 304
  if (answered && destPath !== undefined) result['path'] = destPath
  if (typeof result['location'] === 'string') result['location'] = absoluteLocation(a.url, result['location'])
  if (maybeOutput && maybeJson && content !== undefined) {
    try {
      result['json'] = JSON.parse(content)
    } catch {
      // not JSON after all: ansible leaves `json` out
    }
  }
  if (a.return_content) result['content'] = maybeOutput ? (content ?? '') : null
  if (!codes.includes(status)) return { values: result, failed: `Status code was ${status} and not [${codes.join(', ')}]: ${String(result['msg'] ?? '')}`, write: false }
  return { values: result, write }
}

/**
 * curl's failure in the words of Python's urlopen for the common cases (refused, unknown host, time-out), so that
 * `msg` reads as under ansible; anything else keeps curl's own text.
 */
export function urlopenError(rc: number, stderr: string): string {
  const text = stderr.trim().replace(/^curl: \(\d+\) /, '')
  if (rc === 7 && /refused|couldn't connect/i.test(text)) return '<urlopen error [Errno 111] Connection refused>'
  if (rc === 6) return '<urlopen error [Errno -2] Name or service not known>'
  if (rc === 28) return '<urlopen error timed out>'
  return `<urlopen error ${text}>`
}

const decode = (body: Buffer, charset: string): string => {
  try {
    return new TextDecoder(charset).decode(body)
  } catch {
    return body.toString('utf8')
  }
}

/** The file name a directory dest receives: Content-Disposition's, else the URL's last path segment, else index.html. */
export function responseFileName(url: string, headers: Readonly<Record<string, unknown>>): string {
  const disposition = /filename="?([^";]+)"?/i.exec(String(headers['content_disposition'] ?? ''))?.[1]
  if (disposition !== undefined) return disposition
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)/i.exec(url)?.[1] ?? ''
  return decodeURIComponent(posix.basename(path.replace(/\/+$/, ''))) || 'index.html'
}

/** Sends an HTTP request from the host with its curl and returns the answer as ansible.builtin.uri does. */
export const uri = defineModule({
  name: 'uri',
  args,
  description: 'Send an HTTP request from the host (with its curl) and check the status; returns headers, content and parsed JSON',
  example: 'uri:\n  url: https://example.com/healthz\n  return_content: true\n  status_code: [200, 401]',
  async gather(ctx, a: UriArgs): Promise<UriState> {
    const test = (flag: string, path: string | undefined) => (path === undefined ? sh`echo no` : sh`if [ ${flag} ${path} ]; then echo yes; else echo no; fi`)
    const dest = a.dest === undefined ? sh`echo absent` : sh`if [ -d ${a.dest} ]; then echo directory; elif [ -f ${a.dest} ]; then echo file; elif [ -e ${a.dest} ]; then echo other; else echo absent; fi`
    const out = (await ctx.conn.exec(sh`${raw(test('-e', a.creates))}; ${raw(test('-e', a.removes))}; ${raw(dest)}`, { text: true })).stdout.split('\n')
    return { createsExists: out[0] === 'yes', removesExists: out[1] === 'yes', dest: (out[2] ?? 'absent') as UriState['dest'] }
  },
  plan: planUri,
  async apply(ctx, plan, a: UriArgs) {
    const state = { dest: plan.changes[0]!.dest }
    const since = a.dest !== undefined && state.dest === 'file' ? sh`set -- -H "If-Modified-Since: $(LC_ALL=C date -u -r ${a.dest} '+%a, %d %b %Y %H:%M:%S GMT')"` : sh`set --`
    const script = sh`command -v curl >/dev/null 2>&1 || { echo --tsplay-nocurl--; exit 0; }
t=$(mktemp -d) || exit 1
${raw(since)}
start=$(date +%s%N)
curl -sS --http1.1 --config - -D "$t/h" -o "$t/b" -w '%{http_code} %{num_redirects} %{url_effective}' "$@" -- ${a.url} >"$t/w" 2>"$t/e"; rc=$?
echo --tsplay-meta--; echo "$rc $start $(date +%s%N) $t"; cat "$t/w"; echo
echo --tsplay-error--; cat "$t/e"
echo --tsplay-headers--; cat "$t/h" 2>/dev/null
echo --tsplay-body--; base64 < "$t/b" 2>/dev/null; true`
    const run = await ctx.conn.exec(script, { stdin: curlConfig(a) })
    const sections = splitSections(run.stdout)
    if (sections.has('nocurl')) throw new ModuleError('uri needs curl on the host to send the request (install the curl package there)', { changed: false })
    const [meta = '', written = ''] = (sections.get('meta') ?? '').split('\n')
    const [rc = '1', start = '0', end = '0', temp = ''] = meta.split(' ')
    const [code = '0', redirects = '0', effectiveUrl = ''] = written.split(' ')
    const out: CurlOutcome = { rc: Number(rc), error: sections.get('error') ?? '', code: Number(code), redirects: Number(redirects), effectiveUrl, headers: sections.get('headers') ?? '', body: Buffer.from((sections.get('body') ?? '').replace(/\s+/g, ''), 'base64'), elapsed: elapsedSeconds(start, end) }
    const destPath = a.dest === undefined ? undefined : state.dest === 'directory' ? posix.join(a.dest, responseFileName(out.redirects > 0 ? out.effectiveUrl : a.url, headerValues(parseHeaderDump(out.headers).headers, true))) : a.dest
    const { values, failed, write } = uriResult(a, out, destPath)
    try {
      if (failed !== undefined) throw new ModuleError(failed, destPath === undefined ? values : { ...values, ...(await pathInfo(ctx.conn, destPath)) })
      if (destPath === undefined) return values
      if (write) await install(ctx, a, `${temp}/b`, destPath)
      return { ...values, ...(await pathInfo(ctx.conn, destPath)), changed: write }
    } finally {
      await ctx.conn.exec(sh`rm -rf -- ${temp}`, { allowFailure: true })
    }
  },
})

/** Move the downloaded body into dest when its bytes differ (keeping an existing dest's mode and owner), then set mode/owner/group. */
async function install(ctx: ModuleContext, a: UriArgs, body: string, dest: string): Promise<void> {
  const set = tempAttrCommands({ owner: a.owner, group: a.group, mode: a.mode })
  const attrs = set.length === 0 ? sh`:` : and(...set)
  const temp = posix.join(posix.dirname(dest), `.tsplay.uri.${randomBytes(6).toString('hex')}`)
  // The same bytes leave dest alone (its mtime is the next request's If-Modified-Since), as ansible's write_file does.
  await ctx.conn.exec(sh`p=${dest}; t=${temp}
if [ -f "$p" ] && cmp -s -- ${body} "$p"; then t="$p"; ${raw(attrs)}; exit; fi
cp -- ${body} "$t" || exit 1
[ ! -e "$p" ] || { chmod --reference="$p" -- "$t"; chown --reference="$p" -- "$t" 2>/dev/null || true; }
${raw(attrs)} && mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 1; }`)
}
