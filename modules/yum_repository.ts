// - name: add the EPEL repository
//   yum_repository:
//     name: epel
//     description: EPEL YUM repo
//     baseurl: https://download.fedoraproject.org/pub/epel/$releasever/$basearch/
//     gpgcheck: true
//     gpgkey: file:///etc/pki/rpm-gpg/RPM-GPG-KEY-EPEL
import { posix } from 'node:path'
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext, type Plan } from '../engine/module.js'
import { fileMode, stringList, text, yamlBool } from './lib/args.js'
import { withAliases } from './lib/packages.js'

const flag = yamlBool.optional()
const value = text.optional()

// Option names as written to the .repo file; everything else in the schema steers the module itself.
const OPTIONS = {
  async: flag.describe('download packages and metadata in parallel'),
  bandwidth: value.describe('maximum bandwidth in bytes/s, with throttle'),
  baseurl: stringList.optional().describe('URL(s) of the repository (repodata/ below it)'),
  cost: value.describe('relative cost of using this repository'),
  deltarpm_metadata_percentage: value.describe('when to download deltarpm metadata'),
  deltarpm_percentage: value.describe('when to use deltarpms'),
  enabled: flag.describe('whether the repository is used'),
  enablegroups: flag.describe('whether package groups are used from this repository'),
  exclude: stringList.optional().describe('packages never taken from this repository'),
  failovermethod: z.enum(['roundrobin', 'priority']).optional().describe('how to choose among several baseurls'),
  gpgcakey: value.describe('URL of the CA key for gpgkey'),
  gpgcheck: flag.describe('check the signatures of packages'),
  gpgkey: stringList.optional().describe('URL(s) of the signing keys'),
  module_hotfixes: flag.describe('disable module filtering for this repository'),
  http_caching: z.enum(['all', 'packages', 'none']).optional().describe('what proxies may cache'),
  include: value.describe('URL of extra repository configuration'),
  includepkgs: stringList.optional().describe('only these packages are taken from this repository'),
  ip_resolve: z.enum(['4', '6', 'IPv4', 'IPv6', 'whatever']).optional().describe('IP version to use'),
  keepalive: flag.describe('use HTTP keepalive'),
  keepcache: z.enum(['0', '1']).optional().describe('keep downloaded packages'),
  metadata_expire: value.describe('seconds (or 1h, 2d) before metadata expires'),
  metadata_expire_filter: z.enum(['never', 'read-only:past', 'read-only:present', 'read-only:future']).optional().describe('which commands check metadata expiry'),
  metalink: value.describe('metalink URL for the repository'),
  mirrorlist: value.describe('mirror list URL for the repository'),
  mirrorlist_expire: value.describe('seconds before the mirror list expires'),
  password: value.describe('password for HTTP basic authentication'),
  priority: value.describe('priority of the repository (1 highest, 99 default)'),
  protect: flag.describe('protect packages from updates from other repositories'),
  proxy: value.describe("proxy URL, or '_none_'"),
  proxy_password: value.describe('proxy password'),
  proxy_username: value.describe('proxy user name'),
  repo_gpgcheck: flag.describe('check the signature of the repository metadata'),
  retries: value.describe('download retries'),
  s3_enabled: flag.describe('the repository is on Amazon S3'),
  skip_if_unavailable: flag.describe('carry on when the repository cannot be reached'),
  sslcacert: value.describe('CA certificate file for TLS (alias ca_cert)'),
  ssl_check_cert_permissions: flag.describe('check the permissions of the TLS files'),
  sslclientcert: value.describe('client certificate file (alias client_cert)'),
  sslclientkey: value.describe('client key file (alias client_key)'),
  sslverify: flag.describe('verify TLS certificates (alias validate_certs)'),
  throttle: value.describe('bandwidth limit, absolute or percentage'),
  timeout: value.describe('network timeout in seconds'),
  ui_repoid_vars: value.describe('variables appended to the repo id in output'),
  username: value.describe('user name for HTTP basic authentication'),
}

const args = withAliases(z.object({
  name: z.string().min(1).describe('repository id: the [section] of the .repo file'),
  description: z.string().optional().describe("human-readable name, written as 'name ='; required with state present"),
  file: z.string().optional().describe('file name without .repo (default: the repository id)'),
  reposdir: z.string().default('/etc/yum.repos.d').describe('directory holding the .repo files'),
  state: z.enum(['present', 'absent']).default('present').describe('present writes the section, absent removes it (and the file when empty)'),
  mode: fileMode.optional().describe('file mode of a written .repo file'),
  owner: z.string().optional().describe('owner of a written .repo file'),
  group: z.string().optional().describe('group of a written .repo file'),
  ...OPTIONS,
}).strict().superRefine((a, ctx) => {
  if (a.state !== 'present') return
  if (a.baseurl === undefined && a.metalink === undefined && a.mirrorlist === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['baseurl'], message: "Parameter 'baseurl', 'metalink' or 'mirrorlist' is required." })
  if (a.description === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['description'], message: "Parameter 'description' is required." })
}), { ca_cert: 'sslcacert', client_cert: 'sslclientcert', client_key: 'sslclientkey', validate_certs: 'sslverify' })

