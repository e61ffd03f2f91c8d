import type { AnyModule } from '../engine/module.js'
import { add_host } from './add_host.js'
import { apt } from './apt.js'
import { apt_key } from './apt_key.js'
import { apt_repository } from './apt_repository.js'
import { authorized_key } from './authorized_key.js'
import { blockinfile } from './blockinfile.js'
import { archive } from './archive.js'
import { assert } from './assert.js'
import { async_status } from './async_status.js'
import { command } from './command.js'
import { cron } from './cron.js'
import { copy } from './copy.js'
import { fetch } from './fetch.js'
import { deb822_repository } from './deb822_repository.js'
import { debug } from './debug.js'
import { dpkg_selections } from './dpkg_selections.js'
import { fail } from './fail.js'
import { dnf } from './dnf.js'
import { file } from './file.js'
import { find } from './find.js'
import { group_by } from './group_by.js'
import { include_vars } from './include_vars.js'
import { ini_file } from './ini_file.js'
import { get_url } from './get_url.js'
import { getent } from './getent.js'
import { git } from './git.js'
import { group } from './group.js'
import { hostname } from './hostname.js'
import { lineinfile } from './lineinfile.js'
import { modprobe } from './modprobe.js'
import { mount } from './mount.js'
import { packageModule } from './package.js'
import { pam_limits } from './pam_limits.js'
import { alternatives } from './alternatives.js'
import { assemble } from './assemble.js'
import { capabilities } from './capabilities.js'
import { debconf } from './debconf.js'
import { locale_gen } from './locale_gen.js'
import { package_facts } from './package_facts.js'
import { pause } from './pause.js'
import { ping } from './ping.js'
import { raw } from './raw.js'
import { reboot } from './reboot.js'
import { replace } from './replace.js'
import { script } from './script.js'
import { service } from './service.js'
import { set_fact } from './set_fact.js'
import { service_facts } from './service_facts.js'
import { setup } from './setup.js'
import { shell } from './shell.js'
import { slurp } from './slurp.js'
import { stat } from './stat.js'
import { sysctl } from './sysctl.js'
import { systemd } from './systemd.js'
import { tempfile } from './tempfile.js'
import { template } from './template.js'
import { timezone } from './timezone.js'
import { unarchive } from './unarchive.js'
import { uri } from './uri.js'
import { user } from './user.js'
import { validate_argument_spec } from './validate_argument_spec.js'
import { wait_for } from './wait_for.js'
import { wait_for_connection } from './wait_for_connection.js'
import { yum } from './yum.js'
import { yum_repository } from './yum_repository.js'

/**
 * Every module tsplay knows, by the name used in YAML. Explicit on purpose: a new module is one file
 * plus one line here. Fully qualified names (`ansible.builtin.file`) resolve through `resolveModuleName`.
 */
export const builtinModules: Readonly<Record<string, AnyModule>> = {
  // files (modules/*.ts owned by the files work)
  archive,
  blockinfile,
  copy,
  fetch,
  file,
  find,
  get_url,
  ini_file,
  lineinfile,
  replace,
  slurp,
  stat,
  template,
  tempfile,
  unarchive,
  uri,
  // system, packages and commands
  authorized_key,
  cron,
  apt,
  apt_key,
  apt_repository,
  deb822_repository,
  dpkg_selections,
  dnf,
  yum,
  yum_repository,
  package: packageModule,
  command,
  raw,
  script,
  shell,
  systemd,
  service,
  systemd_service: systemd,
  sysctl,
  modprobe,
  group,
  user,
  hostname,
  mount,
  reboot,
  wait_for,
  wait_for_connection,
  ping,
  getent,
  git,
  timezone,
  pam_limits,
  alternatives,
  assemble,
  capabilities,
  debconf,
  locale_gen,
  // logic
  add_host,
  assert,
  async_status,
  debug,
  fail,
  group_by,
  include_vars,
  pause,
  set_fact,
  validate_argument_spec,
  // facts
  setup,
  package_facts,
  service_facts,
}

/** Collection prefixes accepted in front of a module name, as aliases. */
const COLLECTIONS = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.', 'community.crypto.']

/** The builtin name for a YAML key (`ansible.posix.sysctl` → `sysctl`), or undefined when unknown. */
export function resolveModuleName(key: string): string | undefined {
  const prefix = COLLECTIONS.find((c) => key.startsWith(c))
  const name = prefix ? key.slice(prefix.length) : key
  return Object.hasOwn(builtinModules, name) ? name : undefined
}

export { validateArgumentSpec, yamlTypeName, type ArgumentSpec, type OptionSpec, type TypeNamer, type ValidationResult } from './lib/argument-spec.js'
export { asyncDir, jobFile, openControllerJob, startCommandJob, writeJobResult, type StartedJob } from './lib/async-job.js'
export { statusResult } from './async_status.js'
