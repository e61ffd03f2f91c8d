import { type Command, type Connection, lines, raw, sh } from '../../engine/connection/index.js'
import { ModuleError } from '../../engine/errors.js'
import { downloadTo } from './download.js'
import { pathArg } from './path-arg.js'
import { type AptPolicy, type AptSimulation, DPKG_QUERY_FORMAT, type DpkgStatus, parseAptCachePolicy, parseAptSimulate, parseDpkgQuery } from './dpkg.js'

/** A package argument split as Ansible's `package_split`: `name`, `name=1.0*`, `name>=1.0`. */
export interface AptSpec {
  readonly spec: string
  readonly name: string
  readonly op?: '=' | '>='
  readonly version?: string
}

const NAME = /^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?$/
const VERSION = /^[A-Za-z0-9.+~:*?_-]+$/

/** Split and validate one `name[=|>=version]`; the message says what is wrong, or undefined when valid. */
export function parseAptSpec(spec: string): AptSpec | string {
  const m = /^(.*?)(>?=)(.*)$/.exec(spec)
  const [name, op, version] = m ? [m[1]!, m[2] as '=' | '>=', m[3]!] : [spec, undefined, undefined]
  if (!NAME.test(name)) return `invalid package name '${name}'`
  if (version !== undefined && (version.includes('=') || !VERSION.test(version))) return `invalid package spec: ${spec}`
  return op === undefined ? { spec, name } : { spec, name, op, version: version! }
}

/** A .deb file the `deb` argument names, with the fields read from it on the host. */
export interface DebFile {
  readonly path: string
  readonly name: string
  readonly version: string
  readonly arch: string
}

/** Everything the apt module reads from a host before planning. */
export interface AptState {
  readonly now: number
  /** mtime of the update-success stamp, or of the lists directory, as Ansible's `get_cache_mtime`. */
  readonly cacheMtime: number
  readonly dpkg: ReadonlyMap<string, DpkgStatus>
  /** Present only when it was needed: state latest, a version given, or a package not installed. */
  readonly policy: ReadonlyMap<string, AptPolicy>
  readonly debs: readonly DebFile[]
  /** `apt-get -s` of the planned transaction, when check or diff mode asks for a prediction. */
  readonly simulation?: AptSimulation
  readonly simulationOutput?: string
  /** `apt-get -s autoclean` output, when autoclean is asked for: its `Del` lines are what a real run deletes. */
  readonly autocleanOutput?: string
}

const SECTION = '--tsplay-section--'

/** The stamp apt's periodic job touches, then the lists directory: the same order as Ansible. */
export const CACHE_MTIME = sh`stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0`

/** apt-get (or dpkg) with the environment Ansible gives it: no prompts, C locale for stable messages. */
export const APT_ENV = raw('env DEBIAN_FRONTEND=noninteractive LC_ALL=C')

/**
 * Read the host in one round trip: clock, cache age, `dpkg-query` for every name, `apt-cache policy`
 * when versions matter, and the control fields of each .deb (fetched first when given as a URL).
 */
export async function readAptState(conn: Connection, specs: readonly AptSpec[], debs: readonly string[], options: { alwaysPolicy: boolean; defaultRelease?: string; clock?: boolean }): Promise<AptState> {
  const names = [...new Set(specs.map((s) => s.name))]
  const release = options.defaultRelease === undefined ? [] : ['-o', `APT::Default-Release=${options.defaultRelease}`]
  const query: Command[] = names.length === 0 ? [sh`echo ${SECTION}`] : [
    sh`q=$(dpkg-query -W -f=${DPKG_QUERY_FORMAT} -- ${names} 2>/dev/null); printf '%s\n' "$q"`,
    sh`echo ${SECTION}`,
    // how many of the names are installed (status ?i, duplicates of multi-arch packages once): builtins only
    sh`n=0 seen=' '
while IFS= read -r l; do r=\${l#*"	"}; r=\${r#*"	"}; p=\${l%%"	"*}
  case $r in ?i*) case "$seen" in *" $p "*) ;; *) seen="$seen$p " n=$((n + 1));; esac;; esac
done <<EOF
$q
EOF`,
    sh`if [ ${options.alwaysPolicy ? 1 : 0} = 1 ] || [ "$n" -lt ${names.length} ]; then apt-cache ${release} policy -- ${names}; fi`,
  ]
  // the clock only matters for cache_valid_time / update_cache (an exec less otherwise)
  const script = lines(sh`export LC_ALL=C`, options.clock === false ? sh`echo 0` : sh`date +%s`, CACHE_MTIME, sh`echo ${SECTION}`, ...query, sh`echo ${SECTION}`, ...debs.map(debProbe))
  // dpkg-query, apt-cache and dpkg-deb print text: a runner may capture it in memory
  const result = await conn.exec(script, { allowFailure: true, text: true })
  const [head = '', dpkgOut = '', policyOut = '', debOut = ''] = result.stdout.split(`${SECTION}\n`)
  const [now = '0', mtime = '0'] = head.trim().split('\n')
  if (!/^\d+$/.test(now.trim())) throw new ModuleError(`cannot read the apt state: ${result.stderr.trim() || result.stdout.trim()}`)
  const dpkg = new Map(parseDpkgQuery(dpkgOut))
  const parsedDebs: DebFile[] = []
  for (const line of debOut.split('\n')) {
    if (line.startsWith('@deb\t')) {
      const [, path, name, version, arch] = line.split('\t')
      if (!name || !version) throw new ModuleError(`unable to install package: '${path}' is not a readable .deb file`, { stderr: result.stderr })
      parsedDebs.push({ path: path!, name, version, arch: arch ?? '' })
    } else {
      for (const [name, status] of parseDpkgQuery(line)) dpkg.set(name, status)
    }
  }
  return { now: Number(now), cacheMtime: Number(mtime.trim()) || 0, dpkg, policy: parseAptCachePolicy(policyOut), debs: parsedDebs }
}

