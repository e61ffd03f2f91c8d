// - name: download etcd
//   get_url:
//     url: https://github.com/etcd-io/etcd/releases/download/v3.5.9/etcd-v3.5.9-linux-amd64.tar.gz
//     dest: /tmp/etcd.tar.gz
//     checksum: sha256:d59017044eb776597eca480432081c5bb26f318ad292967029af1f62b588b042
//     mode: '0644'
import { randomBytes } from 'node:crypto'
import { posix } from 'node:path'
import { z } from 'zod'
import { and, raw, sh } from '../engine/connection/shell.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change } from '../engine/module.js'
import { yamlBool, yamlInt } from './lib/args.js'
import { downloadScript, parseStatus } from './lib/download.js'
import { attrArgs, attrCommand, planAttrs, tempAttrCommands, type AttrChange } from './lib/file-attrs.js'
import { probeFiles, type ChecksumAlgorithm, type FileState } from './lib/file-state.js'

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const

const args = z.object({
  url: z.string().regex(/^(https?|ftp|file):\/\//, 'url must start with http://, https://, ftp:// or file://').describe('what to download (http, https, ftp or file)'),
  dest: z.string().min(1).describe('file to write on the host; a directory receives the file under the URL\'s base name'),
  checksum: z.string().regex(new RegExp(`^(${ALGORITHMS.join('|')}):[0-9a-fA-F]+$`), "checksum must be '<algorithm>:<hex digest>', e.g. 'sha256:…'").optional().describe("'<algorithm>:<hex>': skip the download when dest already has it, fail when the download does not"),
  force: yamlBool.default(false).describe('download even when dest exists (without a checksum, an existing dest is otherwise kept)'),
  timeout: yamlInt.default(10).describe('seconds before the request gives up'),
  validate_certs: yamlBool.default(true).describe('verify the server\'s TLS certificate'),
  headers: z.record(z.string()).optional().describe('extra HTTP request headers'),
  url_username: z.string().optional().describe('user for HTTP basic authentication'),
  url_password: z.string().optional().describe('password for HTTP basic authentication'),
  ...attrArgs,
}).strict()

type Args = z.output<typeof args>

interface State {
  readonly target: FileState
  /** Digest of the current file with the checksum's algorithm. */
  readonly digest?: string | undefined
  readonly umask: number
}

interface GetUrlChange extends Change {
  readonly kind: 'download' | AttrChange['kind']
  readonly attr?: AttrChange
  readonly target: string
}

const baseName = (url: string): string => posix.basename(new URL(url).pathname) || 'index.html'

/** Download a file on the host itself (with curl or wget), like Ansible's `get_url`. */
export const get_url = defineModule({
  name: 'get_url',
  args,
  description: 'download a file from HTTP, HTTPS or FTP to the host (the host downloads it with curl or wget)',
  example: 'get_url:\n  url: https://example.com/etcd.tar.gz\n  dest: /tmp/etcd.tar.gz\n  checksum: sha256:d590…',
  async gather(ctx, a: Args) {
    const algorithm = (a.checksum?.split(':')[0] ?? 'sha1') as ChecksumAlgorithm
    const inDir = posix.join(a.dest, baseName(a.url))
    const { files, umask } = await probeFiles(ctx.conn, [{ path: a.dest, follow: true, checksum: algorithm }, { path: inDir, follow: true, checksum: algorithm }])
    const target = files[0]!.type === 'directory' ? files[1]! : files[0]!
    return { target, digest: target.checksum, umask }
  },
  plan(a: Args, s: State) {
    const expected = a.checksum?.split(':')[1]?.toLowerCase()
    const exists = s.target.exists && s.target.type === 'file'
    const path = s.target.path
    const download = !exists || (expected !== undefined ? s.digest !== expected : a.force)
    const base: FileState = exists ? s.target : { path, exists: true, type: 'file', mode: (0o666 & ~s.umask).toString(8).padStart(4, '0') }
    const attrs = planAttrs(a, base, s.umask).filter((c) => exists || c.kind === 'mode')
    const changes: GetUrlChange[] = [
      ...(download ? [{ kind: 'download' as const, summary: `download ${a.url} to ${path}`, target: path }] : []),
      ...attrs.map((attr) => ({ kind: attr.kind, summary: attr.summary, attr, target: path })),
    ]
    const msg = download ? undefined : expected !== undefined ? 'file already exists and checksum matches' : 'file already exists'
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
    const algorithm = a.checksum?.split(':')[0] ?? 'sha1'
    const { command, stdin } = downloadScript({ url: a.url, output: temp, timeoutSeconds: a.timeout, validateCerts: a.validate_certs, headers: a.headers ?? {}, username: a.url_username, password: a.url_password })
    const started = Date.now()
    const fetched = await ctx.conn.exec(sh`${raw(command)} && wc -c < ${temp} | sed 's/^/size /' && ${`${algorithm}sum`} < ${temp} | sed 's/ .*//; s/^/digest /' && sha1sum < ${temp} | sed 's/ .*//; s/^/sha1 /' && md5sum < ${temp} | sed 's/ .*//; s/^/md5 /'`, { stdin, allowFailure: true })
    const status = parseStatus(fetched.stdout)
    const field = (name: string): string | undefined => new RegExp(`^${name} (\\S+)$`, 'm').exec(fetched.stdout)?.[1]
    const remove = (): Promise<unknown> => ctx.conn.exec(sh`rm -f -- ${temp}`, { allowFailure: true })
    if (fetched.exitCode !== 0 || status >= 400 || field('digest') === undefined) {
      await remove()
      throw new ModuleError(status >= 400 ? 'Request failed' : `Request failed: ${fetched.stderr.trim()}`, { status_code: status, url: a.url, dest: target, changed: false })
    }
    const expected = a.checksum?.split(':')[1]?.toLowerCase()
    if (expected !== undefined && field('digest') !== expected) {
      await remove()
      throw new ModuleError(`The checksum for ${target} did not match ${expected}; it was ${field('digest')}.`, { url: a.url, dest: target })
    }
    const mode = attrs.find((c) => c.kind === 'mode')?.value
    const keep = sh`[ ! -e "$p" ] || { chmod --reference="$p" -- "$t"; chown --reference="$p" -- "$t" 2>/dev/null || true; }`
    const set = tempAttrCommands({ owner: a.owner, group: a.group, mode })
    await ctx.conn.exec(sh`p=${target}; t=${temp}; ${raw(keep)}; ${raw(set.length ? and(...set) : sh`:`)} && mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 1; }`)
    return { status_code: status, size: Number(field('size')), md5sum: field('md5'), checksum_src: field('sha1'), msg: `OK (${field('size')} bytes)`, elapsed: Math.round((Date.now() - started) / 1000) }
  },
})
