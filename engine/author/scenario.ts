// A test scenario (tests/scenario.yml of a role, or --scenario FILE): how many lab hosts, their distribution and
// groups, the variables every step gets, and which verify playbook runs at the end.
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { didYouMean } from '../errors.js'
import { errorAt, loadYaml, nodeLocation, type SourceFile } from '../yaml/index.js'

/** The distributions the lab can boot today. */
export const LAB_DISTRIBUTIONS = ['debian-bookworm'] as const

/** A scenario with every field filled in. */
export interface Scenario {
  readonly hosts: number
  readonly distribution: string
  readonly groups: readonly string[]
  readonly vars: Readonly<Record<string, unknown>>
  /** Absolute path of the verify playbook (or task list), when there is one. */
  readonly verify: string | undefined
  /** The scenario file, when one was read. */
  readonly file: string | undefined
}

const KEYS = ['hosts', 'distribution', 'groups', 'vars', 'verify']
/** The most hosts one test may take: enough for a three-node cluster and some workers. */
export const MAX_TEST_HOSTS = 10

/** Read `file` (absent: the defaults); `verifyDefault` is used when the file names no verify playbook. */
export function loadScenario(file: string | undefined, verifyDefault: string | undefined): Scenario {
  const fallbackVerify = verifyDefault !== undefined && existsSync(verifyDefault) ? resolve(verifyDefault) : undefined
  if (file === undefined) return { hosts: 1, distribution: LAB_DISTRIBUTIONS[0], groups: [], vars: {}, verify: fallbackVerify, file: undefined }
  const src = loadYaml(file)
  const data = (src.doc.toJS() ?? {}) as unknown
  const at = (key: string | undefined, message: string): Error => errorAt(src, key === undefined ? nodeLocation(src, src.doc.contents) : locateValue(src, key), message)
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw at(undefined, 'a scenario is a mapping of hosts, distribution, groups, vars and verify')
  const record = data as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!KEYS.includes(key)) {
      const hint = didYouMean(key, KEYS)
      throw at(key, `unknown scenario key '${key}'${hint ? ` (did you mean '${hint}'?)` : ` (expected ${KEYS.join(', ')})`}`)
    }
  }
  const hosts = record['hosts'] ?? 1
  if (!Number.isInteger(hosts) || (hosts as number) < 1 || (hosts as number) > MAX_TEST_HOSTS) throw at('hosts', `hosts: expected a whole number from 1 to ${MAX_TEST_HOSTS}, got ${JSON.stringify(hosts)}`)
  const distribution = String(record['distribution'] ?? LAB_DISTRIBUTIONS[0])
  if (!(LAB_DISTRIBUTIONS as readonly string[]).includes(distribution)) {
    throw at('distribution', `distribution '${distribution}': the lab can provide ${LAB_DISTRIBUTIONS.join(', ')} (no other root file system can be bootstrapped on this machine)`)
  }
  const groups = record['groups'] ?? []
  if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(g))) throw at('groups', 'groups: expected a list of group names')
  const vars = record['vars'] ?? {}
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) throw at('vars', 'vars: expected a mapping of variable names to values')
  const verifyPath = record['verify']
  if (verifyPath !== undefined && typeof verifyPath !== 'string') throw at('verify', 'verify: expected the path of a playbook')
  const verify = verifyPath === undefined ? fallbackVerify : resolve(dirname(file), verifyPath)
  if (verify !== undefined && !existsSync(verify)) throw at('verify', `verify: ${verifyPath}: no such file`)
  return { hosts: hosts as number, distribution, groups: groups as string[], vars: vars as Record<string, unknown>, verify, file: resolve(file) }
}

function locateValue(src: SourceFile, key: string): ReturnType<typeof nodeLocation> {
  return nodeLocation(src, src.doc.get(key, true) as Parameters<typeof nodeLocation>[1])
}
