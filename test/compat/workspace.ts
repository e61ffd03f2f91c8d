/**
 * The temporary work dir and environment ansible-test builds for one integration target
 * (commands/integration/__init__.py: integration_test_environment, integration_environment,
 * command_integration_role / command_integration_script; ansible_util.py: ansible_environment), rebuilt for a
 * checkout of ansible/ansible run against the installed ansible-core, or against tsplay through a shim.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { targetDependencies, type IntegrationTarget } from './integration-target.js'

/** Which ansible-playbook a target runs under. */
export type Engine = 'ansible' | 'tsplay'

/**
 * What ansible-test's intercept_python puts first on PATH: its injector directory, of which only virtualenv.sh
 * matters with an installed ansible-core (runme.sh scripts `source virtualenv.sh`).
 */
function writeInjector(injectorDir: string, ansibleSrc: string): void {
  mkdirSync(injectorDir, { recursive: true })
  const script = readFileSync(join(ansibleSrc, 'test/lib/ansible_test/_util/target/injector/virtualenv.sh'), 'utf8')
  writeFileSync(join(injectorDir, 'virtualenv.sh'), `#!/usr/bin/env bash\n${script.replace(/^#!.*\n/, '')}`)
}

let pythonVersion: string | undefined
/** `major.minor` of `python`, as ansible-test puts it in ANSIBLE_TEST_PYTHON_VERSION. */
function versionOf(python: string): string {
  pythonVersion ??= execFileSync(python, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).trim()
  return pythonVersion
}

/** Everything needed to start one target: run `argv` in `cwd` with `env`, writing only under `runDir`. */
export interface Workspace {
  readonly runDir: string
  readonly cwd: string
  readonly argv: readonly string[]
  readonly env: Record<string, string>
}

/** Where things are: the ansible checkout, tsplay's CLI, the python ansible-test would name in the inventory. */
export interface WorkspaceContext {
  readonly ansibleSrc: string
  readonly tsplayCli: string
  readonly python: string
}

const INTEGRATION = 'test/integration'
const TARGETS = `${INTEGRATION}/targets`
// ansible-test's default temp dir suffix, so paths with non-ASCII characters are exercised as upstream does
const UNICODE_SUFFIX = '-\u00c5\u00d1\u015a\u00cc\u03b2\u0141\u00c8'

let locale: string | undefined
/** ansible-test's locale: en_US.UTF-8 when installed, else C.UTF-8 (locale_util.py). */
function configuredLocale(): string {
  if (locale === undefined) {
    const installed = execFileSync('locale', ['-a'], { encoding: 'utf8' }).split('\n').map((l) => l.toLowerCase())
    locale = installed.includes('en_us.utf8') || installed.includes('en_us.utf-8') ? 'en_US.UTF-8' : 'C.UTF-8'
  }
  return locale
}

/** ansible-test's plugin paths for testing ansible itself: test/support/integration/plugins/*, where present. */
function pluginPaths(ansibleSrc: string): Record<string, string> {
  const root = join(ansibleSrc, 'test/support/integration/plugins')
  const dirs: Record<string, string> = { library: 'modules', module_utils: 'module_utils', doc_fragment: 'doc_fragments' }
  for (const p of ['action', 'become', 'cache', 'callback', 'cliconf', 'connection', 'filter', 'httpapi', 'inventory',
    'lookup', 'netconf', 'strategy', 'terminal', 'test', 'vars']) dirs[`${p}_plugins`] = p
  const env: Record<string, string> = {}
  const collections = join(ansibleSrc, 'test/support/integration/collections')
  if (existsSync(collections)) env['ANSIBLE_COLLECTIONS_PATH'] = collections
  for (const [key, sub] of Object.entries(dirs)) {
    if (existsSync(join(root, sub))) env[`ANSIBLE_${key.toUpperCase()}`] = join(root, sub)
  }
  return env
}

/** `ansible-playbook` for the tsplay engine: a Node script that runs `tsplay run` with the same arguments. */
function writeShim(binDir: string, tsplayCli: string): void {
  mkdirSync(binDir, { recursive: true })
  const shim = join(binDir, 'ansible-playbook')
  // tsplay's CLI starts only when argv[1] names it, so the shim puts its path there
  const body = `process.argv.splice(1, 1, ${JSON.stringify(tsplayCli)}, 'run')\nimport(${JSON.stringify(pathToFileURL(tsplayCli).href)})\n`
  writeFileSync(shim, `#!${process.execPath}\n${body}`)
  chmodSync(shim, 0o755)
}

