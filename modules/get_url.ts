// - name: download etcd
//   get_url:
//     url: https://github.com/etcd-io/etcd/releases/download/v3.5.9/etcd-v3.5.9-linux-amd64.tar.gz
//     dest: /tmp/etcd.tar.gz
//     checksum: sha256:d59017044eb776597eca480432081c5bb26f318ad292967029af1f62b588b042
//     mode: '0644'
import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import { z } from 'zod'
import { and, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change } from '../engine/module.js'
import { yamlBool, yamlInt } from './lib/args.js'
import { downloadScript, parseStatus, type DownloadOptions } from './lib/download.js'
import { checksumFromList, parseChecksumArg } from './lib/checksum-list.js'
import { attrArgs, attrCommand, planAttrs, tempAttrCommands, type AttrChange } from './lib/file-attrs.js'
import { parseProbe, probeScript, type ChecksumAlgorithm, type FileState } from './lib/file-state.js'

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const

const args = z.object({
  url: z.string().regex(/^(https?|ftp|file):\/\//, 'url must start with http://, https://, ftp:// or file://').describe('what to download (http, https, ftp or file)'),
  dest: z.string().min(1).describe('file to write on the host; a directory receives the file under the URL\'s base name'),
  checksum: z.string().regex(new RegExp(`^(${ALGORITHMS.join('|')}):(\\S+)$`), "checksum must be '<algorithm>:<hex digest>' or '<algorithm>:<URL of a checksum file>'").optional().describe("'<algorithm>:<hex>' or '<algorithm>:<URL>' of a checksum list (lines 'HEX  NAME', NAME matching the URL's file name; or one bare digest): skip the download when dest already has it, fail when the download does not"),
  force: yamlBool.default(false).describe("download every time (Cache-Control: no-cache), replacing dest only when the content differs; false asks only for what is newer than dest's mtime (If-Modified-Since)"),
  timeout: yamlInt.default(10).describe('seconds before the request gives up'),
  validate_certs: yamlBool.default(true).describe('verify the server\'s TLS certificate'),
  headers: z.record(z.string()).optional().describe('extra HTTP request headers'),
  url_username: z.string().optional().describe('user for HTTP basic authentication'),
  url_password: z.string().optional().describe('password for HTTP basic authentication'),
  force_basic_auth: yamlBool.default(false).describe('send the credentials with the first request instead of after a 401; tsplay always does'),
  ...attrArgs,
}).strict()

type Args = z.output<typeof args>

interface State {
  readonly target: FileState
  /** Digest of the current file with the checksum's algorithm. */
  readonly digest?: string | undefined
  readonly umask: number
  /** dest is a directory: Ansible then always downloads (no checksum skip, no If-Modified-Since). */
  readonly destIsDir: boolean
  /** The expected hex digest, given or read from a checksum list. */
  readonly expected?: string | undefined
  /** Status of the HEAD request check mode makes, as Ansible's check mode does (304: not modified). */
  readonly headStatus?: number
  /** In check mode, for a file:// URL: the source's digest (Ansible's check reads the whole file, not a HEAD). */
  readonly sourceDigest?: string
}

interface GetUrlChange extends Change {
  readonly kind: 'download' | AttrChange['kind']
  readonly attr?: AttrChange
  readonly target: string
  /** For the download: ask If-Modified-Since dest's mtime; the digest the bytes must have; ask caches for a fresh copy. */
  readonly conditional?: boolean
  readonly expected?: string | undefined
  readonly noCache?: boolean
}

const baseName = (url: string): string => posix.basename(new URL(url).pathname) || 'index.html'

/** Download a file on the host itself (with curl or wget), like Ansible's `get_url`. */
export const get_url = defineModule({
  name: 'get_url',
  args,
  description: 'download a file from HTTP, HTTPS or FTP to the host (the host downloads it with curl or wget)',
  example: 'get_url:\n  url: https://example.com/etcd.tar.gz\n  dest: /tmp/etcd.tar.gz\n  checksum: sha256:d590…',
  async gather(ctx, a: Args) {
    const checksum = a.checksum === undefined ? undefined : parseChecksumArg(a.checksum)
    const algorithm = (checksum?.algorithm ?? 'sha1') as ChecksumAlgorithm
    const requests = [{ path: a.dest, follow: true, checksum: algorithm }, { path: posix.join(a.dest, baseName(a.url)), follow: true, checksum: algorithm }]
    // One round trip: the checksum list (when checksum names a URL), then dest and dest/<name>.
    const list = checksum?.url === undefined ? undefined : downloadScript({ ...fetchOptions(a, checksum.url), output: raw('"$t"') })
    const script = list === undefined ? probeScript(requests) : sh`t=$(mktemp) || exit 1
${raw(list.command)}; rc=$?; echo "rc $rc"; cat -- "$t"; rm -f -- "$t"; echo; echo ${LIST_END}
${raw(probeScript(requests))}`
    const result = await ctx.conn.exec(script, { stdin: list?.stdin ?? '', allowFailure: true })
    const [listOut, probeOut] = list === undefined ? ['', result.stdout] : splitOnce(result.stdout, `\n${LIST_END}\n`)
    const { files, umask } = parseProbe(probeOut, requests)
    const destIsDir = files[0]!.type === 'directory'
    const target = destIsDir ? files[1]! : files[0]!
    const expected = checksum?.url === undefined ? checksum?.digest : expectedFromList(a, checksum.url, listOut)
    const state: State = { target, digest: target.checksum, umask, destIsDir, expected }
    if (!ctx.check || !downloads(a, state)) return state
    if (a.url.startsWith('file://')) {
      const source = await ctx.conn.exec(sh`${`${checksum?.algorithm ?? 'sha1'}sum`} < ${decodeURIComponent(new URL(a.url).pathname)} | cut -d' ' -f1`, { allowFailure: true })
      if (source.exitCode !== 0) throw new ModuleError(`Request failed: ${source.stderr.trim()}`, { url: a.url, dest: target.path })
      return { ...state, sourceDigest: source.stdout.trim() }
    }
    // Check mode asks the server as Ansible does: HEAD, conditional on dest's mtime unless forced.
    const head = downloadScript({ ...fetchOptions(a, a.url, conditional(a, state) ? target.path : undefined), method: 'HEAD', output: '/dev/null' })
    const answer = await ctx.conn.exec(head.command, { stdin: head.stdin, allowFailure: true })
    const status = parseStatus(answer.stdout)
    if (status !== 200 && status !== 304 && !a.url.startsWith('file:')) throw new ModuleError(status ? 'Request failed' : answer.stderr.trim() || 'Request failed', { status_code: status, url: a.url, dest: target.path })
    return { ...state, headStatus: status }
  },
  plan(a: Args, s: State) {
    const expected = s.expected
    const exists = s.target.exists && s.target.type === 'file'
    const path = s.target.path
    // A 304 ends Ansible's module before it looks at attributes: nothing is done at all.
    if (s.headStatus === 304) return { changes: [], values: { url: a.url, dest: path, status_code: 304, msg: 'HTTP Error 304: Not Modified' } }
    // A file:// source with dest's bytes already: Ansible's check mode compares them and reports no change.
    const download = downloads(a, s) && !(exists && s.sourceDigest !== undefined && s.sourceDigest === s.digest)
    const base: FileState = exists ? s.target : { path, exists: true, type: 'file', mode: (0o666 & ~s.umask).toString(8).padStart(4, '0') }
    const attrs = planAttrs(a, base, s.umask).filter((c) => exists || c.kind === 'mode')
    const changes: GetUrlChange[] = [
      ...(download ? [{ kind: 'download' as const, summary: `download ${a.url} to ${path}`, target: path, conditional: conditional(a, s), expected, noCache: a.force || (exists && !s.destIsDir && expected !== undefined) }] : []),
      ...attrs.map((attr) => ({ kind: attr.kind, summary: attr.summary, attr, target: path })),
    ]
    const msg = download ? undefined : attrs.length > 0 ? 'file already exists but file attributes changed' : 'file already exists'
    return { changes, values: { url: a.url, dest: path, state: 'file', ...(msg ? { msg } : {}), ...(exists ? { size: s.target.size, checksum_dest: s.target.checksum } : { checksum_dest: null }) } }
  },
  async apply(ctx, plan, a: Args) {
    const attrs = plan.changes.flatMap((c) => (c.attr ? [c.attr] : []))
    const target = plan.changes[0]!.target
    if (!plan.changes.some((c) => c.kind === 'download')) {
      const command = attrCommand(attrs)
      if (command) await ctx.conn.exec(command)
      return {}
    }
    const temp = posix.join(posix.dirname(target), `.tsplay.${randomBytes(6).toString('hex')}`)
    const algorithm = a.checksum === undefined ? 'sha1' : parseChecksumArg(a.checksum).algorithm
    const state = plan.values as { checksum_dest?: string | null }
    const download = plan.changes.find((c) => c.kind === 'download')!
    const { command, stdin } = downloadScript({ ...fetchOptions(a, a.url, download.conditional ? target : undefined, download.noCache), output: temp })
    const started = Date.now()
    // A 304 sends no body, so there may be no temp file: an empty one keeps the sums below simple.
    const sums = sh`{ [ -e ${temp} ] || : > ${temp}; } && wc -c < ${temp} | sed 's/^/size /' && ${`${algorithm}sum`} < ${temp} | sed 's/ .*//; s/^/digest /' && sha1sum < ${temp} | sed 's/ .*//; s/^/sha1 /' && md5sum < ${temp} | sed 's/ .*//; s/^/md5 /' && { [ ! -f ${target} ] || sha1sum < ${target} | sed 's/ .*//; s/^/dest /'; }`
    const fetched = await ctx.conn.exec(sh`${raw(command)} && ${raw(sums)}`, { stdin, allowFailure: true })
    const status = parseStatus(fetched.stdout)
    const field = (name: string): string | undefined => new RegExp(`^${name} (\\S+)$`, 'm').exec(fetched.stdout)?.[1]
    const remove = (): Promise<unknown> => ctx.conn.exec(sh`rm -f -- ${temp}`, { allowFailure: true })
    const elapsed = (): number => Math.round((Date.now() - started) / 1000)
    if (status === 304 && fetched.exitCode === 0) {
      await remove()
      return { changed: false, status_code: 304, msg: 'HTTP Error 304: Not Modified', elapsed: elapsed() }
    }
    if (fetched.exitCode !== 0 || status >= 400 || field('digest') === undefined) {
      await remove()
      throw new ModuleError(status >= 400 ? 'Request failed' : `Request failed: ${fetched.stderr.trim()}`, { status_code: status, url: a.url, dest: target, changed: false })
    }
    const expected = download.expected
    if (expected !== undefined && field('digest') !== expected) {
      await remove()
      throw new ModuleError(`The checksum for ${target} did not match ${expected}; it was ${field('digest')}.`, { url: a.url, dest: target })
    }
    const values = { status_code: status, size: Number(field('size')), md5sum: field('md5'), checksum_src: field('sha1'), checksum_dest: field('dest') ?? state.checksum_dest ?? null, msg: `OK (${field('size')} bytes)` }
    // Downloaded again but the same bytes: dest stays, as Ansible replaces only what changed.
    if (field('dest') !== undefined && field('dest') === field('sha1')) {
      await remove()
      const command = attrCommand(attrs)
      if (command) await ctx.conn.exec(command)
      return { ...values, elapsed: elapsed(), ...(attrs.length === 0 ? { changed: false } : {}) }
    }
    const mode = attrs.find((c) => c.kind === 'mode')?.value
    const keep = sh`[ ! -e "$p" ] || { chmod --reference="$p" -- "$t"; chown --reference="$p" -- "$t" 2>/dev/null || true; }`
    const set = tempAttrCommands({ owner: a.owner, group: a.group, mode })
    await ctx.conn.exec(sh`p=${target}; t=${temp}; ${raw(keep)}; ${raw(set.length ? and(...set) : sh`:`)} && mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 1; }`)
    return { ...values, elapsed: elapsed() }
  },
})

const LIST_END = '--tsplay-checksum-list-end--'

/** Split at the first `separator`, without it. */
function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator)
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)]
}

