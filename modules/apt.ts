// - name: install nginx and curl, refreshing the package lists when older than an hour
//   apt:
//     name: [nginx, curl=7.88*]
//     state: present
//     update_cache: true
//     cache_valid_time: 3600
import { z } from 'zod'
import { type Command, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type ModuleContext, type Plan } from '../engine/module.js'
import { APT_ENV, type AptSpec, type AptState, CACHE_MTIME, parseAptSpec, parseAutoclean, readAptState, simulate, withPolicyRcD } from './lib/apt-state.js'
import { stringList, yamlBool, yamlInt } from './lib/args.js'
import { compareDebVersions } from './lib/dpkg.js'
import { type PackageChange, packageDiff, packageSummary, versionMatches, withAliases } from './lib/packages.js'
import { waitForLock } from './lib/pkg-lock.js'

const args = withAliases(z.object({
  name: stringList.default([]).describe("packages, as a list or comma-separated: 'foo', 'foo=1.0*' or 'foo>=1.0'; '*' with state latest upgrades all (aliases package, pkg)"),
  state: z.enum(['present', 'latest', 'absent', 'build-dep', 'fixed']).default('present').describe('present installs, latest also upgrades, absent removes, build-dep installs build dependencies, fixed repairs broken dependencies'),
  update_cache: yamlBool.optional().describe('run apt-get update first (alias update-cache)'),
  cache_valid_time: yamlInt.default(0).describe('refresh the package lists only when older than this many seconds (implies update_cache)'),
  update_cache_retries: yamlInt.default(5).describe('accepted for compatibility; the lock wait covers transient failures'),
  update_cache_retry_max_delay: yamlInt.default(12).describe('accepted for compatibility'),
  install_recommends: yamlBool.optional().describe("install recommended packages too; unset follows the host's apt configuration (alias install-recommends)"),
  deb: z.string().optional().describe('path on the host (or URL) of .deb files to install, comma-separated'),
  purge: yamlBool.default(false).describe('with state absent, also remove configuration files'),
  autoremove: yamlBool.default(false).describe('remove packages installed as dependencies that nothing needs any more'),
  autoclean: yamlBool.default(false).describe('without packages to install: delete cached .deb files that can no longer be downloaded (apt-get autoclean); done instead of autoremove when both are set, as in Ansible'),
  clean: yamlBool.default(false).describe("run apt-get clean (empty the downloaded .deb cache) before anything else; never reported as a change, as in ansible-core 2.14; tsplay skips it in check mode"),
  policy_rc_d: yamlInt.optional().describe('exit code of a /usr/sbin/policy-rc.d written for the duration of the apt-get run (101: packages start no services); an existing one is put back afterwards'),
  fail_on_autoremove: yamlBool.default(false).describe('fail instead of removing packages to satisfy the request (--no-remove)'),
  force: yamlBool.default(false).describe('pass --force-yes (dangerous)'),
  default_release: z.string().optional().describe('prefer packages from this release (apt-get -t; alias default-release)'),
  dpkg_options: z.string().default('force-confdef,force-confold').describe('comma-separated dpkg options, each passed as -o Dpkg::Options::=--OPTION'),
  only_upgrade: yamlBool.default(false).describe('only upgrade packages already installed'),
  upgrade: z.enum(['no', 'yes', 'safe', 'full', 'dist']).default('no').describe('upgrade installed packages: yes/safe (apt-get upgrade --with-new-pkgs), full/dist (dist-upgrade)'),
  allow_downgrade: yamlBool.default(false).describe('allow installing an older version than the installed one (aliases allow-downgrade, allow_downgrades)'),
  allow_unauthenticated: yamlBool.default(false).describe('install packages that cannot be authenticated (alias allow-unauthenticated)'),
  allow_change_held_packages: yamlBool.default(false).describe('allow changing held packages'),
  force_apt_get: yamlBool.default(false).describe('accepted for compatibility; tsplay always uses apt-get'),
  lock_timeout: yamlInt.default(60).describe('seconds to wait for the dpkg/apt lock held by another process before failing'),
}).strict().superRefine((a, ctx) => {
  for (const spec of a.name) {
    if (spec === '*') continue
    const parsed = parseAptSpec(spec)
    if (typeof parsed === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: parsed })
  }
  if (a.deb !== undefined && a.state !== 'present') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['deb'], message: 'deb only supports state=present' })
  if (a.name.includes('*') && a.name.length > 1) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'unable to install additional packages when upgrading all installed packages' })
}), { package: 'name', pkg: 'name', 'update-cache': 'update_cache', 'install-recommends': 'install_recommends', 'default-release': 'default_release', 'allow-downgrade': 'allow_downgrade', allow_downgrades: 'allow_downgrade', 'allow-downgrades': 'allow_downgrade', 'allow-unauthenticated': 'allow_unauthenticated' })