/** Copies `target` and what it needs into `runDir` the way ansible-test does and returns how to run it. */
export function prepareWorkspace(target: IntegrationTarget, engine: Engine, runDir: string, ctx: WorkspaceContext): Workspace {
  const suffix = target.aliases.includes('no/temp_unicode') ? '-ansible' : UNICODE_SUFFIX
  const root = join(runDir, `${target.name}-temp${suffix}`)
  const integrationDir = join(root, INTEGRATION)
  const targetsDir = join(root, TARGETS)
  const srcTargets = join(ctx.ansibleSrc, TARGETS)
  const deps = targetDependencies(target, srcTargets)
  for (const dep of deps) cpSync(dep.dir, join(targetsDir, dep.name), { recursive: true, verbatimSymlinks: true })
  for (const file of new Set(deps.flatMap((d) => d.needsFile))) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    copyFileSync(join(ctx.ansibleSrc, file), join(root, file))
  }
  const inventory = join(integrationDir, 'inventory')
  // create_controller_inventory: every value double-quoted, as host_profiles.Inventory.write writes it
  writeFileSync(inventory, `[testgroup]\ntesthost ansible_connection="local" ansible_pipelining="yes" ansible_python_interpreter="${ctx.python}"\n\n`)
  const config = join(integrationDir, 'integration.cfg')
  const ownConfig = join(ctx.ansibleSrc, INTEGRATION, 'integration.cfg')
  if (existsSync(ownConfig)) copyFileSync(ownConfig, config)
  else writeFileSync(config, '') // ansible-test's _data/ansible.cfg is empty
  const varsSrc = join(ctx.ansibleSrc, INTEGRATION, 'integration_config.yml')
  const varsFiles = existsSync(varsSrc) ? ['integration_config.yml'] : []
  if (varsFiles.length) copyFileSync(varsSrc, join(integrationDir, 'integration_config.yml'))

  const outputDir = join(runDir, 'output_dir')
  const home = join(runDir, 'home')
  const tmp = join(runDir, 'tmp')
  for (const d of [outputDir, home, tmp, join(runDir, 'junit')]) mkdirSync(d, { recursive: true })
  const binDir = join(runDir, 'bin')
  if (engine === 'tsplay') writeShim(binDir, ctx.tsplayCli)
  const injectorDir = join(runDir, 'injector')
  writeInjector(injectorDir, ctx.ansibleSrc)
  const path = [injectorDir, ...(engine === 'tsplay' ? [binDir] : []), process.env['PATH'] ?? '/usr/bin:/bin'].join(':')

  const cwd = target.kind === 'script' ? join(targetsDir, target.name) : integrationDir
  const env: Record<string, string> = {
    LC_ALL: configuredLocale(),
    PATH: path,
    // not ansible-test's: HOME and TMPDIR inside the run's directory keep ~/.ansible and temp files there
    HOME: home,
    TMPDIR: tmp,
    ANSIBLE_PYTHON_MODULE_RLIMIT_NOFILE: '1024',
    ANSIBLE_FORCE_COLOR: 'false',
    ANSIBLE_FORCE_HANDLERS: 'true',
    ANSIBLE_HOST_PATTERN_MISMATCH: 'error',
    ANSIBLE_INVENTORY: '/dev/null',
    ANSIBLE_DEPRECATION_WARNINGS: 'false',
    ANSIBLE_HOST_KEY_CHECKING: 'false',
    ANSIBLE_RETRY_FILES_ENABLED: 'false',
    ANSIBLE_CONFIG: config,
    ANSIBLE_LIBRARY: '/dev/null',
    ANSIBLE_DEVEL_WARNING: 'false',
    PAGER: '/bin/cat',
    ANSIBLE_WORKER_SHUTDOWN_POLL_COUNT: '100',
    ANSIBLE_WORKER_SHUTDOWN_POLL_DELAY: '0.1',
    ANSIBLE_PYTHON_INTERPRETER: '/set/ansible_python_interpreter/in/inventory',
    ...pluginPaths(ctx.ansibleSrc),
    JUNIT_OUTPUT_DIR: join(runDir, 'junit'),
    JUNIT_TASK_RELATIVE_PATH: root,
    JUNIT_REPLACE_OUT_OF_TREE_PATH: 'out-of-tree:',
    ANSIBLE_CALLBACKS_ENABLED: 'junit',
    ANSIBLE_TEST_CI: '',
    ANSIBLE_TEST_COVERAGE: '',
    OUTPUT_DIR: outputDir,
    INVENTORY_PATH: inventory,
    ANSIBLE_PLAYBOOK_DIR: cwd,
    ANSIBLE_TEST_PYTHON_VERSION: versionOf(ctx.python),
    ANSIBLE_TEST_PYTHON_INTERPRETER: ctx.python,
  }
  if (target.aliases.some((a) => a.startsWith('non_local'))) env['ANSIBLE_TEST_REMOTE_INTERPRETER'] = ''
  if (target.kind === 'script') return { runDir, cwd, argv: ['./runme.sh'], env }

  env['ANSIBLE_ROLES_PATH'] = targetsDir
  const gatherFacts = !target.aliases.includes('gather_facts/no')
  const play = { gather_facts: gatherFacts, hosts: 'testhost', roles: [target.name], vars: { output_dir: outputDir }, vars_files: varsFiles }
  const playbook = `${target.name}-compat.yml`
  writeFileSync(join(integrationDir, playbook), JSON.stringify([play], null, 4))
  return { runDir, cwd, argv: ['ansible-playbook', playbook, '-i', 'inventory'], env }
}
