import { existsSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createInterface } from 'node:readline'
import minimist from 'minimist'
import { loadConfig } from '../config/index.js'
import { connectLocal, endCommands } from '../connection/index.js'
import { OptionsError, PlaybookError, StartError, TemplateError, TsplayError, UsageError } from '../errors.js'
import { gatherFacts } from '../facts/index.js'
import { loadInventory } from '../inventory/index.js'
import { loadPlaybook } from '../load/index.js'
import { type DuplicateKeys, onDuplicateYamlKeys, onYamlWarning, useVaultSecrets } from '../yaml/index.js'
import { parseYaml } from '../yaml/index.js'
import { docList, docModule } from './doc.js'
import { listPlaybook } from './list.js'
import { docRole, isRoleDir } from './role-doc.js'
import { expandLimitFiles, retryFilePath, retryHosts, type RetryStats, writeRetryFile } from './retry.js'
import { runSettings, withConnectionDefaults } from './settings.js'
import { jsonReporter, plainReporter, ttyReporter, warningText } from '../report/index.js'
import { playHosts, runPlaybook, type RunEvent, type RunState } from '../run/index.js'
import { useJinja2Native } from '../template/index.js'
import { parseExtraVars } from '../vars/index.js'

const USAGE = `usage: tsplay run PLAYBOOK [-i INVENTORY] [options]
       tsplay check PLAYBOOK... [-i INVENTORY] [-e VARS] [--vault-id ...] [--format text|json|github|sarif]
                          every problem found without connecting; exit 4 on errors, 1 on warnings only
       tsplay doc [MODULE | ROLE_PATH | --list [--native]]
       tsplay schema [playbook|tasks|handlers|role-meta|argument-specs|all] [--out DIR]
       tsplay vault create|encrypt|decrypt|view|edit|rekey|encrypt_string ...  (as ansible-vault)
       tsplay config dump [--only-changed] | view | list    (as ansible-config)
       tsplay galaxy install -r requirements.yml ...        (runs ansible-galaxy)
       tsplay lab <up|down|status|ssh|stop|start> ...
       tsplay init role NAME [--path DIR] | init project [DIR]   (skeletons that pass tsplay test)
       tsplay test ROLE_DIR|PLAYBOOK [--keep] [--hosts N] [--scenario FILE]   (on fresh lab hosts)

run options (as ansible-playbook):
  -i, --inventory SRC     inventory file, directory or host list "h1,h2," (repeatable;
                          default: ansible.cfg's inventory, else only localhost)
  -C, --check             predict changes without making them
  -D, --diff              show file differences
  -l, --limit PATTERN     restrict to hosts matching the pattern (@FILE: the hosts listed in
                          FILE, as a retry file)
      --retry             run only the hosts of this playbook's retry file (written when
                          ansible.cfg's retry_files_enabled is on, and by --retry runs)
  -t, --tags TAGS         only tasks tagged with these (comma separated)
      --skip-tags TAGS    skip tasks tagged with these
  -e, --extra-vars VARS   k=v, JSON/YAML, or @file (repeatable)
  -f, --forks N           hosts to run at once (default: ansible.cfg's forks if set, else 50)
  -b, --become            become root (or --become-user) on every task
      --become-user USER  --become-method sudo|su
  -K, --ask-become-pass   ask for the become password
      --vault-id ID@SOURCE, --vault-password-file FILE, -J/--ask-vault-pass
                          vault secrets for vaulted files and !vault values (as ansible)
  -k, --ask-pass          ask for the SSH password
  -T, --timeout SECONDS   SSH connect timeout (default 10)
      --task-timeout SECONDS  fail a task that runs longer, killing its commands (as the
                          timeout keyword; default ansible.cfg task_timeout, 0: none)
  -c, --connection TYPE   ssh (default) or local, for hosts whose ansible_connection
                          (or play keyword connection) does not say; SSH connections are
                          kept 60 s for the next run, as ansible's default ssh_args do
                          (ansible_ssh_args / ANSIBLE_SSH_ARGS without ControlPersist, or
                          TSPLAY_NO_KEEPER=1: a fresh connection per run)
      --accept-new-host-keys  record unknown host keys instead of refusing them
      --vault-id ID@SOURCE, --vault-password-file FILE, -J/--ask-vault-pass
                          vault secrets, as ansible-playbook's (repeatable)

ansible.cfg (ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg) and ANSIBLE_* are read
as ansible-playbook reads them; command-line options override them.
      --start-at-task NAME    start at the task with this name
      --force-handlers    run notified handlers even on failed hosts
      --list-hosts, --list-tasks, --list-tags, --syntax-check
      --json              print a machine-readable report on stdout instead of the log
  -v, --verbose           more detail (repeat for more)
  -h, --help, --version`