type Args = z.output<typeof args>

/** The apt-get words every transaction gets from the arguments (dpkg options, release, recommends, allow-*). */
function aptOptions(a: Args): string[] {
  const words = a.dpkg_options.split(',').filter(Boolean).flatMap((o) => ['-o', `Dpkg::Options::=--${o.trim()}`])
  if (a.force) words.push('--force-yes')
  if (a.autoremove) words.push('--auto-remove')
  if (a.fail_on_autoremove) words.push('--no-remove')
  if (a.default_release !== undefined) words.push('-t', a.default_release)
  if (a.install_recommends !== undefined) words.push('-o', `APT::Install-Recommends=${a.install_recommends ? 'yes' : 'no'}`)
  if (a.allow_unauthenticated) words.push('--allow-unauthenticated')
  if (a.allow_downgrade) words.push('--allow-downgrades')
  if (a.allow_change_held_packages) words.push('--allow-change-held-packages')
  return words
}

/** The apt-get command line for a planned set of changes; `simulate` adds -s (changes nothing). */
function aptCommand(a: Args, changes: readonly PackageChange[], simulated: boolean): Command | undefined {
  const s = simulated ? ['-s'] : []
  const specs = (kinds: PackageChange['kind'][]): string[] => changes.filter((c) => kinds.includes(c.kind) && c.spec).map((c) => c.spec!)
  if (a.state === 'absent') {
    const remove = specs(['remove', 'purge'])
    return remove.length ? sh`${APT_ENV} apt-get -q -y ${s} ${aptOptions(a)} ${a.purge ? ['--purge'] : []} remove -- ${remove}` : undefined
  }
  if (a.state === 'build-dep') return sh`${APT_ENV} apt-get -y ${s} ${aptOptions(a)} build-dep -- ${a.name}`
  const upgradeAll = changes.find((c) => c.kind === 'upgrade-all')
  if (upgradeAll) return sh`${APT_ENV} apt-get -y ${s} ${aptOptions(a)} ${upgradeAll.spec === 'dist' ? ['dist-upgrade'] : ['upgrade', '--with-new-pkgs']}`
  const install = specs(['install', 'upgrade', 'downgrade'])
  if (install.length) {
    const flags = [...(a.only_upgrade ? ['--only-upgrade'] : []), ...(a.state === 'fixed' ? ['--fix-broken'] : [])]
    return sh`${APT_ENV} apt-get -y ${s} ${aptOptions(a)} ${flags} install -- ${install}`
  }
  if (changes.some((c) => c.kind === 'autoremove')) return sh`${APT_ENV} apt-get -y ${s} ${aptOptions(a)} autoremove`
  // Ansible's cleanup(): dpkg options, --purge and --force-yes only.
  const dpkg = a.dpkg_options.split(',').filter(Boolean).flatMap((o) => ['-o', `Dpkg::Options::=--${o.trim()}`])
  if (changes.some((c) => c.kind === 'autoclean')) return sh`${APT_ENV} apt-get -y ${s} ${dpkg} ${a.purge ? ['--purge'] : []} ${a.force ? ['--force-yes'] : []} autoclean`
  return undefined
}

