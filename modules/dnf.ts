// - name: install nginx from the epel repository, and keep curl at the newest version
//   dnf:
//     name: [nginx, curl]
//     state: latest
//     enablerepo: epel
import { z } from 'zod'
import { and, type Command, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type ModuleContext, type Plan } from '../engine/module.js'
import { stringList, yamlBool, yamlInt } from './lib/args.js'
import { type ManagerWords, parseRpmSpec, queryKey, readRpmState, type RpmSpec, type RpmState, withManager } from './lib/dnf-state.js'
import { type PackageChange, packageDiff, packageSummary, withAliases } from './lib/packages.js'
import { waitForLock } from './lib/pkg-lock.js'
import { compareEvr, evr, parseEvr, type RpmPackage } from './lib/rpm.js'
import { type GroupOp, type GroupPlan, groupProbe, parseGroupProbe } from './lib/dnf-groups.js'

const schema = withAliases(z.object({
  name: stringList.default([]).describe("package names or specs ('httpd', 'httpd-2.4.6', 'httpd >= 2.4', a .rpm path or URL, '@group' by id or name); '*' with state latest updates all (alias pkg)"),
  state: z.enum(['present', 'installed', 'latest', 'absent', 'removed']).optional().describe('present/installed, latest (install or upgrade), absent/removed; default present (absent with autoremove)'),
  enablerepo: stringList.default([]).describe('repositories to enable for this run'),
  disablerepo: stringList.default([]).describe('repositories to disable for this run'),
  update_cache: yamlBool.default(false).describe('refresh the repository metadata first (alias expire-cache)'),
  disable_gpg_check: yamlBool.default(false).describe('do not check package signatures (--nogpgcheck)'),
  installroot: z.string().default('/').describe('alternative root to install packages into'),
  conf_file: z.string().optional().describe('configuration file to use instead of the default'),
  exclude: stringList.default([]).describe('packages to exclude from the transaction'),
  releasever: z.string().optional().describe('the $releasever to use for the repositories'),
  autoremove: yamlBool.default(false).describe('with state absent, also remove dependencies nothing else needs'),
  install_weak_deps: yamlBool.default(true).describe('install weak dependencies (Recommends)'),
  update_only: yamlBool.default(false).describe('with state latest, only upgrade packages already installed'),
  allow_downgrade: yamlBool.default(false).describe('allow a spec to select a version older than the installed one'),
  allowerasing: yamlBool.default(false).describe('allow erasing installed packages to resolve dependencies'),
  skip_broken: yamlBool.default(false).describe('skip packages with broken dependencies'),
  nobest: yamlBool.default(false).describe('do not insist on the best candidate'),
  cacheonly: yamlBool.default(false).describe('use only the local metadata cache'),
  sslverify: yamlBool.default(true).describe('check the TLS certificates of the repositories'),
  security: yamlBool.default(false).describe('with state latest, only security updates'),
  bugfix: yamlBool.default(false).describe('with state latest, only bugfix updates'),
  lock_timeout: yamlInt.default(30).describe('seconds to wait for the package manager lock held by another process'),
  use_backend: z.enum(['auto', 'yum', 'yum4', 'dnf', 'dnf4']).default('auto').describe('the package manager: auto prefers dnf and falls back to yum'),
}).strict().superRefine((a, ctx) => {
  for (const name of a.name) {
    if (name === '*') continue
    const spec = parseRpmSpec(name)
    if (typeof spec === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: spec })
    else if (spec.kind === 'file' && (a.state === 'absent' || a.state === 'removed')) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'Cannot remove paths -- please specify package name.' })
  }
  if (a.name.length === 0 && !a.update_cache) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'name is required unless update_cache is set' })
}), { pkg: 'name', 'expire-cache': 'update_cache' })

type Args = z.output<typeof schema>

/** A package change; for one a group brings, the group and what dnf does with it. */
type DnfChange = PackageChange & { readonly group?: { readonly pattern: string; readonly op: GroupOp } }

