// - name: learn what is installed
//   package_facts:
//     manager: auto
// - debug:
//     msg: "containerd {{ ansible_facts.packages['containerd.io'][0].version }}"
//   when: "'containerd.io' in ansible_facts.packages"
import { z } from 'zod'
import { raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { stringList } from './lib/args.js'
import { splitSections } from './lib/getent.js'

const MANAGERS = ['apt', 'rpm'] as const
type Manager = (typeof MANAGERS)[number]

const args = z
  .object({
    manager: stringList.default(['auto']).describe('The package managers to ask: auto (the first usable), apt, rpm'),
    strategy: z.enum(['first', 'all']).default('first').describe('first: only the first usable manager; all: every usable one'),
  })
  .strict()
  .superRefine((a, ctx) => {
    const unsupported = a.manager.map((m) => m.toLowerCase()).filter((m) => m !== 'auto' && !(MANAGERS as readonly string[]).includes(m))
    if (unsupported.length > 0) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['manager'], message: `Unsupported package managers requested: ${unsupported.join(', ')} (tsplay knows apt and rpm)` })
  })

type Args = z.output<typeof args>

/** One installed package as ansible's package_facts describes it. */
export type PackageFact = Record<string, string | number | null>

/** What each manager's listing printed, or null when the manager is not on the host. */
export type PackageListings = Readonly<Partial<Record<Manager, string | null>>>

// dpkg: the native architecture, then one package per line; apt-cache policy: which archive each version came from.
const DPKG_FORMAT = '${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t${Section}\n'
const RPM_FORMAT = '%{NAME}\t%{VERSION}\t%{RELEASE}\t%{EPOCH}\t%{ARCH}\n'

/** The managers in the order they are tried; `auto` puts apt before rpm. */
export const managerOrder = (a: Args): Manager[] => [...new Set(a.manager.flatMap((m) => (m.toLowerCase() === 'auto' ? [...MANAGERS] : [m.toLowerCase() as Manager])))]

/**
 * Facts from `dpkg-query` lines and `apt-cache policy` output: installed (not removed, not config-files only)
 * packages, named as apt names them (`name:arch` for a foreign architecture), each with the origin of the
 * first archive that has its installed version, as python-apt's `origins[0]`.
 */
export function parseApt(listing: string): Record<string, PackageFact[]> {
  const sections = splitSections(listing)
  const native = (sections.get('arch') ?? '').trim()
  const origins = aptOrigins(sections.get('files') ?? '', sections.get('policy') ?? '')
  const archived = archiveSections(sections.get('sections') ?? '', native)
  const out: Record<string, PackageFact[]> = {}
  for (const line of (sections.get('dpkg') ?? '').split('\n')) {
    const [status = '', pkg = '', version = '', arch = '', section = ''] = line.split('\t')
    if (pkg === '' || status[1] === 'n' || status[1] === 'c') continue
    const name = arch === native || arch === 'all' ? pkg : `${pkg}:${arch}`
    const category = archived.get(`${name} ${version}`) ?? section
    const fact = { name, version, arch, category: category === '' ? null : category, origin: origins.get(`${name} ${version}`) ?? '', source: 'apt' }
    ;(out[name] ??= []).push(fact)
  }
  return out
}

/** `name version` → origin, from `apt-cache policy` without names (the archives) and with them (each package's table). */
function aptOrigins(files: string, policy: string): Map<string, string> {
  const originOf = new Map<string, string>()
  let archive: string | undefined
  for (const line of files.split('\n')) {
    const source = /^\s*-?\d+ (.+)$/.exec(line)
    if (source) archive = source[1]!.trim()
    const release = /^\s+release (.*)$/.exec(line)
    if (release && archive !== undefined) originOf.set(archive, /(?:^|,)o=([^,]*)/.exec(release[1]!)?.[1] ?? '')
  }
  const out = new Map<string, string>()
  let pkg = ''
  let installed: string | undefined
  let first = false
  for (const line of policy.split('\n')) {
    const header = /^(\S+):$/.exec(line)
    if (header) [pkg, installed] = [header[1]!, undefined]
    const version = /^ (\*\*\*| {3}) (\S+) -?\d+$/.exec(line)
    if (version) [installed, first] = [version[1] === '***' ? version[2] : undefined, true]
    const source = /^ {8}-?\d+ (.+)$/.exec(line)
    if (source && installed !== undefined && first) {
      out.set(`${pkg} ${installed}`, originOf.get(source[1]!.trim()) ?? '')
      first = false
    }
  }
  return out
}