/** The best version apt would install for a spec, as Ansible's package_best_match; null when there is none. */
function bestVersion(spec: AptSpec, state: AptState): string | null {
  // apt-cache policy heads `libc6:amd64` as plain `libc6:`.
  const policy = state.policy.get(spec.name) ?? state.policy.get(spec.name.replace(/:.*$/, ''))
  if (!policy) return null
  if (spec.op === '=') return policy.versions.filter((v) => versionMatches(v, spec.version!)).sort(compareDebVersions).at(-1) ?? null
  return policy.candidate
}

/** Decide, per package, what must happen: the same rules as Ansible's apt `install()` and `remove()`. */
function packageChanges(a: Args, state: AptState, willUpdate: boolean): PackageChange[] {
  const changes: PackageChange[] = []
  for (const raw of a.name) {
    if (raw === '*') continue
    const spec = parseAptSpec(raw) as AptSpec
    const dpkg = state.dpkg.get(spec.name)
    const installed = dpkg?.installed ? dpkg.version : undefined
    const matches = installed !== undefined && (spec.op === '=' ? versionMatches(installed, spec.version!) : spec.op === '>=' ? compareDebVersions(installed, spec.version!) >= 0 : true)
    if (a.state === 'absent') {
      if (matches || (dpkg?.hasFiles && a.purge)) changes.push({ kind: a.purge ? 'purge' : 'remove', spec: spec.spec, name: spec.name, ...(dpkg?.version ? { from: dpkg.version } : {}), summary: packageSummary(a.purge ? 'purge' : 'remove', spec.name, dpkg?.version) })
      continue
    }
    if (installed === undefined && a.only_upgrade) continue
    const best = bestVersion(spec, state)
    const installable = best !== null && best !== installed && (spec.op !== '>=' || compareDebVersions(best, spec.version!) >= 0) ? best : null
    if (!matches && installable === null) {
      // A refresh planned before the install may bring the candidate; apt-get says so if it does not.
      if (willUpdate) changes.push({ kind: 'install', spec: spec.spec, name: spec.name, summary: packageSummary('install', spec.name, undefined, spec.version) })
      else throw new ModuleError(`no available installation candidate for ${spec.spec}`)
      continue
    }
    if (installable !== null && (installed === undefined || !matches || a.state === 'latest')) {
      const kind = installed === undefined ? 'install' : compareDebVersions(installable, installed) > 0 ? 'upgrade' : 'downgrade'
      changes.push({ kind, spec: `${spec.name}=${installable}`, name: spec.name, ...(installed ? { from: installed } : {}), to: installable, summary: packageSummary(kind, spec.name, installed, installable) })
    }
  }
  for (const deb of state.debs) {
    const dpkg = state.dpkg.get(deb.name)
    if (dpkg?.installed && compareDebVersions(dpkg.version, deb.version) === 0) continue
    const kind = !dpkg?.installed ? 'install' : compareDebVersions(deb.version, dpkg.version) > 0 ? 'upgrade' : 'downgrade'
    changes.push({ kind, spec: deb.path, name: deb.name, ...(dpkg?.installed ? { from: dpkg.version } : {}), to: deb.version, summary: packageSummary(kind, deb.name, dpkg?.installed ? dpkg.version : undefined, deb.version) })
  }
  return changes
}

/** Whether the package lists must be refreshed: asked for, and older than cache_valid_time (0 = always). */
const cacheStale = (a: Args, s: AptState): boolean => (a.update_cache === true || a.cache_valid_time > 0) && s.cacheMtime + a.cache_valid_time < s.now

/** Changes apt makes on its own (dependencies, autoremovals) as the simulation shows them. */
function consequences(planned: readonly PackageChange[], s: AptState): PackageChange[] {
  if (!s.simulation) return []
  const named = new Set(planned.map((c) => c.name))
  // Under a whole-system operation every package is its doing; otherwise the extra ones are dependencies.
  const note = planned.some((c) => SYSTEM_WIDE.includes(c.kind)) ? '' : ' (dependency)'
  const extra: PackageChange[] = []
  for (const p of [...s.simulation.install, ...s.simulation.upgrade]) {
    if (named.has(p.name)) continue
    const summary = `${packageSummary(p.from ? 'upgrade' : 'install', p.name, p.from, p.to)}${note}`
    extra.push({ kind: 'dependency', name: p.name, ...(p.from ? { from: p.from } : {}), ...(p.to ? { to: p.to } : {}), summary })
  }
  for (const p of [...s.simulation.remove, ...s.simulation.purge]) {
    const kind = s.simulation.purge.includes(p) ? 'purge' : 'remove'
    if (!named.has(p.name)) extra.push({ kind, name: p.name, ...(p.from ? { from: p.from } : {}), summary: packageSummary(kind, p.name, p.from) })
  }
  return extra
}

