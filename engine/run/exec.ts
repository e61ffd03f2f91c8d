import { existsSync } from 'node:fs'
import { isAbsolute, join, resolve } from 'node:path'
import { z } from 'zod'
import { builtinModules } from '../../modules/index.js'
import { type AnsibleModuleRef, runAnsibleModule } from '../ansible/index.js'
import { type BecomeSpec, type Connection, CONNECTION_VARS } from '../connection/index.js'
import { ConnectionError, ModuleError, TemplateError, TsplayError } from '../errors.js'
import { describeIssue, type Task, VARIABLE_PARAMS } from '../load/index.js'
import { implicitLocalhostVars } from '../inventory/index.js'
import { type AnyModule, type Diff, type ModuleContext, runModule } from '../module.js'
import type { TaskResult } from './result.js'
import { newHostState, type PlayState } from './state.js'
import { hostVars, keyword, noLogOf, scopeChain, taskRole, templateVars } from './vars.js'
import { evalExpression, OMIT, renderStored, renderText, renderValue, type Vars } from '../template/index.js'

/**
 * Run a task's module once on a host with the given variables: render and check the arguments, pick the
 * connection (the delegate's with delegate_to), apply become and environment, and call runModule.
 */
export async function executeOnce(ps: PlayState, task: Task, host: string, vars: Vars, signal?: AbortSignal): Promise<TaskResult> {
  const prepared = await prepare(ps, task, host, vars, signal)
  return 'status' in prepared ? prepared : execute(prepared)
}

/** A task ready to run on one host: its module, checked arguments and context. */
export interface Prepared {
  readonly mod: AnyModule
  readonly args: unknown
  readonly ctx: ModuleContext
  readonly delegated: Delegation
  /** Set for a module tsplay has no native version of: it runs as Ansible's own, and `mod` is only a stand-in. */
  readonly ansible?: { readonly ref: AnsibleModuleRef; readonly noLog: boolean; readonly verbosity: number }
}

// The stand-in `mod` of a task that runs as Ansible's own module: never gathers ahead, never runs through runModule.
const ANSIBLE_MODULE: AnyModule = {
  name: 'ansible',
  args: z.record(z.unknown()),
  description: "a module tsplay has no native version of, run as Ansible's own",
  example: '',
  gather: () => Promise.reject(new Error('an Ansible module has no gather step')),
  plan: () => ({ changes: [] }),
  apply: () => Promise.resolve(),
}

/** Everything executeOnce does before the module runs; a failure (bad arguments, unreachable delegate) as a result. */
export async function prepare(ps: PlayState, task: Task, host: string, vars: Vars, signal?: AbortSignal): Promise<Prepared | TaskResult> {
  const mod = task.ansibleModule ? ANSIBLE_MODULE : builtinModules[task.action]
  if (mod === undefined) return failed(host, `${task.action}: not a module`)
  let args: unknown
  let target = host
  let conn: Connection
  try {
    args = task.staticArgs ?? parseArgs(task, vars)
    if (typeof args === 'string') return failed(host, args)
    const delegate = keyword(task, 'delegate_to')
    if (delegate !== undefined && delegate !== null) target = String(renderValue(delegate, vars, task.location))
    conn = (await connection(ps, target)).with({ become: becomeOf(ps, task, vars), env: environmentOf(task, vars), noLog: noLogOf(task, vars), ...(signal ? { signal } : {}) })
  } catch (error) {
    if (error instanceof ConnectionError) return unreachable(host, error.message, delegation(ps, host, target))
    if (error instanceof TsplayError) return failed(host, error.message)
    throw error
  }
  const delegated = delegation(ps, host, target)
  const check = flag(keyword(task, 'check_mode'), vars, ps.run.options.check)
  const ctx: ModuleContext = {
    conn,
    check,
    diff: flag(keyword(task, 'diff'), vars, ps.run.options.diff),
    host,
    vars,
    controller: {
      findFile: (kind, name) => findControllerFile(ps, task, kind, name),
      // the extra variables sit over the task's view, which stays lazy
      render: (text, origin, options, extra) => renderText(text, extra ? Object.assign(Object.create(vars) as Vars, extra) : vars, origin, options),
      evaluate: (expression) => evalExpression(expression, vars, task.location),
    },
    reconnect: async () => {
      const state = ps.run.hosts.get(target)
      const old = state?.conn
      if (state) delete state.conn
      // a connection that never opened (the host was down at the last attempt) has nothing to close, and its
      // failure must not stand for the attempts after it
      await old?.then((c) => c.close(), () => undefined)
      return (await connection(ps, target)).with({ become: conn.become, env: conn.env, noLog: noLogOf(task, vars) })
    },
    log: (message) => ps.run.emit({ type: 'verbose', level: 1, message: `[${host}] ${message}` }),
  }
  if (task.ansibleModule) return { mod, args, ctx, delegated, ansible: { ref: task.ansibleModule, noLog: flag(keyword(task, 'no_log'), vars, false), verbosity: ps.run.options.verbosity } }
  return { mod, args, ctx, delegated }
}

