// - name: bring the admin kubeconfig home
//   fetch:
//     src: /etc/kubernetes/admin.conf
//     dest: artifacts/
//     flat: true
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, posix } from 'node:path'
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change } from '../engine/module.js'
import { yamlBool } from './lib/args.js'
import { probeFile, type FileState } from './lib/file-state.js'
import { sha1 } from './lib/write-file.js'

const args = z.object({
  src: z.string().min(1).describe('file on the host to fetch (not a directory)'),
  dest: z.string().min(1).describe('controller directory (the file lands in dest/<host>/<src>), or with flat the file itself or a directory ending in /'),
  flat: yamlBool.default(false).describe('do not add the host name and src path under dest'),
  fail_on_missing: yamlBool.default(true).describe('fail when src does not exist on the host'),
  validate_checksum: yamlBool.default(true).describe('check the fetched file against the checksum of src on the host'),
}).strict()

type Args = z.output<typeof args>

interface State {
  readonly remote: FileState
  /** Where the file goes on the controller, and the sha1 of what is there now. */
  readonly dest: string
  readonly localChecksum?: string
  readonly localMd5?: string
}

/** Where Ansible puts a fetched file: dest/<host>/<src> unless flat. */
export function fetchDest(a: Args, host: string): string {
  if (!a.flat) return join(a.dest, host, posix.normalize(a.src).replace(/^\/+/, ''))
  return a.dest.endsWith('/') ? join(a.dest, posix.basename(a.src)) : a.dest
}

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex')

/** Copy a file from the host to the controller, like Ansible's `fetch`. */
export const fetch = defineModule({
  name: 'fetch',
  args,
  description: 'copy a file from the host to the controller',
  example: 'fetch:\n  src: /etc/kubernetes/admin.conf\n  dest: artifacts/\n  flat: true',
  async gather(ctx, a: Args) {
    const dest = fetchDest(a, ctx.host)
    const remote = await probeFile(ctx.conn, { path: a.src, follow: true, checksum: 'sha1' })
    let local: Buffer | undefined
    try {
      local = readFileSync(dest)
    } catch {
      local = undefined
    }
    return { remote, dest, ...(local ? { localChecksum: sha1(local), localMd5: md5(local) } : {}) }
  },
  plan(a: Args, s: State) {
    if (!s.remote.exists) {
      const msg = 'the remote file does not exist, not transferring, ignored'
      if (a.fail_on_missing) throw new ModuleError(msg)
      return { changes: [], values: { file: a.src, msg } }
    }
    if (s.remote.type === 'directory') throw new ModuleError('remote file is a directory, fetch cannot work on directories')
    if (s.remote.checksum === undefined) throw new ModuleError(`file is not readable: ${a.src}`)
    if (s.remote.checksum === s.localChecksum) return { changes: [], values: { file: a.src, dest: s.dest, checksum: s.localChecksum, md5sum: s.localMd5 } }
    const changes: (Change & { readonly dest: string })[] = [{ kind: 'fetch', summary: `fetch ${a.src} to ${s.dest}`, dest: s.dest }]
    return { changes, values: { dest: s.dest, remote_checksum: s.remote.checksum, checksum: s.remote.checksum, remote_md5sum: null } }
  },
  async apply(ctx, plan, a: Args) {
    const dest = plan.changes[0]!.dest
    const data = await ctx.conn.readFile(a.src)
    if (data === null) throw new ModuleError('the remote file does not exist, not transferring, ignored')
    if (a.validate_checksum && sha1(data) !== plan.values?.['remote_checksum']) {
      throw new ModuleError('checksum mismatch', { dest, remote_checksum: plan.values?.['remote_checksum'], checksum: sha1(data) })
    }
    mkdirSync(dirname(dest), { recursive: true })
    writeFileSync(dest, data)
    return { md5sum: md5(data), checksum: sha1(data) }
  },
})