const BOOLEAN = ['ask-vault-pass', 'check', 'diff', 'list-hosts', 'list-tasks', 'list-tags', 'syntax-check', 'force-handlers', 'json', 'help', 'version', 'become', 'ask-become-pass', 'ask-pass', 'accept-new-host-keys', 'verbose', 'list', 'retry']
const STRING = ['vault-id', 'vault-password-file', 'inventory', 'limit', 'tags', 'skip-tags', 'extra-vars', 'forks', 'start-at-task', 'become-user', 'become-method', 'timeout', 'connection', 'task-timeout']
const ALIAS = { v: 'verbose', 'inventory-file': 'inventory', i: 'inventory', C: 'check', D: 'diff', l: 'limit', t: 'tags', e: 'extra-vars', f: 'forks', b: 'become', K: 'ask-become-pass', k: 'ask-pass', T: 'timeout', h: 'help', c: 'connection', J: 'ask-vault-pass', 'ask-vault-password': 'ask-vault-pass', 'vault-pass-file': 'vault-password-file' }
// ansible-playbook's options that tsplay does not honour yet: read (so that an option's value is not taken for
// the playbook) and refused with a clear message rather than ignored. --flush-cache is honoured: there is no fact cache.
const UNSUPPORTED_STRING = ['private-key', 'key-file', 'user', 'ssh-common-args', 'sftp-extra-args', 'scp-extra-args', 'ssh-extra-args', 'connection-password-file', 'conn-pass-file', 'become-password-file', 'become-pass-file', 'module-path']
const UNSUPPORTED_BOOLEAN = ['step']
const UNSUPPORTED_ALIAS = { u: 'user', M: 'module-path' }
const DEFAULT_INVENTORY = '/etc/ansible/hosts'
// ansible-core's names for its SSH connection plugins; tsplay runs all of them over ssh2
const CONNECTIONS = ['ssh', 'local', 'smart', 'paramiko']

/**
 * Exit codes, as ansible-playbook's; 250 is tsplay's own for internal errors. 130 and 143 stand for death by
 * SIGINT and SIGTERM: the CLI then ends itself with that signal, as ansible-playbook dies of them.
 */
export const EXIT = { ok: 0, start: 1, failed: 2, usage: 2, unreachable: 4, parse: 4, options: 5, interrupted: 99, killedByInt: 130, killedByTerm: 143, internal: 250 } as const