/**
 * `name version` → section, from `apt-cache show NAME=VERSION` records (Package, Version, Section, Architecture
 * lines): the first record of a version is the archive's, whose section (an archive override) apt keeps over dpkg's.
 */
function archiveSections(records: string, native: string): Map<string, string> {
  const out = new Map<string, string>()
  const flush = (r: Record<string, string>): void => {
    if (r['Package'] === undefined || r['Version'] === undefined || r['Section'] === undefined) return
    const arch = r['Architecture'] ?? native
    const key = `${arch === native || arch === 'all' ? r['Package'] : `${r['Package']}:${arch}`} ${r['Version']}`
    if (!out.has(key)) out.set(key, r['Section'])
  }
  let record: Record<string, string> = {}
  for (const line of records.split('\n')) {
    const field = /^(\w+): (.*)$/.exec(line)
    if (!field) continue
    if (field[1] === 'Package') {
      flush(record)
      record = {}
    }
    record[field[1]!] = field[2]!
  }
  flush(record)
  return out
}

/** Facts from `rpm -qa` lines: epoch a number or null, arch null for packages without one (gpg-pubkey). */
export function parseRpm(listing: string): Record<string, PackageFact[]> {
  const out: Record<string, PackageFact[]> = {}
  for (const line of listing.split('\n')) {
    const [name = '', version = '', release = '', epoch = '', arch = ''] = line.split('\t')
    if (name === '') continue
    const fact = { name, version, release, epoch: /^\d+$/.test(epoch) ? Number(epoch) : null, arch: arch === '(none)' ? null : arch, source: 'rpm' }
    ;(out[name] ??= []).push(fact)
  }
  return out
}

/** ansible_facts.packages from the listings of the managers found, in order, stopping after the first with `first`. Pure. */
export function planPackageFacts(a: Args, listings: PackageListings) {
  const packages: Record<string, PackageFact[]> = {}
  let found = 0
  for (const manager of managerOrder(a)) {
    if (found > 0 && a.strategy === 'first') break
    const listing = listings[manager]
    if (listing === null || listing === undefined) continue
    found++
    Object.assign(packages, manager === 'apt' ? parseApt(listing) : parseRpm(listing))
  }
  if (found === 0) throw new ModuleError(`Could not detect a supported package manager from the following list: [${managerOrder(a).map((m) => `'${m}'`).join(', ')}], or the required Python library is not installed. Check warnings for details.`)
  return { changes: [], values: { ansible_facts: { packages } } }
}

/** Lists the installed packages of the host's package managers as ansible_facts.packages (ansible.builtin.package_facts). */
export const package_facts = defineModule({
  name: 'package_facts',
  gathersAhead: true,
  args,
  description: 'Read the installed packages (apt/dpkg, rpm) into ansible_facts.packages: name → list of {name, version, arch, …}',
  example: 'package_facts:\n  manager: auto',
  async gather(ctx, a: Args): Promise<PackageListings> {
    const listings: Partial<Record<Manager, string | null>> = {}
    for (const manager of managerOrder(a)) {
      if (Object.values(listings).some((l) => l !== null) && a.strategy === 'first') break
      const script =
        manager === 'apt'
          ? sh`command -v dpkg-query >/dev/null && command -v apt-cache >/dev/null || { echo --tsplay-none--; exit 0; }
echo --tsplay-arch--; dpkg --print-architecture
echo --tsplay-dpkg--; dpkg-query -W -f ${DPKG_FORMAT} || exit 1
echo --tsplay-files--; LC_ALL=C apt-cache policy
echo --tsplay-policy--; dpkg-query -W -f '\${db:Status-Abbrev} \${binary:Package} \${Version}\\n' | ${raw("awk '$1 ~ /^.[^nc]/ { print $2 }'")} | LC_ALL=C xargs -r apt-cache policy --
echo --tsplay-sections--; dpkg-query -W -f '\${db:Status-Abbrev} \${binary:Package} \${Version}\\n' | ${raw("awk '$1 ~ /^.[^nc]/ { print $2 \"=\" $3 }'")} | LC_ALL=C xargs -r apt-cache show -- 2>/dev/null | ${raw("grep -E '^(Package|Version|Section|Architecture):'")}; true`
          : sh`command -v rpm >/dev/null || { echo --tsplay-none--; exit 0; }
rpm -qa --qf ${RPM_FORMAT}`
      const out = (await ctx.conn.exec(script, { text: true })).stdout
      listings[manager] = out.startsWith('--tsplay-none--') ? null : out
    }
    return listings
  },
  plan: planPackageFacts,
  apply: () => Promise.resolve(),
})
