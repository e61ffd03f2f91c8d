import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { LabError } from './system.js'

/** One `deb` source of the control host: a mirror URI, its suites and components. */
export interface AptSource {
  readonly uri: string
  readonly suites: readonly string[]
  readonly components: readonly string[]
}

/** The control host's `deb` sources, read from sources.list, sources.list.d/*.list and *.sources (deb822). */
export function readAptSources(root = '/etc/apt'): AptSource[] {
  const files: string[] = []
  if (existsSync(join(root, 'sources.list'))) files.push(join(root, 'sources.list'))
  const dir = join(root, 'sources.list.d')
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.list') || name.endsWith('.sources')) files.push(join(dir, name))
    }
  }
  return files.flatMap((file) => {
    const text = readFileSync(file, 'utf8')
    return file.endsWith('.sources') ? parseDeb822(text) : parseOneLine(text)
  })
}

/** `deb [options] URI suite component…` lines; deb-src and comments are ignored. */
export function parseOneLine(text: string): AptSource[] {
  const sources: AptSource[] = []
  for (const line of text.split('\n')) {
    const words = line.replace(/#.*/, '').replace(/\[[^\]]*\]/, '').trim().split(/\s+/)
    if (words[0] !== 'deb' || words.length < 3) continue
    sources.push({ uri: words[1]!, suites: [words[2]!], components: words.slice(3) })
  }
  return sources
}

/** deb822 stanzas (`Types:`, `URIs:`, `Suites:`, `Components:`), one source per URI; disabled stanzas skipped. */
export function parseDeb822(text: string): AptSource[] {
  const sources: AptSource[] = []
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>()
    let last = ''
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue
      if (/^\s/.test(line) && last) {
        fields.set(last, `${fields.get(last) ?? ''} ${line.trim()}`)
        continue
      }
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line)
      if (!match) continue
      last = match[1]!.toLowerCase()
      fields.set(last, match[2]!.trim())
    }
    const words = (key: string): string[] => (fields.get(key) ?? '').split(/\s+/).filter(Boolean)
    if (!words('types').includes('deb') || fields.get('enabled')?.toLowerCase() === 'no') continue
    for (const uri of words('uris')) sources.push({ uri, suites: words('suites'), components: words('components') })
  }
  return sources
}

/**
 * The sources a lab host should use: the control host's mirrors for `suite` and its `-updates` /
 * `-security` companions; when the control host runs another release, its main mirror with `suite`.
 */
export function labSources(sources: readonly AptSource[], suite: string): AptSource[] {
  const own = sources
    .map((s) => ({ ...s, suites: s.suites.filter((x) => x === suite || x.startsWith(`${suite}-`)) }))
    .filter((s) => s.suites.length > 0)
  if (own.length > 0) return own
  const main = sources.find((s) => /^https?:\/\//.test(s.uri) && !/security/.test(s.uri))
  if (!main) throw new LabError('no http Debian mirror found in /etc/apt/sources.list or /etc/apt/sources.list.d/')
  return [{ uri: main.uri, suites: [suite], components: ['main'] }]
}

/** The mirror debootstrap and apt-cacher-ng use: the lab source that carries the suite itself. */
export function mainMirror(sources: readonly AptSource[], suite: string): string {
  const main = labSources(sources, suite).find((s) => s.suites.includes(suite) && /^https?:\/\//.test(s.uri))
  if (!main) throw new LabError(`no http mirror for ${suite} in the control host's apt sources`)
  return main.uri.replace(/\/+$/, '')
}

/**
 * Keep the companion suites (`-updates`, `-security`) whose Release file `reachable` confirms; the lab
 * suite itself always stays, since without it the hosts have no packages at all.
 */
export async function reachableSources(
  sources: readonly AptSource[],
  suite: string,
  reachable: (url: string) => Promise<boolean>,
): Promise<AptSource[]> {
  const checked = await Promise.all(
    sources.map(async (s) => {
      const suites = await Promise.all(
        s.suites.map(async (x) => (x === suite || (await reachable(`${s.uri.replace(/\/+$/, '')}/dists/${x}/InRelease`)) ? x : undefined)),
      )
      return { ...s, suites: suites.filter((x): x is string => x !== undefined) }
    }),
  )
  return checked.filter((s) => s.suites.length > 0)
}

/** The text of a lab host's /etc/apt/sources.list for these sources. */
export function sourcesList(sources: readonly AptSource[]): string {
  const lines = sources.flatMap((s) =>
    s.suites.map((suite) => `deb ${s.uri} ${suite} ${(s.components.length ? s.components : ['main']).join(' ')}`),
  )
  return `# Written by tsplay lab: the control host's mirrors, fetched through apt-cacher-ng on the bridge.\n${lines.join('\n')}\n`
}
