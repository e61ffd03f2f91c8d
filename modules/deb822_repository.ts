// - name: add the Docker repository with its key in /etc/apt/keyrings
//   deb822_repository:
//     name: docker
//     types: deb
//     uris: https://download.docker.com/linux/debian
//     suites: bookworm
//     components: stable
//     signed_by: https://download.docker.com/linux/debian/gpg
import { z } from 'zod'
import { lines, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext, type Plan } from '../engine/module.js'
import { fileMode, stringList, yamlBool, yamlInt } from './lib/args.js'
import { downloadTo } from './lib/download.js'

const KEYRINGS_DIR = '/etc/apt/keyrings'
const flag = yamlBool.optional()
const list = stringList.optional()

// The deb822 fields, in the order Ansible writes them (its parameters sorted by name).
const FIELDS = {
  allow_downgrade_to_insecure: flag.describe('allow downgrading a package that was authenticated to one that is not'),
  allow_insecure: flag.describe('allow insecure repositories'),
  allow_weak: flag.describe('allow repositories signed with a weak digest'),
  architectures: list.describe('architectures to fetch'),
  by_hash: flag.describe('fetch indexes by hash'),
  check_date: flag.describe('check Release file dates'),
  check_valid_until: flag.describe('check the Valid-Until field'),
  components: list.describe('components (main, contrib…)'),
  date_max_future: yamlInt.optional().describe('seconds a Release file may be dated in the future'),
  enabled: flag.describe('whether apt uses the repository'),
  inrelease_path: z.string().optional().describe('path of the InRelease file'),
  languages: list.describe('translations to fetch'),
  name: z.string().min(1).describe('repository name: the file is /etc/apt/sources.list.d/NAME.sources (written as X-Repolib-Name)'),
  pdiffs: flag.describe('use PDiffs for index updates'),
  signed_by: z.string().optional().describe('key: a path on the host, a URL (stored in /etc/apt/keyrings/NAME.asc|gpg) or the key text itself'),
  suites: list.describe('suites (bookworm, stable…)'),
  targets: list.describe('download targets'),
  trusted: flag.describe('trust the repository without signatures'),
  types: z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v), z.array(z.enum(['deb', 'deb-src']))).default(['deb']).describe('deb and/or deb-src'),
  uris: list.describe('repository URIs'),
}

const args = z.object({
  ...FIELDS,
  mode: fileMode.default('0644').describe('mode of the .sources file'),
  state: z.enum(['present', 'absent']).default('present').describe('present writes the file, absent removes it and its key'),
  install_python_debian: yamlBool.default(true).describe('accepted for compatibility; tsplay needs no Python on hosts'),
}).strict()

type Args = z.output<typeof args>

/** The file name part Ansible derives from `name`: lower-case, `_` and blanks to `-`, nothing else but [a-z0-9-]. */
export const repoSlug = (name: string): string => name.toLowerCase().replace(/[_\s]+/g, '-').replace(/[^a-z0-9-]+/g, '')

const fieldName = (key: string): string =>
  key === 'name' ? 'X-Repolib-Name' : key === 'uris' ? 'URIs' : key.split('_').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('-')

/** Render the .sources file as Ansible does (python-debian's Deb822.dump); `signedBy` is what to write for signed_by. */
export function renderSources(a: Args, signedBy: string | undefined): string {
  let out = ''
  for (const key of Object.keys(FIELDS).sort()) {
    let value: unknown = key === 'signed_by' ? signedBy : a[key as keyof Args]
    if (value === undefined) continue
    if (typeof value === 'boolean') value = value ? 'yes' : 'no'
    else if (Array.isArray(value)) value = value.join(' ')
    let text = String(value)
    if (text.includes('\n')) text = `\n${text.trim().split('\n').map((l) => `    ${l.trim() || '.'}`).join('\n')}`
    out += text.startsWith('\n') || text === '' ? `${fieldName(key)}:${text}\n` : `${fieldName(key)}: ${text}\n`
  }
  return out
}

interface SourcesState {
  readonly content: string | null
  readonly mode: string | null
  /** signed_by names a file on the host. */
  readonly keyIsFile: boolean
  /** signed_by is a URL: the key as downloaded (base64), and the keyring files already there. */
  readonly downloadedKey?: Buffer
  readonly keyrings: Readonly<Record<'asc' | 'gpg', Buffer | null>>
}

interface SourcesChange extends Change {
  readonly kind: 'write-key' | 'write-sources' | 'chmod' | 'remove'
  readonly path: string
  readonly data?: Buffer | string
}

const sourcesPath = (a: Args): string => `/etc/apt/sources.list.d/${repoSlug(a.name)}.sources`
const keyPath = (a: Args, ext: 'asc' | 'gpg'): string => `${KEYRINGS_DIR}/${repoSlug(a.name)}.${ext}`
const isArmored = (b: Buffer): boolean => b.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')