/** Run a prepared task's module; `gathered` is its state when startGather already read it. */
export async function execute({ mod, args, ctx, delegated, ansible }: Prepared, gathered?: Promise<unknown>): Promise<TaskResult> {
  const host = ctx.host
  try {
    if (ansible) {
      const interpreter = ctx.vars['ansible_python_interpreter']
      const options = { check: ctx.check, diff: ctx.diff, noLog: ansible.noLog, verbosity: ansible.verbosity, ...(typeof interpreter === 'string' ? { interpreter } : {}) }
      const outcome = await runAnsibleModule(ctx.conn, ansible.ref, args as Record<string, unknown>, options)
      return { host, status: outcome.status, ...delegated, data: outcome.data, diff: outcome.diff, changes: outcome.status === 'changed' ? [`${ansible.ref.name} reported a change`] : [] }
    }
    const outcome = await runModule(mod, ctx, args, gathered)
    const data: Record<string, unknown> = { ...outcome.values, changed: outcome.changed }
    if (outcome.msg !== undefined) data['msg'] = outcome.msg
    if (outcome.status === 'failed') data['failed'] = true
    if (outcome.status === 'skipped') data['skipped'] = true
    // in diff mode the result carries its diff (a registered result shows it), as ansible's modules return it
    if (ctx.diff && outcome.diff.length > 0 && data['diff'] === undefined) data['diff'] = outcome.diff.map(diffData)
    const always = mod.name === 'debug' ? { verboseAlways: true } : mod.name === 'assert' && (args as { quiet?: boolean }).quiet !== true ? { showAlways: true } : {}
    return { host, status: outcome.status, ...delegated, data, diff: ctx.diff ? outcome.diff : [], changes: outcome.changes, ...always }
  } catch (error) {
    if (error instanceof ConnectionError) return unreachable(host, error.message, delegated)
    if (error instanceof TsplayError) return failed(host, error.message)
    throw error
  }
}

function parseArgs(task: Task, vars: Vars): unknown {
  // set_fact's values are stored as variables: what it made from unsafe data must stay unsafe
  const { [VARIABLE_PARAMS]: variable, ...own } = (task.action === 'set_fact' ? renderStored : renderValue)(task.args, vars, task.location) as Record<string, unknown>
  // `module: "{{ a_dict }}"`: the variable's mapping, under the task's own arguments
  if (variable !== undefined && (variable === null || typeof variable !== 'object' || Array.isArray(variable))) return `${task.action}: the arguments from a variable must be a mapping, got ${String(variable)}`
  const args = Object.fromEntries(Object.entries({ ...(variable as Record<string, unknown> | undefined), ...own }).filter(([, v]) => v !== OMIT))
  if (task.ansibleModule) return args
  const mod = builtinModules[task.action]!
  const parsed = mod.args.safeParse(args)
  return parsed.success ? parsed.data : describeIssue(mod.name, parsed.error.issues[0]!)
}

/** A failed result with just a message, as Ansible reports errors raised before the module runs. */
const diffData = (d: Diff): Record<string, string> =>
  d.prepared !== undefined ? { prepared: d.prepared } : { before: d.before, after: d.after, ...(d.beforeHeader !== undefined ? { before_header: d.beforeHeader } : {}), ...(d.afterHeader !== undefined ? { after_header: d.afterHeader } : {}) }

export const failed = (host: string, msg: string): TaskResult => ({ host, status: 'failed', data: { changed: false, failed: true, msg }, diff: [], changes: [] })

/** An unreachable result; `delegated` names the delegate that could not be reached, if any. */
export const unreachable = (host: string, msg: string, delegated: Delegation = {}): TaskResult => ({
  host,
  status: 'unreachable',
  ...delegated,
  data: { changed: false, unreachable: true, msg },
  diff: [],
  changes: [],
})

/** Who a delegated task ran on, as a result carries it. */
export type Delegation = Pick<TaskResult, 'delegatedTo' | 'delegatedHost'>

/** The delegation of a task on `host` run on `target`; the delegate's ansible_host is shown when it is not its name (as ansible). */
function delegation(ps: PlayState, host: string, target: string): Delegation {
  if (target === host) return {}
  const address = connectionVars(ps, target)['ansible_host']
  return address === undefined || address === null || String(address) === target ? { delegatedTo: target } : { delegatedTo: target, delegatedHost: String(address) }
}

/**
 * The host's connection, opened lazily and kept for the run; a failure to connect is remembered as unreachable.
 * A play whose connection variables for the host differ from those it was opened with (`connection: local` after
 * an SSH play, another `remote_user`…) closes it and opens one its own way, as ansible connects per play.
 */
