// `tsplay test ROLE_DIR_OR_PLAYBOOK [--keep] [--hosts N] [--scenario FILE]`: a role or playbook on fresh lab hosts,
// as Molecule's default scenario runs it: create, converge, idempotence, check, verify, destroy.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative, resolve } from 'node:path'
import minimist from 'minimist'
import { UsageError } from '../errors.js'
import { loadYaml } from '../yaml/index.js'
import { runOnce, type RunRequest } from './converge.js'
import { claimTestHosts, type TestHosts } from './hosts.js'
import { liveDisplay, plainDisplay, stepLine } from './progress.js'
import { loadScenario, MAX_TEST_HOSTS, type Scenario } from './scenario.js'
import { count, requireNoChange, requireSuccess, runSteps, type PlannedStep, type StepResult } from './steps.js'

const USAGE = `usage: tsplay test ROLE_DIR | PLAYBOOK [--keep] [--hosts N] [--scenario FILE]
  steps: create (fresh lab hosts) → converge → idempotence (a second run changes nothing) → check (--check
  predicts nothing) → verify (tests/verify.yml) → destroy (unless --keep)
  --hosts N          how many lab hosts (default: the scenario's hosts, else 1)
  --scenario FILE    hosts, distribution, groups, vars and verify (default: ROLE_DIR/tests/scenario.yml)
  --keep             leave the hosts running after the test (tsplay lab ssh NAME to look around)
  hosts come from lab101-lab200, or the range TSPLAY_TEST_HOSTS=FIRST-LAST names`

/** What is under test: a role (a converge play is generated) or a playbook (run as it is). */
interface Target {
  readonly kind: 'role' | 'playbook'
  /** Absolute path of the role directory or playbook. */
  readonly path: string
  readonly scenario: Scenario
}

function resolveTarget(path: string, scenarioFile: string | undefined): Target {
  if (!existsSync(path)) throw new UsageError(`test: ${path}: no such role directory or playbook`)
  if (statSync(path).isDirectory()) {
    if (!existsSync(join(path, 'tasks'))) throw new UsageError(`test: ${path}: not a role (no tasks/ directory)`)
    const own = join(path, 'tests', 'scenario.yml')
    const scenario = loadScenario(scenarioFile ?? (existsSync(own) ? own : undefined), join(path, 'tests', 'verify.yml'))
    return { kind: 'role', path: resolve(path), scenario }
  }
  const sibling = join(dirname(path), 'tests', 'verify.yml')
  return { kind: 'playbook', path: resolve(path), scenario: loadScenario(scenarioFile, sibling) }
}

/** A verify file that is a task list runs inside a generated play; a playbook runs as it is. */
function verifyPlaybook(verify: string, work: string): string {
  const data = loadYaml(verify).doc.toJS() as unknown
  const isPlaybook = Array.isArray(data) && data.length > 0 && data.every((p) => typeof p === 'object' && p !== null && ('hosts' in p || 'import_playbook' in p || 'ansible.builtin.import_playbook' in p))
  if (isPlaybook) return verify
  const file = join(work, 'verify.yml')
  writeFileSync(file, JSON.stringify([{ name: 'verify', hosts: 'all', gather_facts: false, tasks: [{ import_tasks: verify }] }], null, 2))
  return file
}

const shown = (path: string): string => relative('.', path) || '.'

