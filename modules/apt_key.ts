// - name: trust a repository key into its own keyring (prefer deb822_repository's signed_by for new setups)
//   apt_key:
//     url: https://nginx.org/keys/nginx_signing.key
//     keyring: /etc/apt/keyrings/nginx.gpg
import { z } from 'zod'
import { type Command, lines, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type ModuleContext, type Plan } from '../engine/module.js'
import { yamlBool } from './lib/args.js'
import { downloadTo } from './lib/download.js'
import { pathArg } from './lib/path-arg.js'

const args = z.object({
  id: z.string().optional().describe('key id (8, 16 or more hex digits); derived from the key data when omitted'),
  url: z.string().optional().describe('URL to download the key from (on the host)'),
  data: z.string().optional().describe('the key itself (armored)'),
  file: z.string().optional().describe('path of a key file on the host'),
  keyring: z.string().optional().describe('keyring file to add the key to instead of /etc/apt/trusted.gpg'),
  keyserver: z.string().optional().describe('keyserver to receive the key (by id) from'),
  validate_certs: yamlBool.default(true).describe('check TLS certificates when downloading'),
  state: z.enum(['present', 'absent']).default('present').describe('present adds the key, absent removes it'),
}).strict().superRefine((a, ctx) => {
  const given = (['data', 'file', 'keyserver', 'url'] as const).filter((k) => a[k] !== undefined)
  if (given.length > 1) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [given[1]!], message: `parameters are mutually exclusive: ${given.join('|')}` })
  if (a.keyserver !== undefined && a.id === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['id'], message: 'Missing key_id, required with keyserver.' })
  if (a.id === undefined && given.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['id'], message: 'one of id, data, file, url is required' })
})

type Args = z.output<typeof args>

/** Key ids on `pub`/`sub` lines of `apt-key adv --list-public-keys --keyid-format=long` or `gpg --with-colons`, as Ansible reads them. */
export function parseKeyIds(output: string): string[] {
  const found: string[] = []
  for (const line of output.split('\n')) {
    if (!(line.startsWith('pub') || line.startsWith('sub')) || line.includes('expired')) continue
    const slash = line.split(/\s+/)[1]?.split('/')
    if (slash?.length === 2) found.push(slash[1]!)
    else if (line.includes(':')) found.push(line.split(':')[4] ?? '')
  }
  return found.filter(Boolean)
}

/** Ansible's parse_key_id: [short id for `del`, the 16-digit id compared with listings, the whole id]; throws when invalid. */
export function splitKeyId(keyId: string): [string, string, string] {
  let id = keyId.toUpperCase()
  if (id.startsWith('0X')) id = id.slice(2)
  if (!/^[0-9A-F]+$/.test(id) || ((id.length !== 8 && id.length !== 16) && id.length <= 16)) throw new ModuleError('Invalid key_id', { id: keyId })
  return [id.slice(-8), id.length > 16 ? id.slice(-16) : id, id]
}

interface KeyState {
  readonly id: string
  readonly keys: readonly string[]
}

interface KeyChange extends Change {
  readonly kind: 'add' | 'remove'
}

const aptKey = (a: Args): Command => (a.keyring === undefined ? sh`apt-key` : sh`apt-key --keyring ${a.keyring}`)
const listKeys = (a: Args): Command => sh`${raw(aptKey(a))} adv --list-public-keys --keyid-format=long 2>/dev/null`

/** The shell that leaves the key material in "$t" (a temp file) for data and url. */
function fetchKey(a: Args): Command {
  if (a.url !== undefined) return sh`t=$(mktemp) && { ${raw(downloadTo(a.url, 't', a.validate_certs))}; } || { echo ${`Failed to download key at ${a.url}`} >&2; exit 3; }`
  if (a.data !== undefined) return sh`t=$(mktemp) && cat > "$t"`
  return sh`t=${pathArg(a.file ?? '')}`
}