const SYSTEM_WIDE: readonly PackageChange['kind'][] = ['upgrade-all', 'autoremove', 'build-dep']

/** Ansible runs autoclean only when nothing else was asked for (its update_cache, upgrade and deb paths exit first). */
const wantsAutoclean = (a: Args): boolean => a.autoclean && a.name.length === 0 && !a.deb && a.upgrade === 'no' && !a.update_cache && a.cache_valid_time === 0

/** What the arguments ask for against the host's state, before apt-get has worked out dependencies. */
function wantedChanges(a: Args, s: AptState): PackageChange[] {
  const changes = ['present', 'latest', 'absent', 'fixed'].includes(a.state) ? packageChanges(a, s, cacheStale(a, s)) : []
  if (a.name.includes('*') && a.state === 'latest') changes.push({ kind: 'upgrade-all', spec: 'yes', summary: 'upgrade all packages' })
  else if (a.upgrade !== 'no') changes.push({ kind: 'upgrade-all', spec: a.upgrade === 'full' || a.upgrade === 'dist' ? 'dist' : 'yes', summary: `upgrade all packages (${a.upgrade})` })
  if (wantsAutoclean(a)) {
    for (const p of parseAutoclean(s.autocleanOutput ?? '')) changes.push({ kind: 'autoclean', name: p.name, from: p.version, summary: `delete the cached archive of ${p.name} ${p.version}` })
  } else if (a.autoremove && a.name.length === 0 && !a.deb) changes.push({ kind: 'autoremove', summary: 'remove packages nothing depends on any more' })
  if (a.state === 'build-dep') changes.push({ kind: 'build-dep', summary: `install the build dependencies of ${a.name.join(', ')}` })
  return changes
}