/** The steps for `target` on `hosts`; runs use `work` for their generated files. */
function plan(target: Target, hosts: TestHosts, work: string, keep: boolean): PlannedStep[] {
  const inventory = join(work, 'inventory.ini')
  let converge = target.path
  if (target.kind === 'role') {
    converge = join(work, 'converge.yml')
    writeFileSync(converge, JSON.stringify([{ name: `converge ${basename(target.path)}`, hosts: 'all', roles: [{ role: basename(target.path) }] }], null, 2))
  }
  // the role by its name, found first in its own parent folder: reports say `demo : task` as a play using it would
  const rolesPath = target.kind === 'role' ? [dirname(target.path)] : []
  const request = (playbook: string, check: boolean, progress: (t: string) => void): RunRequest => ({ playbook, inventory, check, extraVars: target.scenario.vars, rolesPath, onTask: progress })
  const { verify } = target.scenario
  return [
    {
      name: 'create',
      body: async () => {
        writeFileSync(inventory, hosts.inventory(target.scenario.groups))
        await hosts.create()
        return `${hosts.names.join(', ')} booted fresh (${target.scenario.distribution})`
      },
    },
    { name: 'converge', body: async (progress) => requireSuccess(await runOnce(request(converge, false, progress)), 'converge') },
    {
      name: 'idempotence',
      body: async (progress) => {
        const outcome = await runOnce(request(converge, false, progress))
        requireSuccess(outcome, 'the second run')
        requireNoChange(outcome, 'not idempotent: the second run changed')
        return `second run: ${count(outcome.tasks, 'task')}, nothing changed`
      },
    },
    {
      name: 'check',
      body: async (progress) => {
        const outcome = await runOnce(request(converge, true, progress))
        requireSuccess(outcome, '--check')
        requireNoChange(outcome, '--check on the converged hosts predicts changes')
        return `--check predicts no change`
      },
    },
    {
      name: 'verify',
      body: verify === undefined
        ? { skip: `no verify playbook (${target.kind === 'role' ? 'tests/verify.yml' : 'the scenario names none'})` }
        : async (progress) => {
          const outcome = await runOnce(request(verifyPlaybook(verify, work), false, progress))
          requireSuccess(outcome, `verify (${shown(verify)})`)
          return `${shown(verify)}: ${count(outcome.tasks, 'task')} passed`
        },
    },
    {
      name: 'destroy',
      body: async () => {
        if (keep) {
          hosts.release()
          return `kept ${hosts.names.join(', ')} (tsplay lab ssh ${hosts.names[0]!}; inventory ${inventory})`
        }
        await hosts.destroy()
        return `removed ${hosts.names.join(', ')}`
      },
    },
  ]
}

/** `tsplay test …`; returns 0 only when every step passed. */
export async function testCommand(argv: readonly string[], out: (s: string) => void, options: { readonly tty?: boolean } = {}): Promise<number> {
  const unknown: string[] = []
  const args = minimist([...argv], { string: ['hosts', 'scenario'], boolean: ['keep', 'help'], alias: { h: 'help' }, unknown: (a) => { if (a.startsWith('-')) unknown.push(a); return !a.startsWith('-') } })
  if (args['help']) { out(`${USAGE}\n`); return 0 }
  if (unknown.length > 0) throw new UsageError(`test: unknown option '${unknown[0]}'\n${USAGE}`)
  const [path, ...extra] = args._.map(String)
  if (path === undefined) throw new UsageError(`test: missing ROLE_DIR or PLAYBOOK\n${USAGE}`)
  if (extra.length > 0) throw new UsageError(`test: unexpected argument '${extra[0]}' (one role or playbook per test)`)
  const hostsOption = args['hosts'] === undefined ? undefined : Number(args['hosts'])
  if (hostsOption !== undefined && (!Number.isInteger(hostsOption) || hostsOption < 1 || hostsOption > MAX_TEST_HOSTS)) throw new UsageError(`test: --hosts: expected a whole number from 1 to ${MAX_TEST_HOSTS}, got '${String(args['hosts'])}'`)
  const target = resolveTarget(path, args['scenario'] === undefined ? undefined : String(args['scenario']))
  const count = hostsOption ?? target.scenario.hosts
  const hosts = claimTestHosts(count)
  const work = mkdtempSync(join(tmpdir(), 'tsplay-test-'))
  out(`tsplay test ${shown(target.path)} on ${hosts.names.join(', ')}${target.scenario.file ? ` (scenario ${shown(target.scenario.file)})` : ''}\n`)
  const display = options.tty === true ? liveDisplay() : plainDisplay(out)
  let results: StepResult[]
  try {
    results = await runSteps(plan(target, hosts, work, args['keep'] === true), (name, run) => display.show(name, run))
  } finally {
    await display.done()
    if (args['keep'] !== true) rmSync(work, { recursive: true, force: true })
  }
  const failed = results.find((r) => r.status === 'failed')
  if (options.tty === true) for (const r of results) if (r.status === 'failed') out(`${stepLine(r)}\n`)
  out(failed === undefined ? `test passed: ${results.filter((r) => r.status === 'ok').map((r) => r.name).join(', ')}\n` : `test failed at ${failed.name}\n`)
  return failed === undefined ? 0 : 2
}
