/** What dpkg knows about one package: `installed` means status `ii`; `hasFiles` also covers `rc` (config files left). */
export interface DpkgStatus {
  readonly name: string
  readonly arch: string
  readonly version: string
  readonly installed: boolean
  readonly hasFiles: boolean
}

/** The `-f` format whose output `parseDpkgQuery` reads: one tab-separated line per package. */
export const DPKG_QUERY_FORMAT = '${Package}\\t${Architecture}\\t${db:Status-Abbrev}\\t${Version}\\n'

/**
 * Parse `dpkg-query -W -f=DPKG_QUERY_FORMAT names…`, keyed by name and by `name:arch`; packages dpkg never
 * heard of are simply absent (dpkg-query says so on stderr and exits 1, which callers allow).
 */
export function parseDpkgQuery(stdout: string): Map<string, DpkgStatus> {
  const packages = new Map<string, DpkgStatus>()
  for (const line of stdout.split('\n')) {
    const [name, arch, abbrev, version] = line.split('\t')
    if (!name || abbrev === undefined || version === undefined) continue
    // Status-Abbrev is want/status/error: "ii " installed, "rc " removed with config files, "un " unknown.
    const status = abbrev[1] ?? 'n'
    const entry: DpkgStatus = { name, arch: arch ?? '', version, installed: status === 'i', hasFiles: status !== 'n' }
    // A multi-arch package appears once per architecture; prefer the installed line.
    const seen = packages.get(name)
    if (!seen || (!seen.installed && entry.installed)) packages.set(name, entry)
    // Also under `name:arch`, the spelling a task may use for a multi-arch package.
    if (arch) packages.set(`${name}:${arch}`, entry)
  }
  return packages
}

/** `apt-cache policy` for one package: the installed and candidate versions, null for "(none)". */
export interface AptPolicy {
  readonly installed: string | null
  readonly candidate: string | null
  /** Every version apt knows of, best pin first as apt lists them. */
  readonly versions: readonly string[]
}

/** Parse `apt-cache policy names…`; unknown names are absent (apt prints nothing for them). */
export function parseAptCachePolicy(stdout: string): Map<string, AptPolicy> {
  const policies = new Map<string, AptPolicy>()
  let current: { name: string; installed: string | null; candidate: string | null; versions: string[] } | undefined
  const flush = (): void => {
    if (current) policies.set(current.name, { installed: current.installed, candidate: current.candidate, versions: current.versions })
  }
  for (const line of stdout.split('\n')) {
    const header = /^(\S+):$/.exec(line)
    if (header) {
      flush()
      current = { name: header[1]!, installed: null, candidate: null, versions: [] }
      continue
    }
    if (!current) continue
    const field = /^ {2}(Installed|Candidate): (.*)$/.exec(line)
    if (field) {
      const value = field[2]!.trim() === '(none)' ? null : field[2]!.trim()
      if (field[1] === 'Installed') current.installed = value
      else current.candidate = value
      continue
    }
    // Version table rows: " *** 2.36-9 500" or "     2.10-3 500"; their source lines are indented further.
    const version = /^ (?:\*\*\*| {3}) (\S+) -?\d+$/.exec(line)
    if (version) current.versions.push(version[1]!)
  }
  flush()
  return policies
}

/** One package line of `apt-get -s`: `from` is the version replaced (upgrades, removals), `to` the one installed. */
export interface SimulatedPackage {
  readonly name: string
  readonly from?: string
  readonly to?: string
}

/** What `apt-get -s install|remove` says it would do. */
export interface AptSimulation {
  readonly install: readonly SimulatedPackage[]
  readonly upgrade: readonly SimulatedPackage[]
  readonly remove: readonly SimulatedPackage[]
  readonly purge: readonly SimulatedPackage[]
}

/** Parse the `Inst`/`Remv`/`Purg` lines of `apt-get -s` (simulate) output. */
export function parseAptSimulate(stdout: string): AptSimulation {
  const install: SimulatedPackage[] = []
  const upgrade: SimulatedPackage[] = []
  const remove: SimulatedPackage[] = []
  const purge: SimulatedPackage[] = []
  for (const line of stdout.split('\n')) {
    // Inst hello (2.10-3 Debian:12.15/oldstable [amd64]) / Inst bash [5.2.15-2+b8] (5.2.15-2+b13 …)
    const inst = /^Inst (\S+)(?: \[([^\]]+)\])?(?: \((\S+)[^)]*\))?/.exec(line)
    if (inst) {
      const entry: SimulatedPackage = { name: inst[1]!, ...(inst[2] ? { from: inst[2] } : {}), ...(inst[3] ? { to: inst[3] } : {}) }
      ;(inst[2] ? upgrade : install).push(entry)
      continue
    }
    const gone = /^(Remv|Purg) (\S+)(?: \[([^\]]+)\])?/.exec(line)
    if (gone) (gone[1] === 'Purg' ? purge : remove).push({ name: gone[2]!, ...(gone[3] ? { from: gone[3] } : {}) })
  }
  return { install, upgrade, remove, purge }
}

/** Compare two Debian version strings as dpkg does (epoch, upstream, revision; `~` sorts before anything): <0, 0, >0. */
export function compareDebVersions(a: string, b: string): number {
  const [ea, ua, ra] = splitVersion(a)
  const [eb, ub, rb] = splitVersion(b)
  if (ea !== eb) return ea - eb
  return compareFragment(ua, ub) || compareFragment(ra, rb)
}

function splitVersion(version: string): [number, string, string] {
  const colon = version.indexOf(':')
  const epoch = colon > 0 ? Number(version.slice(0, colon)) || 0 : 0
  const rest = colon > 0 ? version.slice(colon + 1) : version
  const dash = rest.lastIndexOf('-')
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, '']
}

/** Sort weight of one non-digit character in dpkg's ordering: `~` lowest, end of string next, then letters, then the rest. */
function order(c: string | undefined): number {
  if (c === undefined) return 0
  if (c === '~') return -1
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0)
  return c.charCodeAt(0) + 256
}

function compareFragment(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    let diff = 0
    while ((i < a.length && !/\d/.test(a[i]!)) || (j < b.length && !/\d/.test(b[j]!))) {
      const ac = i < a.length && !/\d/.test(a[i]!) ? order(a[i]) : 0
      const bc = j < b.length && !/\d/.test(b[j]!) ? order(b[j]) : 0
      if (ac !== bc) return ac - bc
      i++
      j++
    }
    while (a[i] === '0') i++
    while (b[j] === '0') j++
    while (i < a.length && /\d/.test(a[i]!) && j < b.length && /\d/.test(b[j]!)) {
      if (!diff) diff = a.charCodeAt(i) - b.charCodeAt(j)
      i++
      j++
    }
    if (i < a.length && /\d/.test(a[i]!)) return 1
    if (j < b.length && /\d/.test(b[j]!)) return -1
    if (diff) return diff
  }
  return 0
}
