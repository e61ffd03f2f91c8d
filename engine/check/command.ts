// `tsplay check PLAYBOOK... [-i INVENTORY] [-e VARS] [--format text|json|github|sarif]`.
import { readFileSync } from 'node:fs'
import minimist from 'minimist'
import { UsageError } from '../errors.js'
import type { ConfiguredPaths } from '../load/index.js'
import { parseExtraVars } from '../vars/index.js'
import { parseYaml } from '../yaml/index.js'
import { checkPlaybooks } from './check.js'
import { FORMATS, formatProblems, type Format } from './format.js'

/** Exit codes: 0 nothing found; 4 an error (as ansible-playbook's for a playbook that does not load); 1 only warnings. */
export const CHECK_EXIT = { clean: 0, warnings: 1, errors: 4 } as const

/** What the CLI knows besides the arguments: ansible.cfg's paths and inventory, how to set up vault secrets. */
export interface CheckEnvironment {
  readonly version?: string
  readonly paths?: ConfiguredPaths
  /** The configured inventory, used when no `-i` is given. */
  readonly inventory?: readonly string[]
  /** Set up vault secrets from `--vault-id`, `--vault-password-file`, `--ask-vault-pass`, as a run does. */
  readonly useVault?: (options: Record<string, unknown>) => Promise<void>
}

/** Run `tsplay check` with its arguments (after `check`); writes the report to `out` and returns the exit code. */
export async function checkCommand(args: readonly string[], out: (s: string) => void, env: CheckEnvironment = {}): Promise<number> {
  const o = minimist([...args], {
    string: ['inventory', 'format', 'extra-vars', 'vault-id', 'vault-password-file'],
    boolean: ['ask-vault-pass'],
    alias: { i: 'inventory', e: 'extra-vars', J: 'ask-vault-pass' },
    unknown: (a) => (a.startsWith('-') ? unknownOption(a) : true),
  })
  const playbooks = o._.map(String)
  if (playbooks.length === 0) throw new UsageError('check: expected a playbook to check')
  const format = (o['format'] ?? 'text') as Format
  if (!FORMATS.includes(format)) throw new UsageError(`check: --format must be one of ${FORMATS.join(', ')}, got '${String(o['format'])}'`)
  const extraVars = Object.assign({}, ...[o['extra-vars'] ?? []].flat().map((e: unknown) => parseExtraVars(String(e), (p) => readFileSync(p, 'utf8'), (text, origin) => parseYaml(text, origin).doc.toJS() as unknown)))
  await env.useVault?.(o)
  const given = [o['inventory'] ?? []].flat().map(String)
  const problems = checkPlaybooks(playbooks, { inventory: given.length > 0 ? given : (env.inventory ?? []), extraVars, ...(env.paths ? { configured: env.paths } : {}) })
  out(formatProblems(problems, format, env.version))
  if (problems.some((p) => p.severity === 'error')) return CHECK_EXIT.errors
  return problems.length > 0 ? CHECK_EXIT.warnings : CHECK_EXIT.clean
}

function unknownOption(option: string): never {
  throw new UsageError(`check: unknown option '${option}'`)
}
