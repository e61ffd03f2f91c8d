/**
 * The authorized_keys edit of Ansible's `authorized_key`, as pure functions: parse lines into entries keyed by the
 * key blob, merge the wanted keys in, write the entries back. Ansible's quirks are kept on purpose (a key without a
 * comment is written with a trailing space, identical unparsable lines collapse into one, a changed key moves to the
 * end), so a file tsplay writes is byte for byte the file ansible-playbook writes.
 */
import { ModuleError } from '../../engine/errors.js'

/** One `name` or `name=value` key option, in file order (a name may repeat, as `permitopen`). */
export type KeyOption = readonly [name: string, value: string | null]

/** One line of the file: a key, or a line kept as it is (`type` 'skipped'). */
export interface KeyEntry {
  /** The key blob; for a kept line, the line itself (newline included). */
  readonly key: string
  readonly type: string
  readonly options: readonly KeyOption[]
  readonly comment: string | null
  readonly rank: number
}

/** Key types Ansible recognises (any other first word is an option, or the line is not a key). */
const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com', 'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com', 'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256-cert-v01@openssh.com', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp521-cert-v01@openssh.com', 'sk-ssh-ed25519@openssh.com', 'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519', 'ssh-ed25519-cert-v01@openssh.com', 'ssh-dss', 'ssh-rsa', 'ssh-xmss@openssh.com', 'ssh-xmss-cert-v01@openssh.com',
  'rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa-cert-v01@openssh.com', 'rsa-sha2-256-cert-v01@openssh.com', 'rsa-sha2-512-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
])

/** Split `a,b="x,y",c=1` at the commas outside quotes, as Ansible's parseoptions (a stray `,,` becomes an option). */
export function parseOptions(text: string | null | undefined): KeyOption[] {
  if (!text) return []
  const parts = text.split(/((?:[^,"']|"[^"]*"|'[^']*')+)/).slice(1, -1)
  const options: KeyOption[] = []
  for (const part of parts) {
    const eq = part.indexOf('=')
    if (eq >= 0) options.push([part.slice(0, eq), part.slice(eq + 1)])
    else if (part !== ',') options.push([part, null])
  }
  return options
}

/**
 * Parse one line: options, type, blob, comment. Undefined when no word is a key type (and for a type with no blob,
 * where Ansible crashes). Words are split at whitespace only, quotes included, as Ansible's shlex without quotes.
 */
export function parseKey(line: string, rank: number): KeyEntry | undefined {
  const raw = line.replaceAll('\\#', '#')
  const words = raw.split(/[ \t\r\n]+/).filter((w) => w !== '')
  if (words[0] === '#') return { key: raw, type: 'skipped', options: [], comment: null, rank }
  const at = words.findIndex((w) => KEY_TYPES.has(w))
  if (at < 0 || at + 1 >= words.length) return undefined
  return { key: words[at + 1]!, type: words[at]!, options: parseOptions(at > 0 ? words.slice(0, at).join(' ') : null), comment: words.slice(at + 2).join(' '), rank }
}

/** The entries of an authorized_keys file by key blob (a later duplicate replaces an earlier one), in file order. */
export function parseKeyFile(text: string): Map<string, KeyEntry> {
  const keys = new Map<string, KeyEntry>()
  linesKeepingEnds(text).forEach((line, rank) => {
    const entry = parseKey(line, rank) ?? { key: line, type: 'skipped', options: [], comment: null, rank }
    keys.set(entry.key, entry)
  })
  return keys
}

/** Python's `splitlines(True)` for the line ends authorized_keys files have. */
function linesKeepingEnds(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? []
}

/** Option lists equal as Ansible's keydicts compare: the same names, each with the same values in the same order. */
function sameOptions(a: readonly KeyOption[], b: readonly KeyOption[]): boolean {
  const group = (options: readonly KeyOption[]): Map<string, (string | null)[]> => {
    const byName = new Map<string, (string | null)[]>()
    for (const [name, value] of options) byName.set(name, [...(byName.get(name) ?? []), value])
    return byName
  }
  const ga = group(a)
  const gb = group(b)
  return ga.size === gb.size && [...ga].every(([name, values]) => JSON.stringify(values) === JSON.stringify(gb.get(name)))
}

const sameEntry = (a: KeyEntry, b: KeyEntry): boolean => a.key === b.key && a.type === b.type && a.comment === b.comment && sameOptions(a.options, b.options)

/** What the wanted keys are and how they are applied. */
export interface KeyRequest {
  readonly key: string
  readonly state: 'present' | 'absent'
  readonly key_options?: string | undefined
  readonly comment?: string | undefined
  readonly exclusive: boolean
}

/** The file text after applying the request to `existing`, or null when nothing changes. Throws on a line that is not a key. */
export function editKeyFile(existing: string, request: KeyRequest): string | null {
  const keys = parseKeyFile(existing)
  const wanted = request.key.split(/\r\n|\r|\n/).filter((line) => line !== '' && !line.startsWith('#'))
  const kept = new Set<string>()
  const base = keys.size
  let changed = false
  wanted.forEach((line, rank) => {
    const parsed = parseKey(line, rank)
    if (parsed === undefined) throw new ModuleError(`invalid key specified: ${line}`)
    const entry: KeyEntry = {
      ...parsed,
      ...(request.key_options !== undefined ? { options: parseOptions(request.key_options) } : {}),
      ...(request.comment !== undefined ? { comment: request.comment } : {}),
    }
    const old = keys.get(entry.key)
    const matched = old !== undefined && (request.state === 'absent' || sameEntry(entry, old))
    if (request.state === 'absent') {
      if (matched) changed = keys.delete(entry.key)
      return
    }
    kept.add(entry.key)
    if (matched) return
    // A key whose options or comment differ is dropped and added again, after everything that was there.
    keys.delete(entry.key)
    keys.set(entry.key, { ...entry, rank: base + rank })
    changed = true
  })
  if (request.state === 'present' && request.exclusive) {
    for (const key of [...keys.keys()]) if (!kept.has(key)) changed = keys.delete(key) || changed
  }
  return changed ? serializeKeys(keys) : null
}

/** Write entries back in rank order: kept lines as they were, keys as `options type blob comment`. */
export function serializeKeys(keys: ReadonlyMap<string, KeyEntry>): string {
  return [...keys.values()]
    .sort((a, b) => a.rank - b.rank)
    .map((e) => {
      if (e.type === 'skipped') return e.key
      const options = e.options.length > 0 ? `${e.options.map(([name, value]) => (value === null ? name : `${name}=${value}`)).join(',')} ` : ''
      return `${options}${e.type} ${e.key} ${e.comment ?? 'None'}\n`
    })
    .join('')
}
