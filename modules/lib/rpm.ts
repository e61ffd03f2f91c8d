/** One installed or available RPM: name, epoch (0 when unset), version, release, arch, and the repository it comes from. */
export interface RpmPackage {
  readonly name: string
  readonly epoch: number
  readonly version: string
  readonly release: string
  readonly arch: string
  readonly repo?: string
}

/** The `--qf` format whose output `parseRpmQuery` reads. */
export const RPM_QUERY_FORMAT = '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n'

/** The marker line `parseRpmQuery` expects before each queried spec's output. */
export const RPM_SPEC_MARKER = '@spec'

/**
 * Parse the output of `echo "@spec SPEC"; rpm -q --qf RPM_QUERY_FORMAT SPEC` repeated per spec:
 * for each spec, the installed packages it matched (empty when "package X is not installed").
 */
export function parseRpmQuery(stdout: string): Map<string, RpmPackage[]> {
  const bySpec = new Map<string, RpmPackage[]>()
  let current: RpmPackage[] | undefined
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${RPM_SPEC_MARKER} `)) {
      current = []
      bySpec.set(line.slice(RPM_SPEC_MARKER.length + 1), current)
      continue
    }
    // Other marker lines (`@file …`) end the current spec's output.
    if (line.startsWith('@')) {
      current = undefined
      continue
    }
    const [name, epoch, version, release, arch] = line.split('\t')
    if (current && name && version !== undefined && release !== undefined && arch !== undefined) {
      current.push({ name, epoch: Number(epoch) || 0, version, release, arch })
    }
  }
  return bySpec
}

/**
 * Parse `dnf|yum list --showduplicates available|updates NAMES`: whitespace-separated triples
 * `name.arch  [epoch:]version-release  repo`, where a long name may push the rest onto the next line.
 */
export function parseDnfList(stdout: string): RpmPackage[] {
  const words: string[] = []
  for (const line of stdout.split('\n')) {
    // Headers ("Available Packages", "Available Upgrades") and metadata notices are not package rows.
    if (/^[A-Z][A-Za-z]*( [A-Za-z]+)*$/.test(line) || /^(Last metadata|Error|Repository|Failed|Waiting|No matching|Updating|Importing|Obsoleting)/i.test(line)) continue
    words.push(...line.trim().split(/\s+/).filter(Boolean))
  }
  const packages: RpmPackage[] = []
  for (let i = 0; i + 2 < words.length; i += 3) {
    const nameArch = words[i]!
    const evr = words[i + 1]!
    const repo = words[i + 2]!.replace(/^@/, '')
    const dot = nameArch.lastIndexOf('.')
    const epochColon = evr.indexOf(':')
    const vr = epochColon >= 0 ? evr.slice(epochColon + 1) : evr
    const dash = vr.lastIndexOf('-')
    if (dot <= 0 || dash <= 0) continue
    packages.push({
      name: nameArch.slice(0, dot), arch: nameArch.slice(dot + 1), epoch: epochColon >= 0 ? Number(evr.slice(0, epochColon)) || 0 : 0,
      version: vr.slice(0, dash), release: vr.slice(dash + 1), repo,
    })
  }
  return packages
}

/** `version-release`, with `epoch:` in front when the epoch is not 0, as dnf prints it. */
export const evr = (p: Pick<RpmPackage, 'epoch' | 'version' | 'release'>): string => `${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}`

/** `name-[epoch:]version-release.arch`, as dnf names a package in its results. */
export const nevra = (p: RpmPackage): string => `${p.name}-${evr(p)}.${p.arch}`

/** Compare two packages' epoch, version and release as rpm does: <0, 0, >0. */
export function compareEvr(a: Pick<RpmPackage, 'epoch' | 'version' | 'release'>, b: Pick<RpmPackage, 'epoch' | 'version' | 'release'>): number {
  return a.epoch - b.epoch || rpmvercmp(a.version, b.version) || rpmvercmp(a.release, b.release)
}

/** Split `[epoch:]version[-release]` for comparisons with a version given in a spec (`foo >= 1.2`). */
export function parseEvr(text: string): { epoch: number; version: string; release: string } {
  const colon = text.indexOf(':')
  const epoch = colon >= 0 ? Number(text.slice(0, colon)) || 0 : 0
  const rest = colon >= 0 ? text.slice(colon + 1) : text
  const dash = rest.lastIndexOf('-')
  return dash >= 0 ? { epoch, version: rest.slice(0, dash), release: rest.slice(dash + 1) } : { epoch, version: rest, release: '' }
}

const isAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c)
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9'
const isAlpha = (c: string | undefined): boolean => c !== undefined && /[A-Za-z]/.test(c)

/** rpm's `rpmvercmp`: segment-wise comparison where numbers beat letters, `~` sorts before and `^` after the end. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1
      if (b[j] !== '~') return -1
      i++
      j++
      continue
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1
      if (j >= b.length) return 1
      if (a[i] !== '^') return 1
      if (b[j] !== '^') return -1
      i++
      j++
      continue
    }
    if (i >= a.length || j >= b.length) break
    const numeric = isDigit(a[i])
    const take = numeric ? isDigit : isAlpha
    let ei = i
    let ej = j
    while (take(a[ei])) ei++
    while (take(b[ej])) ej++
    if (ej === j) return numeric ? 1 : -1
    let sa = a.slice(i, ei)
    let sb = b.slice(j, ej)
    if (numeric) {
      sa = sa.replace(/^0+/, '')
      sb = sb.replace(/^0+/, '')
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1
    }
    if (sa !== sb) return sa < sb ? -1 : 1
    i = ei
    j = ej
  }
  if (i >= a.length && j >= b.length) return 0
  return i >= a.length ? -1 : 1
}