/** What yum/dnf read: the rpm state and, for `@group` names, dnf's preview per group. */
type DnfState = RpmState & { readonly groups?: readonly GroupPlan[] }

const state = (a: Args): 'present' | 'latest' | 'absent' => {
  const s = a.state ?? (a.autoremove ? 'absent' : 'present')
  return s === 'installed' ? 'present' : s === 'removed' ? 'absent' : s
}
const backend = (a: Args): string => (a.use_backend === 'yum' ? 'yum' : 'dnf')

/** The package manager and rpm options the arguments ask for, as words. */
function managerWords(a: Args): ManagerWords {
  const dnf = [
    ...a.disablerepo.map((r) => `--disablerepo=${r}`), ...a.enablerepo.map((r) => `--enablerepo=${r}`),
    ...(a.disable_gpg_check ? ['--nogpgcheck'] : []), ...(a.installroot === '/' ? [] : [`--installroot=${a.installroot}`]),
    ...(a.conf_file ? ['-c', a.conf_file] : []), ...a.exclude.map((e) => `--exclude=${e}`), ...(a.releasever ? [`--releasever=${a.releasever}`] : []),
    ...(a.install_weak_deps ? [] : ['--setopt=install_weak_deps=False']), ...(a.sslverify ? [] : ['--setopt=sslverify=False']),
    ...(a.cacheonly ? ['--cacheonly'] : []),
  ]
  return { dnf, rpm: a.installroot === '/' ? [] : ['--root', a.installroot] }
}

/** Whether an installed package satisfies a spec (for `name OP version`, the comparison holds). */
function satisfies(spec: RpmSpec, p: RpmPackage): boolean {
  if (spec.kind !== 'op') return true
  const c = compareEvr(p, { ...parseEvr(spec.version), ...(spec.version.includes('-') ? {} : { release: p.release }) })
  return { '>=': c >= 0, '<=': c <= 0, '>': c > 0, '<': c < 0, '=': c === 0, '==': c === 0 }[spec.op]
}

/** Whether an available package is one the spec would select: same name (or name.arch, or a NEVRA prefix). */
function offers(spec: RpmSpec, p: RpmPackage): boolean {
  if (spec.kind === 'op') return p.name === spec.name && satisfies(spec, p)
  const s = spec.spec
  if (/[*?]/.test(s)) return new RegExp(`^${s.replace(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`).test(p.name)
  return s === p.name || s === `${p.name}.${p.arch}` || (s.startsWith(`${p.name}-`) && `${p.name}-${evr(p)}.${p.arch}`.startsWith(s.replace(/^([^:]*-)0:/, '$1')))
}

const best = (packages: readonly RpmPackage[]): RpmPackage | undefined => [...packages].sort(compareEvr).at(-1)