/** Run the command line `argv` (without node and script); returns the exit code. Writes to the given streams. */
export async function main(argv: readonly string[], out: (s: string) => void = (s) => void process.stdout.write(s), err: (s: string) => void = (s) => void process.stderr.write(s)): Promise<number> {
  try {
    const [command, ...rest] = argv
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') { out(`${USAGE}\n`); return command === undefined ? EXIT.usage : EXIT.ok }
    if (command === '--version') { out(`tsplay ${version()}\n`); return EXIT.ok }
    if (command === 'lab') return await (await import('../lab/index.js')).runLab(rest)
    // the connection keeper, started by runs whose ssh args have ControlPersist, as the default ones do (engine/connection/keeper.ts)
    if (command === '__keeper' && rest[0] !== undefined) return (await (await import('../connection/index.js')).runKeeper(rest[0]), EXIT.ok)
    if (command === 'doc') return doc(rest, out)
    if (command === 'schema') return (await import('../schema/index.js')).schemaCommand(rest, out)
    if (command === 'vault') { const vault = await import('../vault/index.js'); return await vault.vaultCommand(rest, vault.terminalVaultIO()) }
    if (command === 'config') return await (await import('../config/index.js')).configCommand(rest, { out, err })
    if (command === 'run') return await run(rest, out, err)
    if (command === 'check') return await check(rest, out, err)
    if (command === 'galaxy') return await (await import('./galaxy.js')).galaxyCommand(rest)
    if (command === 'init') return (await import('../author/index.js')).initCommand(rest, out)
    if (command === 'test') return await (await import('../author/index.js')).testCommand(rest, out, { tty: process.stdout.isTTY === true && process.env['CI'] === undefined && process.env['TERM'] !== 'dumb' })
    throw new UsageError(`unknown command '${command}' (expected run, check, doc, schema, vault, config, galaxy, lab, init or test)`)
  } catch (error) {
    if (error instanceof UsageError) { err(`tsplay: ${error.message}\n${USAGE.split('\n')[0]}\n`); return EXIT.usage }
    if (error instanceof OptionsError) { err(`tsplay: ${error.message}\n`); return EXIT.options }
    // a template that cannot be rendered outside a task (a play's hosts) stops the run as ansible's AnsibleError
    if (error instanceof StartError || error instanceof TemplateError) { err(`tsplay: ${error.message}\n`); return EXIT.start }
    if (error instanceof PlaybookError) { err(`${error.explain()}\n`); return EXIT.parse }
    if (error instanceof TsplayError) { err(`tsplay: ${error.message}\n`); return EXIT.parse }
    err(`tsplay: internal error, please report it\n${(error as Error)?.stack ?? String(error)}\n`)
    return EXIT.internal
  }
}

function doc(args: readonly string[], out: (s: string) => void): number {
  if (args.length === 0 || args[0] === '--list' || args[0] === '-l') out(docList({ nativeOnly: args.includes('--native') }))
  else if (isRoleDir(args[0]!)) out(docRole(args[0]!))
  else if (args[0]!.includes('/')) throw new UsageError(`doc: '${args[0]}' is not a role (a directory with tasks/ or meta/)`)
  else out(docModule(args[0]!))
  return EXIT.ok
}

/** The parsed `run` options; exported for tests. */
export function parseRunArgs(args: readonly string[]): minimist.ParsedArgs & { verbosity: number } {
  const unknown: string[] = []
  // minimist would read `--check=no` as check mode; argparse refuses a value given to a flag
  const valued = args.find((a) => /^--[^=]+=/.test(a) && BOOLEAN.includes(a.slice(2, a.indexOf('='))))
  if (valued !== undefined) throw new UsageError(`argument ${valued.slice(0, valued.indexOf('='))}: ignored explicit argument '${valued.slice(valued.indexOf('=') + 1)}'`)
  // options anywhere, before or after the playbook, as ansible-playbook's argparse takes them; `--` ends options
  const parsed = minimist([...args], { boolean: [...BOOLEAN, ...UNSUPPORTED_BOOLEAN, 'flush-cache'], string: [...STRING, ...UNSUPPORTED_STRING], alias: { ...ALIAS, ...UNSUPPORTED_ALIAS }, unknown: (a) => { if (a.startsWith('-') && a !== '-') unknown.push(a); return !a.startsWith('-') } })
  if (unknown.length > 0) throw new UsageError(`unknown option '${unknown[0]}'`)
  const unsupported = [...UNSUPPORTED_STRING, ...UNSUPPORTED_BOOLEAN].find((name) => parsed[name] !== undefined && parsed[name] !== false)
  if (unsupported !== undefined) throw new UsageError(`option '--${unsupported}' of ansible-playbook is not supported by tsplay yet`)
  const verbosity = args.reduce((n, a) => n + (/^-v+$/.test(a) ? a.length - 1 : a === '--verbose' ? 1 : 0), 0)
  return Object.assign(parsed, { verbosity })
}

