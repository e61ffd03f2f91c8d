import { type Command, type Connection, lines, raw, sh } from '../../engine/connection/index.js'
import { ModuleError } from '../../engine/errors.js'
import { parseDnfList, parseRpmQuery, RPM_QUERY_FORMAT, RPM_SPEC_MARKER, type RpmPackage } from './rpm.js'

/** A package argument of yum/dnf: a name or NEVRA pattern, `name OP version`, or an .rpm file/URL. */
export type RpmSpec =
  | { readonly kind: 'name'; readonly spec: string }
  | { readonly kind: 'op'; readonly spec: string; readonly name: string; readonly op: '>=' | '<=' | '>' | '<' | '=' | '=='; readonly version: string }
  | { readonly kind: 'file'; readonly spec: string }
  | { readonly kind: 'group'; readonly spec: string; readonly pattern: string }

const PATTERN = /^[A-Za-z0-9_.+*?:^~][A-Za-z0-9_.+*?:^~-]*$/

/** Parse and validate one spec; a string is the error message. */
export function parseRpmSpec(spec: string): RpmSpec | string {
  const s = spec.trim()
  if (s.startsWith('@')) return s.length > 1 ? { kind: 'group', spec: s, pattern: s.slice(1).trim() } : `invalid package spec '${s}'`
  if (/\.rpm$/.test(s) && (s.includes('/') || /^[a-z]+:\/\//.test(s))) return { kind: 'file', spec: s }
  const op = /^(\S+)\s*(>=|<=|==|=|>|<)\s*(\S+)$/.exec(s)
  if (op) {
    if (!PATTERN.test(op[1]!) || !PATTERN.test(op[3]!)) return `invalid package spec '${s}'`
    return { kind: 'op', spec: s, name: op[1]!, op: op[2] as '>=', version: op[3]! }
  }
  if (!PATTERN.test(s)) return `invalid package spec '${s}'`
  return { kind: 'name', spec: s }
}

/** The word `rpm -q` is asked about for a spec: the name for `name OP version`, else the spec itself. */
export const queryKey = (spec: RpmSpec): string => (spec.kind === 'op' ? spec.name : spec.spec)

/** What yum/dnf read from a host: the package manager found, installed matches per spec, and what the repositories offer. */
export interface RpmState {
  /** Path of dnf (preferred) or yum; empty when neither exists. */
  readonly manager: string
  readonly installed: ReadonlyMap<string, readonly RpmPackage[]>
  /** Packages of every version the enabled repositories offer for the names asked about; undefined when not queried. */
  readonly available?: readonly RpmPackage[]
  /** With `name: '*'` and state latest: the pending updates. */
  readonly updates?: readonly RpmPackage[]
  /** The package inside each .rpm file spec, by spec. */
  readonly files: ReadonlyMap<string, RpmPackage>
  /** The output of the `extra` script part (the group previews), when one was given. */
  readonly extra?: string
}

/** Options for the queries and the transaction, already rendered as words. */
export interface ManagerWords {
  readonly dnf: readonly string[]
  readonly rpm: readonly string[]
}

/** The shell snippet setting `$pm` to dnf, or yum when dnf is absent (or as `use_backend` says). */
export function pickManager(backend: string): Command {
  if (backend === 'yum') return sh`pm=$(command -v yum || command -v dnf)`
  return sh`pm=$(command -v dnf || command -v yum)`
}

/**
 * Read the host in one round trip: `rpm -q` per spec, the .rpm files' headers, and (when a version
 * decides the outcome or a package is missing) the repositories' offer from `list --showduplicates available`.
 */
export async function readRpmState(conn: Connection, specs: readonly RpmSpec[], words: ManagerWords, options: { backend: string; latest: boolean; all: boolean; refresh: boolean; extra?: Command }): Promise<RpmState> {
  const queries = specs.filter((s) => s.kind !== 'file').map((s) => sh`echo ${`${RPM_SPEC_MARKER} ${queryKey(s)}`}; rpm ${words.rpm} -q --qf ${RPM_QUERY_FORMAT} -- ${queryKey(s)} || missing=1`)
  const files = specs.filter((s) => s.kind === 'file').map((s) => sh`echo ${`@file ${s.spec}`}; n=$(rpm ${words.rpm} -qp --qf ${RPM_QUERY_FORMAT} -- ${s.spec} 2>/dev/null) && printf '%s\n' "$n" && echo ${`${RPM_SPEC_MARKER} @file ${s.spec}`} && rpm ${words.rpm} -q --qf ${RPM_QUERY_FORMAT} -- "$(printf '%s' "$n" | cut -f1)"`)
  const names = [...new Set(specs.filter((s) => s.kind !== 'file').map(queryKey))]
  const refresh = options.refresh ? ['--refresh'] : []
  const script = lines(
    sh`export LC_ALL=C`,
    pickManager(options.backend),
    sh`echo "@pm $pm"`,
    sh`missing=0`,
    ...queries,
    ...files,
    options.refresh ? sh`[ -n "$pm" ] && "$pm" -q ${words.dnf} --refresh makecache >/dev/null 2>&1` : sh`:`,
    names.length ? sh`if [ ${options.latest ? 1 : 0} = 1 ] || [ "$missing" = 1 ]; then echo @available; "$pm" -q ${words.dnf} list --showduplicates available -- ${names} 2>/dev/null; fi` : sh`:`,
    options.all ? sh`echo @updates; "$pm" -q ${words.dnf} ${refresh} list updates 2>/dev/null` : sh`:`,
    options.extra === undefined ? sh`:` : sh`echo @extra; ${raw(options.extra)}`,
    sh`exit 0`,
  )
  const result = await conn.exec(script, { allowFailure: true })
  const pm = /^@pm (.*)$/m.exec(result.stdout)?.[1]?.trim() ?? ''
  if (!pm) throw new ModuleError('neither dnf nor yum is installed on the host', { stderr: result.stderr })
  const sections: Record<string, string> = { head: '' }
  let section = 'head'
  for (const line of result.stdout.split('\n')) {
    if (section !== 'extra' && (line === '@available' || line === '@updates' || line === '@extra')) sections[(section = line.slice(1))] = ''
    else sections[section] += `${line}\n`
  }
  const rpmPart = sections.head!
  const installed = parseRpmQuery(rpmPart)
  const fileHeaders = new Map<string, RpmPackage>()
  for (const m of rpmPart.matchAll(/^@file (.*)\n(.*)$/gm)) {
    const header = parseRpmQuery(`${RPM_SPEC_MARKER} x\n${m[2]}`).get('x')?.[0]
    if (!header) throw new ModuleError(`cannot read the package file '${m[1]}'`)
    fileHeaders.set(m[1]!, header)
  }
  return {
    manager: pm,
    installed,
    ...(sections.available === undefined ? {} : { available: parseDnfList(sections.available) }),
    ...(sections.updates === undefined ? {} : { updates: parseDnfList(sections.updates) }),
    files: fileHeaders,
    ...(sections.extra === undefined ? {} : { extra: sections.extra }),
  }
}

/** Run a transaction with `$pm` chosen as in gather. */
export const withManager = (backend: string, command: Command): Command => sh`${raw(pickManager(backend))}; ${raw(command)}`