/** Per spec, what dnf must do: the rules of Ansible's dnf module for present, latest and absent. */
function planChanges(a: Args, s: DnfState): DnfChange[] {
  // Ansible resolves every group first and fails on one that no group or environment matches.
  const groupPlans = s.groups ?? []
  const missing = groupPlans.find((g) => g.id === undefined)
  if (missing) throw new ModuleError(`No group ${missing.pattern} available.`, { results: [] })
  const changes: DnfChange[] = groupPlans.flatMap((g) => g.changes.map((c) => ({ ...c, group: { pattern: g.pattern, op: g.op } })))
  const failures: string[] = []
  const wanted = state(a)
  for (const name of a.name) {
    if (name === '*') continue
    const spec = parseRpmSpec(name) as RpmSpec
    if (spec.kind === 'group') continue
    if (spec.kind === 'file') {
      const header = s.files.get(spec.spec)!
      const current = s.installed.get(`@file ${spec.spec}`) ?? []
      if (current.some((p) => compareEvr(p, header) === 0)) continue
      const old = best(current)
      const kind = old === undefined ? 'install' : compareEvr(header, old) > 0 ? 'upgrade' : 'downgrade'
      changes.push({ kind, spec: spec.spec, name: header.name, arch: header.arch, ...(old ? { from: evr(old) } : {}), to: evr(header), summary: packageSummary(kind, header.name, old && evr(old), evr(header)) })
      continue
    }
    const current = (s.installed.get(queryKey(spec)) ?? []).filter((p) => satisfies(spec, p))
    const label = spec.kind === 'op' ? spec.name : current[0]?.name ?? spec.spec
    if (wanted === 'absent') {
      if (current.length) changes.push({ kind: 'remove', spec: spec.spec, name: label, arch: best(current)!.arch, from: evr(best(current)!), summary: packageSummary('remove', label, evr(best(current)!)) })
      continue
    }
    const offered = s.available === undefined ? undefined : best(s.available.filter((p) => offers(spec, p)))
    if (current.length === 0) {
      if (a.update_only && wanted === 'latest') continue
      if (s.available !== undefined && offered === undefined) {
        failures.push(`No package ${spec.spec} available.`)
        continue
      }
      // `name >= 2` with version 1 installed: dnf install replaces it, which is an upgrade (or downgrade).
      const previous = best(s.installed.get(queryKey(spec)) ?? [])
      const kind = previous === undefined ? 'install' : offered === undefined || compareEvr(offered, previous) > 0 ? 'upgrade' : 'downgrade'
      const pkg = offered?.name ?? label
      changes.push({ kind: kind === 'upgrade' && previous ? 'install' : kind, spec: spec.spec, name: pkg, ...(offered ? { arch: offered.arch, to: evr(offered) } : {}), ...(previous ? { from: evr(previous) } : {}), summary: packageSummary(kind, pkg, previous && evr(previous), offered && evr(offered)) })
      continue
    }
    const installed = best(current)!
    if (wanted === 'latest' && offered && compareEvr(offered, installed) > 0) {
      changes.push({ kind: 'upgrade', spec: spec.spec, name: installed.name, arch: offered.arch, from: evr(installed), to: evr(offered), summary: packageSummary('upgrade', installed.name, evr(installed), evr(offered)) })
    }
  }
  if (failures.length) throw new ModuleError('Failed to install some of the specified packages', { failures, results: [] })
  if (a.name.includes('*') && wanted === 'latest') {
    for (const u of s.updates ?? []) changes.push({ kind: 'upgrade', name: u.name, arch: u.arch, to: evr(u), summary: packageSummary('upgrade', u.name, undefined, evr(u)) })
  }
  return changes
}

/** The transactions for a plan: removals, installs, then upgrades, each waiting for the lock. */
function transactions(a: Args, changes: readonly DnfChange[]): Command[] {
  const words = managerWords(a).dnf
  const specs = (kind: PackageChange['kind']): string[] => changes.filter((c) => c.kind === kind && c.spec).map((c) => c.spec!)
  const filters = [...(a.security ? ['--security'] : []), ...(a.bugfix ? ['--bugfix'] : [])]
  const flags = [...(a.allowerasing ? ['--allowerasing'] : []), ...(a.skip_broken ? ['--skip-broken'] : []), ...(a.nobest ? ['--nobest'] : [])]
  const commands: Command[] = []
  const groups = new Map(changes.flatMap((c) => (c.group ? [[c.group.pattern, c.group.op] as const] : [])))
  for (const [pattern, op] of groups) commands.push(sh`"$pm" -y ${words} ${op === 'remove' ? [] : flags} group ${op} -- ${pattern}`)
  const remove = specs('remove')
  if (remove.length) commands.push(sh`"$pm" -y ${words} ${a.autoremove ? ['--setopt=clean_requirements_on_remove=True'] : []} remove -- ${remove}`)
  const install = [...specs('install'), ...specs('downgrade')]
  if (install.length) commands.push(sh`"$pm" -y ${words} ${flags} install -- ${install}`)
  const upgrade = specs('upgrade')
  if (upgrade.length) commands.push(sh`"$pm" -y ${words} ${flags} ${filters} upgrade -- ${upgrade}`)
  else if (a.name.includes('*') && changes.some((c) => c.kind === 'upgrade')) commands.push(sh`"$pm" -y ${words} ${flags} ${filters} upgrade`)
  return commands.map((c) => waitForLock(c, a.lock_timeout))
}