/** Writes a deb822 `.sources` file (and its signing key under /etc/apt/keyrings), as Ansible's deb822_repository. */
export const deb822_repository = defineModule({
  name: 'deb822_repository',
  description: 'add or remove an apt repository as a deb822 .sources file, with its key in /etc/apt/keyrings',
  example: '- deb822_repository:\n    name: docker\n    uris: https://download.docker.com/linux/debian\n    suites: bookworm\n    components: stable\n    signed_by: https://download.docker.com/linux/debian/gpg',
  args,

  async gather(ctx: ModuleContext, a: Args): Promise<SourcesState> {
    const url = a.signed_by !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(a.signed_by) ? a.signed_by : undefined
    const section = (label: string, command: ReturnType<typeof sh>) => sh`echo ${`@${label}`}; ${raw(command)}`
    const b64 = (path: string) => sh`if [ -f ${path} ]; then base64 -w0 -- ${path}; else echo -n -; fi; echo`
    const script = lines(
      section('sources', sh`if [ -f ${sourcesPath(a)} ]; then stat -c %a -- ${sourcesPath(a)}; base64 -w0 -- ${sourcesPath(a)}; else echo -; echo -; fi; echo`),
      section('keyfile', a.signed_by !== undefined && !url && !a.signed_by.includes('\n') ? sh`[ -f ${a.signed_by} ] && echo yes || echo no` : sh`echo no`),
      section('asc', b64(keyPath(a, 'asc'))),
      section('gpg', b64(keyPath(a, 'gpg'))),
      section('download', url
        ? sh`t=$(mktemp) && { ${raw(downloadTo(url, 't'))}; } && base64 -w0 "$t"; rc=$?; rm -f "$t"; echo; exit $rc`
        : sh`echo`),
    )
    const result = await ctx.conn.exec(script, { allowFailure: true })
    const part = (label: string): string[] => result.stdout.split(`@${label}\n`)[1]?.split('\n') ?? []
    if (url && result.exitCode !== 0) throw new ModuleError(`Could not fetch signed_by key: ${result.stderr.trim() || `download of ${url} failed`}`)
    const [mode = '-', content = '-'] = part('sources')
    const decode = (v: string | undefined): Buffer | null => (v === undefined || v === '-' ? null : Buffer.from(v, 'base64'))
    return {
      content: content === '-' ? null : Buffer.from(content, 'base64').toString('utf8'),
      mode: mode === '-' ? null : mode.padStart(4, '0'),
      keyIsFile: part('keyfile')[0] === 'yes',
      ...(url ? { downloadedKey: decode(part('download')[0]) ?? Buffer.alloc(0) } : {}),
      keyrings: { asc: decode(part('asc')[0]), gpg: decode(part('gpg')[0]) },
    }
  },

  plan(a: Args, s: SourcesState): Plan<SourcesChange> {
    const dest = sourcesPath(a)
    const changes: SourcesChange[] = []
    if (a.state === 'absent') {
      if (s.content !== null) changes.push({ kind: 'remove', path: dest, summary: `remove ${dest}` })
      for (const ext of ['asc', 'gpg'] as const) if (s.keyrings[ext] !== null) changes.push({ kind: 'remove', path: keyPath(a, ext), summary: `remove ${keyPath(a, ext)}` })
      return { changes, values: { repo: null, dest, key_filename: keyPath(a, 'gpg') } }
    }
    let signedBy = a.signed_by
    let keyFilename: string | null = s.keyIsFile ? a.signed_by! : null
    if (s.downloadedKey && s.downloadedKey.length > 0) {
      const ext = isArmored(s.downloadedKey) ? 'asc' : 'gpg'
      keyFilename = signedBy = keyPath(a, ext)
      if (!s.keyrings[ext]?.equals(s.downloadedKey)) changes.push({ kind: 'write-key', path: keyFilename, data: s.downloadedKey, summary: `write the signing key ${keyFilename}` })
    }
    const repo = renderSources(a, signedBy)
    if (s.content !== repo) changes.push({ kind: 'write-sources', path: dest, data: repo, summary: `${s.content === null ? 'create' : 'update'} ${dest}` })
    else if (s.mode !== null && s.mode !== a.mode.padStart(4, '0')) changes.push({ kind: 'chmod', path: dest, summary: `set mode of ${dest} ${s.mode} → ${a.mode}` })
    const diff = s.content !== repo ? [{ before: s.content ?? '', after: repo, beforeHeader: dest, afterHeader: dest }] : []
    return { changes, diff, values: { repo, dest, key_filename: keyFilename } }
  },

  async apply(ctx: ModuleContext, plan: Plan<SourcesChange>, a: Args) {
    for (const change of plan.changes) {
      if (change.kind === 'remove') await ctx.conn.exec(sh`rm -f -- ${change.path}`)
      else if (change.kind === 'chmod') await ctx.conn.exec(sh`chmod ${a.mode} -- ${change.path}`)
      else if (change.kind === 'write-key') {
        await ctx.conn.exec(sh`install -d -m 0755 ${KEYRINGS_DIR}`)
        await ctx.conn.writeFile(change.path, change.data!, { mode: '0644' })
      } else await ctx.conn.writeFile(change.path, change.data!, { mode: a.mode })
    }
  },
})