async function run(args: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const o = parseRunArgs(args)
  // files read before the run starts (inventory, playbook, roles) warn on stderr as ansible-playbook does
  onYamlWarning((message) => err(warningText(message)), true)
  try {
    return await runParsed(o, out, err)
  } finally {
    onYamlWarning(undefined)
    onDuplicateYamlKeys('warn')
    useJinja2Native(false)
  }
}

async function runParsed(o: ReturnType<typeof parseRunArgs>, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  if (o['help']) { out(`${USAGE}\n`); return EXIT.ok }
  if (o['version']) { out(`tsplay ${version()}\n`); return EXIT.ok }
  const [playbookPath, ...extra] = o._.map(String)
  if (playbookPath === undefined) throw new UsageError('missing PLAYBOOK')
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}' (one playbook per run)`)
  // ansible.cfg from the process's cwd, as ansible-playbook reads it; command-line options override it
  const config = loadConfig()
  for (const warning of config.warnings) err(`[WARNING]: ${warning}\n`)
  onDuplicateYamlKeys(config.get('DUPLICATE_YAML_DICT_KEY') as DuplicateKeys)
  useJinja2Native(config.get('DEFAULT_JINJA2_NATIVE'))
  const settings = runSettings(config)
  const forks = o['forks'] === undefined ? (settings.forks ?? 50) : Number(o['forks'])
  if (!Number.isInteger(forks) || forks < 1) throw new UsageError(`--forks: expected a positive integer, got '${String(o['forks'])}'`)
  const timeout = o['timeout'] === undefined ? settings.timeout : Number(o['timeout'])
  if (!(timeout > 0)) throw new UsageError(`--timeout: expected seconds, got '${String(o['timeout'])}'`)
  const connection = o['connection'] === undefined ? 'ssh' : String(o['connection'])
  if (!CONNECTIONS.includes(connection)) throw new UsageError(`--connection: tsplay knows ssh and local, got '${connection}'`)
  const sources = [o['inventory'] ?? []].flat().map(String)
  const extraVars = Object.assign({}, ...[o['extra-vars'] ?? []].flat().map((e) => parseExtraVars(String(e), (p) => readFile(p), (text, origin) => parseYaml(text, origin).doc.toJS() as unknown)))
  const splitList = (v: unknown): string[] => [v ?? []].flat().flatMap((x) => String(x).split(',')).map((s) => s.trim()).filter(Boolean)
  const vaultSecrets = await loadRunVaultSecrets(o, settings, err)
  useVaultSecrets(vaultSecrets.ids.length > 0 ? vaultSecrets : undefined)
  if (!existsSync(playbookPath) || !statSync(playbookPath).isFile()) throw new StartError(`the playbook: ${playbookPath} could not be found`)
  // no -i: the configured inventory, else ansible's default source, else none: localhost is then the implicit one
  const configured = sources.length > 0 ? sources : settings.inventory.length > 0 ? settings.inventory : [DEFAULT_INVENTORY].filter((path) => existsSync(path))
  if (configured.length === 0 && o['json'] !== true) err(warningText('No inventory was parsed, only implicit localhost is available'))
  const inventory = loadInventory(configured)
  if (configured.length > 0 && inventory.hosts.size === 0 && o['json'] !== true) err(warningText("provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'"))
  const retryFile = retryFilePath(playbookPath, settings.retryFilesSavePath)
  if (o['retry'] === true && o['limit'] !== undefined) throw new UsageError('--retry and --limit cannot be combined (--limit @FILE names a retry file)')
  if (o['retry'] === true && !existsSync(retryFile)) throw new StartError(`--retry: no retry file ${retryFile} (a run with retry_files_enabled or --retry writes it when hosts fail)`)
  const limit = o['retry'] === true ? expandLimitFiles(`@${retryFile}`) : o['limit'] === undefined ? undefined : expandLimitFiles(String(o['limit']))
  // as ansible-playbook: a --limit that leaves no host of a non-empty inventory stops the run before the playbook loads
  const all = new Set(inventory.select(['all']))
  // the implicit localhost is not in `all`: a --limit naming only it leaves no host either, as in ansible
  if (limit !== undefined && all.size > 0 && !inventory.select(limit).some((h) => all.has(h))) {
    throw new StartError('specified inventory, host pattern and/or --limit leaves us with no hosts to target')
  }
  const playbook = loadPlaybook(playbookPath, settings.paths)
  if (o['syntax-check']) { out(`\nplaybook: ${playbookPath}\n`); return EXIT.ok }
  const askBecome = o['ask-become-pass'] || settings.askBecomePass ? await prompt('BECOME password: ') : undefined
  const askPass = o['ask-pass'] || settings.askPass ? await prompt('SSH password: ') : undefined
  const verbosity = o.verbosity
  const json = o['json'] === true
  const reporterJson = jsonReporter()
  const tty = !json && process.stdout.isTTY === true && process.env['CI'] === undefined && process.env['TERM'] !== 'dumb'
  const reportOptions = { verbosity, color: tty && process.env['NO_COLOR'] === undefined, diff: o['diff'] === true, check: o['check'] === true, write: out, writeWarning: err }
  const live = tty ? ttyReporter(reportOptions) : undefined
  const plain = live?.handle ?? plainReporter(reportOptions)
  const options = {
    inventory,
    extraVars,
    check: o['check'] === true,
    diff: o['diff'] === true,
    ...(limit !== undefined ? { limit } : {}),
    tags: splitList(o['tags']),
    skipTags: splitList(o['skip-tags']),
    forks,
    ...(o['start-at-task'] !== undefined ? { startAtTask: String(o['start-at-task']) } : {}),
    forceHandlers: o['force-handlers'] === true,
    verbosity,
    ...(o['become'] || settings.become ? { become: true } : {}),
    becomeUser: o['become-user'] !== undefined ? String(o['become-user']) : settings.becomeUser,
    becomeMethod: o['become-method'] !== undefined ? String(o['become-method']) : settings.becomeMethod,
    gathering: settings.gathering,
    ...(settings.gatherSubset !== undefined ? { gatherSubset: settings.gatherSubset } : {}),
    anyErrorsFatal: settings.anyErrorsFatal,
    // for the loader's !vault values and vault files
    vaultSecrets,
    ...(askBecome !== undefined ? { becomePassword: askBecome } : {}),
    // ssh2 is loaded only when a host needs SSH: local-only runs start faster.
    // -c is the default below the host's ansible_connection and the play's connection keyword, as in ansible-playbook.
    connect: async (host: string, vars: Record<string, unknown>) => (vars['ansible_connection'] ?? connection) === 'local' ? connectLocal(host) : (await import('../connection/index.js')).openConnection(host, withConnectionDefaults(vars, settings), { acceptNewHostKeys: o['accept-new-host-keys'] === true, timeoutSeconds: timeout, ...(askPass !== undefined ? { password: askPass } : {}), log: (m) => { if (verbosity >= 3) err(`${host}: ${m}\n`) } }),
    gatherFacts,
  }
  if (o['list-hosts'] || o['list-tasks'] || o['list-tags']) {
    // ansible-playbook warns of patterns matching no host while it lists, once per message
    const warned = new Set<string>()
    const emit = (event: RunEvent): void => { if (event.type === 'warning' && !warned.has(event.message)) { warned.add(event.message); err(warningText(event.message)) } }
    const state = { options, hosts: new Map(), implicit: new Map(), warnedPatterns: new Set(), emit } as unknown as RunState
    out(listPlaybook(playbook, playbookPath, { hosts: o['list-hosts'] === true, tasks: o['list-tasks'] === true, tags: o['list-tags'] === true, onlyTags: options.tags, skipTags: options.skipTags, hostsOf: (play) => playHosts(state, play), extraVars }, inventory))
    return EXIT.ok
  }
  const signals = interruptible(err)
  const report = (event: RunEvent): void => {
    // after an interrupt nothing more is reported, not even the recap, as in ansible-playbook
    if (signals.stop.aborted) return
    if (event.type === 'recap' && (settings.retryFilesEnabled || o['retry'] === true)) saveRetryFile(retryFile, event.stats, o['retry'] === true, json ? () => {} : out, err)
    if (json) reporterJson.handle(event)
    else plain(event)
  }
  // a file read during the run (include_tasks, include_role) warns where the run has got to, as ansible prints it
  onYamlWarning((message) => report({ type: 'warning', message }))
  const summary = runPlaybook(playbook, { ...options, stop: signals.stop, taskTimeout: taskTimeout(o['task-timeout'], config) }, report)
  const code = await Promise.race([summary.then((s) => signals.killedBy() ?? (signals.stop.aborted ? EXIT.interrupted : s.exitCode)), signals.killed])
  signals.release()
  await live?.done()
  if (json && code !== EXIT.interrupted) out(`${reporterJson.report()}\n`)
  return code
}