type Args = z.output<typeof args>

/** A .repo file as Python's RawConfigParser reads it: sections in file order, keys lower-cased, comments dropped. */
type Ini = [section: string, entries: [key: string, value: string][]][]

/** Parse INI text the way ansible-core's configparser does (continuation lines join with a newline). */
export function parseRepoFile(content: string): Ini {
  const ini: Ini = []
  let entries: [string, string][] | undefined
  for (const line of content.split('\n')) {
    if (/^\s*([#;].*)?$/.test(line)) continue
    const section = /^\[(.+)\]\s*$/.exec(line)
    if (section) {
      entries = []
      ini.push([section[1]!, entries])
      continue
    }
    if (/^\s/.test(line) && entries?.length) {
      const last = entries[entries.length - 1]!
      last[1] = `${last[1]}\n${line.trim()}`
      continue
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line)
    if (kv && entries) entries.push([kv[1]!.trim().toLowerCase(), kv[2]!.trim()])
  }
  return ini
}

/** Ansible's `dump()`: sections and keys sorted, `key = value` lines; the form changes are judged on. */
export function dumpRepoFile(ini: Ini): string {
  const sorted = [...ini].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return sorted.map(([name, entries]) => `[${name}]\n${[...entries].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} = ${v}\n`).join('')}\n`).join('')
}

/** configparser's `write()`: sections in file order, continuation lines indented with a tab. */
export function writeRepoFile(ini: Ini): string {
  return ini.map(([name, entries]) => `[${name}]\n${entries.map(([k, v]) => `${k} = ${v.replaceAll('\n', '\n\t')}\n`).join('')}\n`).join('')
}

/** The section the arguments describe: options sorted by name, booleans as 0/1, lists joined as Ansible does. */
export function repoSection(a: Args): [string, string][] {
  const entries: [string, string][] = []
  const values: Record<string, unknown> = { ...a, name: a.description }
  for (const key of [...Object.keys(OPTIONS), 'name'].sort()) {
    const v = values[key]
    if (v === undefined) continue
    if (typeof v === 'boolean') entries.push([key, v ? '1' : '0'])
    else if (Array.isArray(v)) entries.push([key, v.join(key === 'baseurl' || key === 'gpgkey' ? '\n' : ' ')])
    else entries.push([key, String(v)])
  }
  return entries
}

interface RepoState {
  readonly dirExists: boolean
  readonly content: string | null
}

interface RepoChange extends Change {
  readonly kind: 'write' | 'delete'
  readonly path: string
  readonly content: string
}

const destination = (a: Args): string => posix.join(a.reposdir, `${a.file ?? a.name}.repo`)

/** Writes a repository section into /etc/yum.repos.d/FILE.repo, as Ansible's yum_repository. */
export const yum_repository = defineModule({
  name: 'yum_repository',
  description: 'add or remove a yum/dnf repository in a .repo file',
  example: '- yum_repository:\n    name: epel\n    description: EPEL YUM repo\n    baseurl: https://download.fedoraproject.org/pub/epel/$releasever/$basearch/',
  args,

  async gather(ctx: ModuleContext, a: Args): Promise<RepoState> {
    const result = await ctx.conn.exec(sh`if [ -d ${a.reposdir} ]; then echo D; if [ -f ${destination(a)} ]; then echo F; cat -- ${destination(a)}; fi; fi`)
    const [dir = '', file = '', ...rest] = result.stdout.split('\n')
    return { dirExists: dir === 'D', content: file === 'F' ? rest.join('\n') : null }
  },

  plan(a: Args, s: RepoState): Plan<RepoChange> {
    const path = destination(a)
    if (!s.dirExists) throw new ModuleError(`Repo directory '${a.reposdir}' does not exist.`)
    const before = parseRepoFile(s.content ?? '')
    const after = before.filter(([name]) => name !== a.name)
    if (a.state === 'present') after.push([a.name, repoSection(a)])
    const [dumpBefore, dumpAfter] = [dumpRepoFile(before), dumpRepoFile(after)]
    const values = { repo: a.name, state: a.state }
    if (dumpBefore === dumpAfter) return { changes: [], values }
    const change: RepoChange = after.length
      ? { kind: 'write', path, content: writeRepoFile(after), summary: `${a.state === 'present' ? 'write' : 'remove'} repository ${a.name} in ${path}` }
      : { kind: 'delete', path, content: '', summary: `remove repository ${a.name} and the empty file ${path}` }
    return { changes: [change], diff: [{ before: dumpBefore, after: dumpAfter, beforeHeader: path, afterHeader: path }], values }
  },

  async apply(ctx: ModuleContext, plan: Plan<RepoChange>, a: Args) {
    for (const change of plan.changes) {
      if (change.kind === 'delete') await ctx.conn.exec(sh`rm -f -- ${change.path}`)
      else await ctx.conn.writeFile(change.path, change.content, { ...(a.mode ? { mode: a.mode } : {}), ...(a.owner ? { owner: a.owner } : {}), ...(a.group ? { group: a.group } : {}) })
    }
  },
})