/** Adds or removes an apt key with apt-key, as Ansible's (deprecated) apt_key. */
export const apt_key = defineModule({
  name: 'apt_key',
  description: 'add or remove an apt signing key with apt-key (deprecated: prefer keyrings with deb822_repository)',
  example: '- apt_key:\n    url: https://nginx.org/keys/nginx_signing.key\n    keyring: /etc/apt/keyrings/nginx.gpg',
  args,

  async gather(ctx: ModuleContext, a: Args): Promise<KeyState> {
    const needsMaterial = a.id === undefined && a.keyserver === undefined
    const script = lines(
      sh`export LANG=C LC_ALL=C`,
      sh`for b in apt-key gpg; do command -v "$b" >/dev/null || { echo "Failed to find required executable $b" >&2; exit 4; }; done`,
      needsMaterial ? sh`${raw(fetchKey(a))}; echo @id; gpg --with-colons "$t" 2>/dev/null || { echo ${`Unable to extract key from '${a.file ?? 'inline data'}'`} >&2; exit 5; }` : sh`echo @id`,
      sh`echo @keys`,
      // Listing a keyring that does not exist would create it: an absent keyring simply has no keys.
      a.keyring === undefined ? listKeys(a) : sh`if [ -e ${a.keyring} ]; then ${raw(listKeys(a))}; fi`,
    )
    const result = await ctx.conn.exec(script, { allowFailure: true, ...(a.data !== undefined ? { stdin: a.data } : {}) })
    if (result.exitCode >= 3 && result.exitCode <= 5) throw new ModuleError(result.stderr.trim(), { stderr: result.stderr })
    const [, idPart = '', keysPart = ''] = result.stdout.split(/^@(?:id|keys)$/m)
    const id = a.id ?? parseKeyIds(idPart)[0]
    if (id === undefined) throw new ModuleError('Unable to continue as we could not extract a valid fingerprint to compare against existing keys.')
    return { id, keys: parseKeyIds(keysPart) }
  },

  plan(a: Args, s: KeyState): Plan<KeyChange> {
    const [shortId, fingerprint, keyId] = splitKeyId(s.id)
    const shortFormat = keyId.length === 8
    const keys = shortFormat ? s.keys.map((k) => k.slice(-8)) : s.keys
    const values = { id: s.id, short_id: shortId, fp: fingerprint, key_id: keyId, before: keys }
    const present = keys.includes(shortFormat ? shortId : fingerprint)
    if (a.state === 'present' && !present) return { changes: [{ kind: 'add', summary: `add key ${keyId}${a.keyring ? ` to ${a.keyring}` : ''}` }], values }
    if (a.state === 'absent' && keys.includes(fingerprint)) return { changes: [{ kind: 'remove', summary: `remove key ${keyId}${a.keyring ? ` from ${a.keyring}` : ''}` }], values }
    return { changes: [], values }
  },

  async apply(ctx: ModuleContext, plan: Plan<KeyChange>, a: Args) {
    const [shortId, fingerprint] = splitKeyId(String(plan.values?.id))
    const change = plan.changes[0]!
    const act = change.kind === 'remove'
      ? sh`${raw(aptKey(a))} del ${shortId}`
      : a.keyserver !== undefined
        ? sh`${raw(aptKey(a))} adv --no-tty --keyserver ${a.keyserver} --recv ${String(plan.values?.key_id)}`
        : sh`${raw(fetchKey(a))} && ${raw(aptKey(a))} add "$t"`
    const result = await ctx.conn.exec(lines(sh`export LANG=C LC_ALL=C`, sh`${raw(act)} >&2 || exit $?`, sh`echo @keys`, listKeys(a)), { allowFailure: true, ...(a.data !== undefined ? { stdin: a.data } : {}) })
    if (result.exitCode !== 0) throw new ModuleError(change.kind === 'remove' ? 'error removing key_id' : `failed to add the key: ${result.stderr.trim()}`, { rc: result.exitCode, stderr: result.stderr })
    const after = parseKeyIds(result.stdout.split(/^@keys$/m)[1] ?? '')
    const shortFormat = String(plan.values?.key_id).length === 8
    const there = (shortFormat ? after.map((k) => k.slice(-8)) : after).includes(shortFormat ? shortId : fingerprint)
    if (there !== (change.kind === 'add')) {
      throw new ModuleError(`apt-key did not return an error, but ${change.kind === 'add' ? 'failed to add the key' : 'the key was not removed'} (check that the id is correct and *not* a subkey)`)
    }
    return { after }
  },
})