/** Installs, upgrades and removes Debian packages with apt-get, as Ansible's apt module. */
export const apt = defineModule({
  name: 'apt',
  description: 'manage Debian packages with apt-get (install, upgrade, remove, refresh the package lists)',
  example: "- apt:\n    name: [nginx, curl]\n    update_cache: true\n    cache_valid_time: 3600",
  args,

  async gather(ctx: ModuleContext, a: Args): Promise<AptState> {
    const specs = a.name.filter((n) => n !== '*').map((n) => parseAptSpec(n) as AptSpec)
    const debs = (a.deb ?? '').split(',').map((d) => d.trim()).filter(Boolean)
    const alwaysPolicy = a.state !== 'absent' && (a.state === 'latest' || specs.some((s) => s.op !== undefined))
    // Ansible cleans first, whatever else the task does, and never counts it as a change: so it happens here,
    // before the state is read (and, unlike ansible-core, not in check mode, which changes nothing); a write, so
    // not on gather's read-only view.
    if (a.clean && !ctx.check) {
      const clean = await ctx.conn.with({ reads: false }).exec(sh`${APT_ENV} apt-get clean`, { allowFailure: true })
      if (clean.exitCode !== 0 || clean.stderr.trim()) throw new ModuleError(`apt-get clean failed${clean.stderr.trim() ? `: ${clean.stderr.trim()}` : ''}`, { rc: clean.exitCode, stdout: clean.stdout })
    }
    const clock = a.update_cache === true || a.cache_valid_time > 0
    let state = await readAptState(ctx.conn, specs, debs, { alwaysPolicy, clock, ...(a.default_release === undefined ? {} : { defaultRelease: a.default_release }) })
    if (wantsAutoclean(a)) {
      const { output } = await simulate(ctx.conn, aptCommand(a, [{ kind: 'autoclean', summary: '' }], true)!)
      state = { ...state, autocleanOutput: output }
    }
    const changes = wantedChanges(a, state).filter((c) => c.kind !== 'autoclean')
    // Whole-system operations are only known to change something once apt-get has worked them out.
    const mustSimulate = changes.some((c) => SYSTEM_WIDE.includes(c.kind))
    const command = changes.length ? aptCommand(a, changes, true) : undefined
    if (command && (mustSimulate || ((ctx.check || ctx.diff) && !cacheStale(a, state)))) {
      const { simulation, output } = await simulate(ctx.conn, command)
      return { ...state, simulation, simulationOutput: output }
    }
    return state
  },

  plan(a: Args, s: AptState): Plan<PackageChange> {
    let changes = wantedChanges(a, s)
    const sim = s.simulation
    if (sim && sim.install.length + sim.upgrade.length + sim.remove.length + sim.purge.length === 0) changes = changes.filter((c) => !SYSTEM_WIDE.includes(c.kind))
    changes.push(...consequences(changes, s))
    const nothingElse = a.name.length === 0 && !a.deb && a.upgrade === 'no' && !a.autoremove
    const update = cacheStale(a, s) && (changes.length > 0 || nothingElse)
    if (update) changes.unshift({ kind: 'update-cache', summary: 'update the apt package lists' })
    const stdout = s.autocleanOutput ?? s.simulationOutput
    return { changes, diff: packageDiff(changes.filter((c) => c.kind !== 'autoclean')), values: { cache_updated: update, cache_update_time: s.cacheMtime, ...(stdout === undefined ? {} : { stdout, stdout_lines: stdout.split('\n').filter(Boolean) }) } }
  },

  async apply(ctx: ModuleContext, plan: Plan<PackageChange>, a: Args) {
    const values: Record<string, unknown> = {}
    let stdout = ''
    let stderr = ''
    if (plan.changes.some((c) => c.kind === 'update-cache')) {
      const before = await ctx.conn.exec(CACHE_MTIME)
      const update = await ctx.conn.exec(sh`${raw(waitForLock(sh`${APT_ENV} apt-get -q update`, a.lock_timeout))}; rc=$?; echo; ${raw(CACHE_MTIME)}; exit $rc`, { allowFailure: true })
      const after = update.stdout.trim().split('\n').at(-1)!.trim()
      if (update.exitCode !== 0) throw new ModuleError(`failed to update apt cache: ${update.stderr.trim()}`, { rc: update.exitCode, stdout: update.stdout, stderr: update.stderr })
      values.cache_updated = after !== before.stdout.trim()
      values.cache_update_time = Number(after)
    }
    const command = aptCommand(a, plan.changes, false)
    if (command) {
      const names = plan.changes.filter((c) => c.spec !== undefined && c.name !== undefined && ['install', 'upgrade', 'downgrade'].includes(c.kind) && !c.spec.includes('/')).map((c) => c.name!)
      // Ansible marks what the task names as manually installed, so a later autoremove keeps it.
      const mark = names.length && a.state !== 'build-dep' ? sh` && apt-mark manual -- ${names} >/dev/null` : sh``
      const result = await ctx.conn.exec(sh`${raw(withPolicyRcD(waitForLock(command, a.lock_timeout), a.policy_rc_d))}${raw(mark)}`, { allowFailure: true })
      stdout = result.stdout
      stderr = result.stderr
      if (result.exitCode !== 0) throw new ModuleError(`'${command}' failed: ${result.stderr.trim()}`, { rc: result.exitCode, stdout, stderr })
      // Ansible judges autoclean by what it printed, as the simulation did.
      if (plan.changes.every((c) => c.kind === 'autoclean') && parseAutoclean(stdout).length === 0) return { stdout, stderr, stdout_lines: stdout.split('\n').filter(Boolean), changed: false }
    }
    // A refresh alone is a change only when the lists moved, as Ansible judges update_cache.
    if (!command && values.cache_updated === false) return { ...values, changed: false }
    return { ...values, stdout, stderr, stdout_lines: stdout.split('\n').filter(Boolean) }
  },
})