/** Ansible's `results`: every package installed (new versions included), then every one removed (old versions included). */
function resultLines(changes: readonly PackageChange[]): string[] {
  const label = (c: PackageChange, version: string | undefined): string => `${c.name}${version ? `-${version}` : ''}${version && c.arch ? `.${c.arch}` : ''}`
  const installed = changes.filter((c) => c.kind !== 'remove').map((c) => `Installed: ${label(c, c.to)}`)
  const removed = changes.filter((c) => c.kind === 'remove' || (c.from !== undefined && c.to !== undefined)).map((c) => `Removed: ${label(c, c.from)}`)
  return [...installed, ...removed]
}

/** yum and dnf share this implementation: rpm queries to gather, dnf (or yum) to apply. */
export function rpmPackageModule(name: 'dnf' | 'yum') {
  return defineModule({
    name,
    description: `manage RPM packages with ${name === 'dnf' ? 'dnf' : 'yum (dnf when present, as on current distributions)'}`,
    example: `- ${name}:\n    name: [nginx, curl]\n    state: latest\n    enablerepo: epel`,
    args: schema,

    async gather(ctx: ModuleContext, a: Args): Promise<DnfState> {
      const all = a.name.filter((n) => n !== '*').map((n) => parseRpmSpec(n) as RpmSpec)
      const specs = all.filter((p) => p.kind !== 'group')
      const patterns = all.flatMap((p) => (p.kind === 'group' ? [p.pattern] : []))
      // The group previews ride in the same round trip as the rpm queries.
      const extra = patterns.length ? { extra: groupProbe(patterns, managerWords(a).dnf, state(a)) } : {}
      const read = await readRpmState(ctx.conn, specs, managerWords(a), { backend: backend(a), latest: state(a) === 'latest' || specs.some((p) => p.kind === 'op'), all: a.name.includes('*') && state(a) === 'latest', refresh: a.update_cache, ...extra })
      return { ...read, groups: parseGroupProbe(read.extra ?? '') }
    },

    plan(a: Args, s: DnfState, ctx: ModuleContext): Plan<DnfChange> {
      const changes = planChanges(a, s)
      // Ansible reports each group it installed or upgraded, whether or not packages moved.
      const groups = (s.groups ?? []).filter((g) => g.op !== 'remove').map((g) => `Group ${g.id} ${g.op === 'upgrade' ? 'upgraded' : 'installed'}.`)
      const values = changes.length
        ? { results: [...groups, ...resultLines(changes)], rc: 0, msg: ctx.check ? 'Check mode: No changes made, but would have if not in check mode' : '' }
        : { results: groups, rc: 0, msg: a.name.length === 0 ? 'Cache updated' : 'Nothing to do' }
      return { changes, diff: packageDiff(changes), values }
    },

    async apply(ctx: ModuleContext, plan: Plan<DnfChange>, a: Args) {
      const commands = transactions(a, plan.changes)
      const result = await ctx.conn.exec(withManager(backend(a), and(...commands)), { allowFailure: true })
      if (result.exitCode !== 0) {
        throw new ModuleError(result.stderr.trim().split('\n').filter((l) => !l.startsWith('tsplay:')).join('\n') || `${name} failed with exit code ${result.exitCode}`, { rc: result.exitCode, results: [], stdout: result.stdout, stderr: result.stderr })
      }
      return { rc: 0, stdout: result.stdout, stderr: result.stderr }
    },
  })
}

/** Installs, upgrades and removes RPM packages with dnf, as Ansible's dnf module. */
export const dnf = rpmPackageModule('dnf')