// `tsplay check` with ansible.cfg's roles/library/collections paths and inventory, and the run's vault secrets
async function check(args: readonly string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const settings = runSettings(loadConfig())
  const { checkCommand } = await import('../check/index.js')
  const useVault = async (o: Record<string, unknown>): Promise<void> => {
    const secrets = await loadRunVaultSecrets(o as ReturnType<typeof parseRunArgs>, settings, err)
    useVaultSecrets(secrets.ids.length > 0 ? secrets : undefined)
  }
  return await checkCommand(args, out, { version: version(), paths: settings.paths, inventory: settings.inventory, useVault })
}

/** The vault secrets of `--vault-id`, `--vault-password-file`, `--ask-vault-pass` and ansible.cfg's vault settings. */
async function loadRunVaultSecrets(o: ReturnType<typeof parseRunArgs>, settings: ReturnType<typeof runSettings>, err: (s: string) => void): Promise<import('../vault/index.js').VaultSecrets> {
  const vault = await import('../vault/index.js')
  const list = (v: unknown): string[] => [v ?? []].flat().map(String)
  return vault.loadVaultSecrets({
    vaultIds: list(o['vault-id']),
    vaultPasswordFiles: list(o['vault-password-file']),
    askVaultPass: o['ask-vault-pass'] === true,
    identityList: settings.vaultIdentityList,
    defaultPasswordFile: settings.vaultPasswordFile,
  }, { ...vault.terminalVaultIO(), warn: (message) => err(`[WARNING]: ${message}\n`), cwd: process.cwd() })
}