/** Where a .deb given as a URL is downloaded to (one file per URL name, replaced on each run, so nothing piles up). */
const DEB_CACHE = '/var/cache/tsplay/debs'

/** Print `@deb\tpath\tPackage\tVersion\tArchitecture` for a .deb (downloaded first when a URL), then dpkg's view of it. */
function debProbe(deb: string): Command {
  const fetch = /^[a-z]+:\/\//.test(deb)
    ? sh`mkdir -p ${DEB_CACHE} && f=${`${DEB_CACHE}/${deb.replace(/.*\//, '').replace(/[^A-Za-z0-9._+~-]/g, '_') || 'package.deb'}`} && { ${raw(downloadTo(deb, 'f'))}; }`
    : sh`f=${deb.includes('/') ? pathArg(deb) : `./${deb}`}`
  return sh`${raw(fetch)}
p=$(dpkg-deb -f "$f" Package 2>/dev/null)
printf '@deb\t%s\t%s\t%s\t%s\n' "$f" "$p" "$(dpkg-deb -f "$f" Version 2>/dev/null)" "$(dpkg-deb -f "$f" Architecture 2>/dev/null)"
[ -n "$p" ] && dpkg-query -W -f=${DPKG_QUERY_FORMAT} -- "$p" 2>/dev/null`
}

/** Run `apt-get -s` (simulate, changes nothing) for a planned command and parse what it would do. */
export async function simulate(conn: Connection, command: Command): Promise<{ simulation: AptSimulation; output: string }> {
  const result = await conn.exec(command, { allowFailure: true })
  if (result.exitCode !== 0) {
    throw new ModuleError(`apt-get simulation failed: ${result.stderr.trim()}`, { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr })
  }
  return { simulation: parseAptSimulate(result.stdout), output: result.stdout }
}

/** The cached archives `apt-get autoclean` deletes, from its `Del NAME VERSION [SIZE]` lines. */
export const parseAutoclean = (stdout: string): { name: string; version: string }[] =>
  [...stdout.matchAll(/^Del (\S+) (\S+)/gm)].map((m) => ({ name: m[1]!, version: m[2]! }))

const POLICY_RC_D = '/usr/sbin/policy-rc.d'

/**
 * Run `command` with /usr/sbin/policy-rc.d answering `code` to every invoke-rc.d call, then put back the
 * file that was there (or remove it), whatever the command's outcome: Ansible's `PolicyRcD` context manager.
 */
export function withPolicyRcD(command: Command, code: number | undefined, path = POLICY_RC_D): Command {
  if (code === undefined) return command
  // A subshell: `exit` ends only the wrapper, so what the caller appends still runs.
  return sh`(tsplay_rcd_backup=
if [ -e ${path} ] || [ -L ${path} ]; then tsplay_rcd_backup=$(mktemp -d) && mv ${path} "$tsplay_rcd_backup"/ || { echo 'Fail to move the existing policy-rc.d aside' >&2; exit 1; }; fi
{ printf '#!/bin/sh\nexit %d\n' ${String(code)} > ${path} && chmod 0755 ${path}; } || { echo 'Failed to create or chmod policy-rc.d' >&2; exit 1; }
( ${raw(command)} ); tsplay_rcd_rc=$?
if [ -n "$tsplay_rcd_backup" ]; then mv "$tsplay_rcd_backup"/* ${path} && rmdir "$tsplay_rcd_backup"; else rm -f ${path}; fi || exit 1
exit $tsplay_rcd_rc)`
}
