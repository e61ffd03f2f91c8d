import type { Connection } from '../connection/index.js'
import { ModuleError } from '../errors.js'
import { cpuFacts, dmiFacts, dmiStrings, memoryFacts, mountFacts } from './hardware.js'
import { packageManagerFacts, serviceManagerFacts, virtualizationFacts } from './managers.js'
import { networkFacts } from './network.js'
import { pythonFacts } from './python.js'
import { factScript, splitSections, type FactGroup, type Sections } from './script.js'
import { dateTimeFacts, distributionFacts, envFacts, platformFacts, systemFacts, userFacts, type Facts } from './system.js'

const MIN: readonly FactGroup[] = ['platform', 'python', 'distribution', 'user', 'env', 'date_time', 'system', 'service']

// gather_subset names (Ansible's subsets and its collector names) and the script groups that produce them.
const SUBSETS: Readonly<Record<string, readonly FactGroup[]>> = {
  all: [...MIN, 'hardware', 'dmi', 'virtual', 'network'],
  min: MIN,
  hardware: ['hardware', 'dmi'],
  devices: ['hardware'],
  mounts: ['hardware'],
  dmi: ['dmi'],
  network: ['network'],
  interfaces: ['network'],
  virtual: ['virtual', 'dmi'],
  platform: ['platform'],
  distribution: ['distribution'],
  lsb: ['distribution'],
  os_release: ['distribution'],
  user: ['user'],
  env: ['env'],
  date_time: ['date_time'],
  cmdline: ['system'],
  dns: ['system'],
  fips: ['system'],
  apparmor: ['system'],
  selinux: ['system'],
  service_mgr: ['service'],
  pkg_mgr: ['service', 'distribution'],
  facter: [],
  ohai: [],
  python: ['python'],
  local: [],
  caps: [],
  ssh_pub_keys: [],
  chroot: [],
}

/**
 * The script groups for a `gather_subset` list, as Ansible reads it: names add, `!name` removes, `min` is
 * always in unless `!min`, and a list of only exclusions starts from `all`. Unknown names are a ModuleError.
 */
export function resolveSubset(given: readonly string[] = ['all']): Set<FactGroup> {
  const subset = given.flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '')
  const positive = subset.filter((s) => !s.startsWith('!'))
  const negative = subset.filter((s) => s.startsWith('!')).map((s) => s.slice(1))
  for (const name of [...positive, ...negative]) {
    if (!Object.hasOwn(SUBSETS, name)) throw new ModuleError(`gather_subset: unknown subset '${name}' (known: ${Object.keys(SUBSETS).join(', ')})`)
  }
  const wanted = positive.length > 0 ? positive : negative.includes('all') ? [] : ['all']
  const groups = new Set<FactGroup>(wanted.flatMap((name) => SUBSETS[name]!))
  const excluded = new Set<FactGroup>(negative.filter((n) => n !== 'all' && n !== 'min').flatMap((n) => SUBSETS[n]!))
  for (const g of excluded) groups.delete(g)
  if (!negative.includes('min')) for (const g of MIN) groups.add(g)
  // pkg_mgr needs the distribution, and virtualization reads the DMI strings.
  if (groups.has('service')) groups.add('distribution')
  if (groups.has('virtual')) groups.add('dmi')
  return groups
}

/**
 * Gather facts in one round trip: returns `ansible_facts` with Ansible's names, without the `ansible_`
 * prefix (`distribution`, `os_family`, `default_ipv4`, …). `subset` follows `gather_subset`; `interpreter` is
 * the host's `ansible_python_interpreter`, the Python `ansible_python` describes (discovered when unset).
 */
export async function gatherFacts(conn: Connection, subset?: readonly string[], interpreter?: string): Promise<Record<string, unknown>> {
  const groups = resolveSubset(subset)
  const result = await conn.exec(factScript(groups, interpreter))
  return { ...parseFacts(splitSections(result.stdout), groups), gather_subset: [...(subset ?? ['all'])], module_setup: true }
}

/** Turn the script's sections into facts; pure, so it is tested on output captured from real hosts. */
export function parseFacts(s: Sections, groups: ReadonlySet<FactGroup>): Facts {
  const facts: Facts = {}
  const platform = platformFacts(s)
  const { python, python_version: pythonVersion } = pythonFacts(s)
  if (groups.has('platform')) Object.assign(facts, platform, pythonVersion === undefined ? {} : { python_version: pythonVersion })
  if (groups.has('python') && python !== undefined) facts.python = python
  const distribution = groups.has('distribution') ? distributionFacts(s) : {}
  Object.assign(facts, distribution)
  if (groups.has('user')) Object.assign(facts, userFacts(s))
  if (groups.has('env')) Object.assign(facts, envFacts(s))
  if (groups.has('date_time')) Object.assign(facts, dateTimeFacts(s))
  if (groups.has('system')) Object.assign(facts, systemFacts(s))
  if (groups.has('service')) Object.assign(facts, serviceManagerFacts(s), packageManagerFacts(s, distribution))
  const dmi = dmiStrings(s)
  if (groups.has('hardware')) Object.assign(facts, cpuFacts(s, String(platform.architecture ?? '')), memoryFacts(s), mountFacts(s), dmiFacts(dmi))
  if (groups.has('virtual')) Object.assign(facts, virtualizationFacts(s, dmi))
  if (groups.has('network')) Object.assign(facts, networkFacts(s))
  return facts
}