/**
 * SIGINT and SIGTERM during a run, measured against ansible-playbook 2.14: the first SIGINT stops new tasks,
 * handlers and loop items; commands in flight finish (a file being written is written whole or not at all), then
 * `[ERROR]: User interrupted execution`, no recap, exit 99. A second SIGINT, or SIGTERM, kills the commands in
 * flight (their process groups, local and remote; ansible-playbook leaves them running), waits briefly for the
 * run to close its connections, and dies of that signal as ansible-playbook does (status 130 or 143 in a shell).
 */
function interruptible(err: (s: string) => void): { readonly stop: AbortSignal; readonly killed: Promise<number>; killedBy(): number | undefined; release(): void } {
  const stop = new AbortController()
  let kill: (code: number) => void = () => {}
  const killed = new Promise<number>((resolve) => (kill = resolve))
  let hard: number | undefined
  const hardStop = (code: number): void => {
    hard = code
    stop.abort()
    void endCommands().then(() => setTimeout(() => kill(code), 300))
  }
  const onInt = (): void => {
    if (stop.signal.aborted) return hardStop(EXIT.killedByInt)
    stop.abort()
    err('\n[ERROR]: User interrupted execution\n')
  }
  const onTerm = (): void => hardStop(EXIT.killedByTerm)
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  return { stop: stop.signal, killed, killedBy: () => hard, release: () => { process.removeListener('SIGINT', onInt); process.removeListener('SIGTERM', onTerm) } }
}

