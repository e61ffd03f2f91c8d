// Running one of Ansible's own modules on a host: packed by ansible-core (pack.ts), executed by the host's Python
// with the script on standard input (as ansible's pipelining does), over the task's connection (become and
// environment included); its JSON result becomes the task's result.
import { type Connection, sh } from '../connection/index.js'
import type { Diff } from '../module.js'
import type { AnsibleModuleRef } from './find.js'
import { AnsibleModuleError, packModule } from './pack.js'

/** How the task runs the module: the flags ansible passes as `_ansible_*` arguments. */
export interface AnsibleRunOptions {
  readonly check: boolean
  readonly diff: boolean
  readonly noLog: boolean
  readonly verbosity: number
  /** The host's `ansible_python_interpreter`, when set. */
  readonly interpreter?: string
}

/** What the module returned, as a task result needs it. */
export interface AnsibleOutcome {
  readonly status: 'ok' | 'changed' | 'skipped' | 'failed'
  readonly data: Record<string, unknown>
  readonly diff: readonly Diff[]
}

/** The ansible-core version tsplay stands in for: modules see it in _ansible_version, playbooks in ansible_version. */
export const ANSIBLE_VERSION = '2.14.0'

const discovered = new Map<string, Promise<string | undefined>>()

/** The host's Python: `ansible_python_interpreter`, else the first of ansible's usual candidates found there. */
async function interpreterOf(conn: Connection, options: AnsibleRunOptions): Promise<string> {
  if (options.interpreter !== undefined && options.interpreter !== 'auto' && !options.interpreter.startsWith('auto_')) return options.interpreter
  let found = discovered.get(conn.host)
  if (found === undefined) {
    const probe = sh`for p in python3 /usr/bin/python3 /usr/libexec/platform-python python; do command -v -- "$p" && exit 0; done; exit 0`
    found = conn.with({ become: null }).exec(probe, { allowFailure: true, text: true }).then((r) => r.stdout.trim().split('\n')[0] || undefined)
    discovered.set(conn.host, found)
  }
  const python = await found
  if (python === undefined) throw new AnsibleModuleError(`${conn.host} has no Python, which modules tsplay has no native version of need (they run as Ansible's own): install python3 there, or set ansible_python_interpreter`)
  return python
}

/** The module's arguments with the `_ansible_*` settings ansible adds (ActionBase._update_module_args). */
function moduleArgs(ref: AnsibleModuleRef, args: Readonly<Record<string, unknown>>, options: AnsibleRunOptions): Record<string, unknown> {
  return {
    ...args,
    _ansible_check_mode: options.check,
    _ansible_no_log: options.noLog,
    _ansible_debug: false,
    _ansible_diff: options.diff,
    _ansible_verbosity: options.verbosity,
    _ansible_version: ANSIBLE_VERSION,
    _ansible_module_name: ref.name,
    _ansible_syslog_facility: 'LOG_USER',
    _ansible_selinux_special_fs: ['fuse', 'nfs', 'vboxsf', 'ramfs', '9p', 'vfat'],
    _ansible_string_conversion_action: 'warn',
    _ansible_socket: null,
    _ansible_shell_executable: '/bin/sh',
    _ansible_keep_remote_files: false,
    _ansible_tmpdir: null,
    _ansible_remote_tmp: '~/.ansible/tmp',
  }
}

/** The JSON object in a module's output, skipping lines printed before or after it (ansible's _filter_non_json_lines). */
export function moduleJson(stdout: string): Record<string, unknown> | undefined {
  const start = stdout.search(/^\s*\{/m)
  const end = stdout.lastIndexOf('}')
  if (start < 0 || end < start) return undefined
  try {
    const value = JSON.parse(stdout.slice(start, end + 1)) as unknown
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/** A module's `diff` (one or a list of before/after dicts, or a prepared text) in tsplay's form. */
function diffsOf(value: unknown): Diff[] {
  return [value ?? []].flat().flatMap((d): Diff[] => {
    if (d === null || typeof d !== 'object') return []
    const r = d as Record<string, unknown>
    if (typeof r['prepared'] === 'string') return [{ before: '', after: '', prepared: r['prepared'] }]
    if (r['before'] === undefined && r['after'] === undefined) return []
    const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v, null, 4))
    return [{ before: text(r['before']), after: text(r['after']), ...(typeof r['before_header'] === 'string' ? { beforeHeader: r['before_header'] } : {}), ...(typeof r['after_header'] === 'string' ? { afterHeader: r['after_header'] } : {}) }]
  })
}

/** Run `ref` with `args` on the connection's host; a failure of the module is a failed outcome, not an error. */
export async function runAnsibleModule(conn: Connection, ref: AnsibleModuleRef, args: Readonly<Record<string, unknown>>, options: AnsibleRunOptions): Promise<AnsibleOutcome> {
  const interpreter = await interpreterOf(conn, options)
  const script = await packModule({ name: ref.name, path: ref.path, args: moduleArgs(ref, args, options), interpreter, environment: conn.env }, ref.roots)
  const run = await conn.exec(sh`${interpreter}`, { stdin: script, allowFailure: true })
  const result = moduleJson(run.stdout)
  if (result === undefined) {
    const data = { changed: false, failed: true, msg: 'MODULE FAILURE\nSee stdout/stderr for the exact error', module_stdout: run.stdout, module_stderr: run.stderr, rc: run.exitCode }
    return { status: 'failed', data, diff: [] }
  }
  const data = Object.fromEntries(Object.entries(result).filter(([key]) => !key.startsWith('_ansible_')))
  const changed = data['changed'] === true
  data['changed'] = changed
  const failed = data['failed'] === true || (run.exitCode !== 0 && data['failed'] !== false)
  if (failed) data['failed'] = true
  const status = failed ? 'failed' : data['skipped'] === true ? 'skipped' : changed ? 'changed' : 'ok'
  return { status, data, diff: options.diff ? diffsOf(result['diff']) : [] }
}