/** The request options every fetch of this task shares; with `since`, If-Modified-Since from that file's mtime. */
function fetchOptions(a: Args, url: string, since?: string, noCache = a.force): Omit<DownloadOptions, 'output'> {
  // Ansible's force (or a digest mismatch, which forces) asks caches for a fresh copy; the task's own headers win.
  const headers = { ...(noCache ? { 'Cache-Control': 'no-cache' } : {}), ...(a.headers ?? {}) }
  return { url, timeoutSeconds: a.timeout, validateCerts: a.validate_certs, headers, username: a.url_username, password: a.url_password, ifModifiedSinceOf: since }
}

/** The digest a checksum list gives for the URL's file name, failing as Ansible does when it has none. */
function expectedFromList(a: Args, listUrl: string, out: string): string {
  // The list's fetch prints `status N`, then `rc N`, then the list itself.
  const head = /^status (\d+)\nrc (\d+)\n/.exec(out)
  const body = out.slice(head?.[0].length ?? 0).replace(/\n$/, '')
  if (head?.[2] !== '0') throw new ModuleError(Number(head?.[1] ?? 0) >= 400 ? 'Request failed' : `Request failed: ${body.trim()}`, { status_code: Number(head?.[1] ?? 0), url: listUrl })
  const found = checksumFromList(body, baseName(a.url))
  if (found === undefined) throw new ModuleError(`Unable to find a checksum for file '${baseName(a.url)}' in '${listUrl}'`)
  return found
}

/** Whether the task downloads at all: Ansible skips it only for an existing dest (not a directory) whose digest matches without force. */
function downloads(a: Args, s: State): boolean {
  const exists = s.target.exists && s.target.type === 'file'
  return s.destIsDir || !exists || a.force || s.expected === undefined || s.digest !== s.expected
}

/** Whether the request is conditional: dest exists, is not reached through a directory, and nothing forces a fresh copy. */
const conditional = (a: Args, s: State): boolean => !s.destIsDir && s.target.exists && s.target.type === 'file' && !a.force && s.expected === undefined