/** `--task-timeout`, else ansible.cfg's `task_timeout` / ANSIBLE_TASK_TIMEOUT (0: none). */
function taskTimeout(option: unknown, config: ReturnType<typeof loadConfig>): number {
  if (option === undefined) return config.get('TASK_TIMEOUT') ?? 0
  const seconds = Number(option)
  if (!Number.isInteger(seconds) || seconds < 0) throw new UsageError(`--task-timeout: expected whole seconds, got '${String(option)}'`)
  return seconds
}

/**
 * The retry file at the recap, as ansible-playbook writes it: only when hosts failed, the old file kept otherwise.
 * A `--retry` run that leaves no failed host removes the file it ran from, so the next `--retry` has nothing stale.
 */
function saveRetryFile(path: string, stats: ReadonlyMap<string, RetryStats>, retrying: boolean, out: (s: string) => void, err: (s: string) => void): void {
  const hosts = retryHosts(stats)
  if (hosts.length === 0) {
    if (retrying) rmSync(path, { force: true })
    return
  }
  const written = writeRetryFile(path, hosts)
  if ('notice' in written) out(written.notice)
  else err(warningText(written.warning))
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new StartError(`unable to retrieve file contents: ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
  }
}

function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  return new Promise((resolve) => rl.question(question, (answer) => { rl.close(); resolve(answer) }))
}

function version(): string {
  // the source is engine/cli/main.ts, the compiled CLI dist/engine/cli/main.js, the bundled one dist/tsplay.cjs
  for (const rel of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version: string }
      if (manifest.name === 'tsplay') return manifest.version
    } catch {
      // not at this level
    }
  }
  return 'unknown'
}

/**
 * Stdout that collects what is written during one turn of the event loop and writes it in one go: on hosts where
 * a system call is slow, a write per result line cost a 50-host run a noticeable share of its time. Whatever goes
 * to stderr first flushes stdout, so the two streams keep their order.
 */
function batchedStdout(): { readonly out: (s: string) => void; readonly err: (s: string) => void; readonly flush: () => void } {
  let pending: string[] = []
  const flush = (): void => {
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    process.stdout.write(text)
  }
  return {
    out: (s) => {
      if (pending.length === 0) setImmediate(flush)
      pending.push(s)
    },
    err: (s) => {
      flush()
      process.stderr.write(s)
    },
    flush,
  }
}

if (process.argv[1] !== undefined && /(?:^|[\\/])(tsplay(\.js)?|cli[\\/]main\.js)$/.test(process.argv[1])) {
  const stdout = batchedStdout()
  main(process.argv.slice(2), stdout.out, stdout.err).then(
    (code) => {
      stdout.flush()
      process.exitCode = code
      if (code === EXIT.killedByInt || code === EXIT.killedByTerm) process.kill(process.pid, code === EXIT.killedByInt ? 'SIGINT' : 'SIGTERM')
      else if (code === EXIT.interrupted) process.exit(code)
    },
    (error: unknown) => {
      stdout.flush()
      console.error(error)
      process.exitCode = EXIT.internal
    },
  )
}