export function connection(ps: PlayState, host: string): Promise<Connection> {
  const run = ps.run
  let state = run.hosts.get(host)
  if (state === undefined) {
    // a name not in the inventory (a delegate_to typo) is a host reached by that name over SSH, as in ansible:
    // only the implicit localhost connects locally, never any other unknown name
    if (!run.options.inventory.hosts.has(host)) run.implicit.set(host, LOCALHOST_NAMES.includes(host) ? implicitLocalhostVars() : {})
    state = newHostState()
    run.hosts.set(host, state)
  }
  if (state.conn !== undefined && ps.connectionsChecked.has(host)) return state.conn
  ps.connectionsChecked.add(host)
  const vars = connectionVars(ps, host)
  const key = connectionKey(vars)
  if (state.conn !== undefined && state.connKey !== key) {
    void state.conn.then((c) => c.close(), () => undefined)
    delete state.conn
  }
  state.connKey = key
  state.conn ??= run.options.connect(host, vars)
  return state.conn
}

// ansible-core's C.LOCALHOST: the names that mean the controller itself when the inventory does not define them
const LOCALHOST_NAMES = ['localhost', '127.0.0.1', '::1']

/** What decides where and how a connection goes, as one string. */
function connectionKey(vars: Vars): string {
  return JSON.stringify(KEY_VARS.map((name) => vars[name] ?? null))
}

const KEY_VARS = ['ansible_connection', ...CONNECTION_VARS, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password']

/** Play keywords that stand in for connection variables the host does not set (the variables win, as in Ansible). */
const CONNECTION_KEYWORDS: ReadonlyArray<readonly [string, string]> = [['connection', 'ansible_connection'], ['remote_user', 'ansible_user'], ['port', 'ansible_port']]

function connectionVars(ps: PlayState, host: string): Vars {
  const vars = templateVars(hostVars(ps, host))
  const defaults: Vars = {}
  for (const [kw, name] of CONNECTION_KEYWORDS) if (ps.play.keywords[kw] !== undefined && vars[name] === undefined) defaults[name] = renderValue(ps.play.keywords[kw], vars)
  return Object.keys(defaults).length === 0 ? vars : new Proxy(vars, { get: (t, k) => (typeof k === 'string' && k in defaults ? defaults[k] : Reflect.get(t, k)) })
}

/** A boolean keyword (check_mode, diff, become…), templated; `fallback` when unset. */
export function flag(value: unknown, vars: Vars, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback
  const v = typeof value === 'string' ? renderValue(value, vars) : value
  if (typeof v === 'boolean') return v
  return ['true', 'yes', 'on', '1', 'y'].includes(String(v).trim().toLowerCase())
}

function becomeOf(ps: PlayState, task: Task, vars: Vars): BecomeSpec | null {
  const o = ps.run.options
  const pick = (varName: string, kw: string): unknown => (vars[varName] !== undefined ? vars[varName] : keyword(task, kw))
  if (!flag(pick('ansible_become', 'become'), vars, o.become ?? false)) return null
  const user = pick('ansible_become_user', 'become_user') ?? o.becomeUser ?? 'root'
  const method = String(pick('ansible_become_method', 'become_method') ?? o.becomeMethod ?? 'sudo')
  if (method !== 'sudo' && method !== 'su') throw new ModuleError(`become_method '${method}' is not supported (use sudo or su)`)
  const password = vars['ansible_become_password'] ?? vars['ansible_become_pass'] ?? o.becomePassword
  const flags = pick('ansible_become_flags', 'become_flags')
  return {
    user: String(renderValue(user, vars)),
    method,
    ...(password !== undefined && password !== null ? { password: String(renderValue(password, vars)) } : {}),
    ...(typeof flags === 'string' && flags.trim() !== '' ? { flags: flags.trim().split(/\s+/) } : {}),
  }
}

function environmentOf(task: Task, vars: Vars): Record<string, string> {
  const env: Record<string, string> = {}
  const levels = [...scopeChain(task.scope).map((s) => s.keywords['environment']), task.keywords['environment']]
  for (const level of levels) {
    if (level === undefined || level === null) continue
    const rendered = renderValue(level, vars, task.location)
    for (const entry of [rendered].flat()) {
      if (typeof entry !== 'object' || entry === null) throw new TemplateError(`environment: expected a mapping, got ${JSON.stringify(entry)}`)
      for (const [k, v] of Object.entries(entry)) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new ModuleError(`environment: invalid variable name '${k}'`)
        env[k] = typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v)
      }
    }
  }
  return env
}

function findControllerFile(ps: PlayState, task: Task, kind: 'files' | 'templates', name: string): string {
  if (isAbsolute(name)) {
    if (existsSync(name)) return name
    throw new ModuleError(`could not find or access '${name}' on the controller`)
  }
  const role = taskRole(task)
  const pb = ps.run.playbook.dir
  const candidates = [
    ...(role ? [join(role.path, kind, name), join(role.path, name)] : []),
    resolve(task.scope.dir, '..', kind, name),
    resolve(task.scope.dir, name),
    join(pb, kind, name),
    join(pb, name),
  ]
  const found = candidates.find((c) => existsSync(c))
  if (found) return found
  throw new ModuleError(`could not find or access '${name}' (searched ${candidates.join(', ')})`)
}
