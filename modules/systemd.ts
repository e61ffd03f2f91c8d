// - name: run containerd now and at boot
//   systemd:
//     name: containerd
//     state: started
//     enabled: true
//     daemon_reload: true
import { z } from 'zod'
import { type Command, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type ModuleContext } from '../engine/module.js'
import { yamlBool } from './lib/args.js'
import { withAliases } from './lib/packages.js'
import { isEnabled, isRunning, parseSystemctlShow } from './lib/systemd-show.js'

const states = ['started', 'stopped', 'restarted', 'reloaded'] as const

const args = withAliases(
  z
    .object({
      name: z.string().min(1).optional().describe('The unit, e.g. nginx or nginx.service (aliases service, unit)'),
      state: z.enum(states).optional().describe('started/stopped are idempotent; restarted and reloaded always act (and start a stopped unit)'),
      enabled: yamlBool.optional().describe('Whether the unit starts at boot'),
      force: yamlBool.optional().describe('Pass --force to enable/mask, overriding existing symlinks'),
      masked: yamlBool.optional().describe('Whether the unit is masked: it cannot be started at all'),
      daemon_reload: yamlBool.default(false).describe('Run daemon-reload first, so changed unit files are read (alias daemon-reload); not reported as a change'),
      daemon_reexec: yamlBool.default(false).describe('Run daemon-reexec first (alias daemon-reexec)'),
      scope: z.enum(['system', 'user', 'global']).default('system').describe('Which service manager: the system one, the become user\'s, or all users\''),
      no_block: yamlBool.default(false).describe('Queue the job and return without waiting for it'),
    })
    .strict()
    .superRefine((a, ctx) => {
      // With only a name it is a status query (ansible-core 2.15 and later; 2.14 refused it).
      if (a.name === undefined && a.state === undefined && a.enabled === undefined && a.masked === undefined && !a.daemon_reload && !a.daemon_reexec) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'one of the following is required: name, state, enabled, masked, daemon_reload, daemon_reexec' })
      }
      for (const key of ['state', 'enabled', 'masked'] as const) {
        if (a[key] !== undefined && a.name === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `missing parameter(s) required by '${key}': name` })
      }
    }),
  { service: 'name', unit: 'name', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' },
)

/** The arguments after validation. */
export type SystemdArgs = z.output<typeof args>

/** What one `systemctl show` and `is-enabled` said about the unit. */
export interface UnitState {
  readonly status: Readonly<Record<string, string>>
  /** Exit code and output of `systemctl is-enabled`. */
  readonly enabledRc: number
  readonly enabledOut: string
  /** A daemon-reload or daemon-reexec that failed, with its message. */
  readonly daemonError?: string
}

interface UnitChange extends Change {
  readonly kind: 'mask' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload'
}

const SEPARATOR = '--tsplay-is-enabled--'

/**
 * `systemctl` with the scope and blocking flags every call of one task shares. A user manager is reached
 * through XDG_RUNTIME_DIR, which a non-login SSH session may lack; ansible-core fills it in the same way.
 */
const systemctl = (a: SystemdArgs): Command => {
  const runtime = a.scope === 'user' ? 'XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}" ' : ''
  return sh`${raw(runtime)}systemctl ${a.scope === 'system' ? [] : [`--${a.scope}`]} ${a.no_block ? ['--no-block'] : []}`
}

/**
 * Read the unit in one round trip. daemon-reload/-reexec run here, first, as in ansible-core, because what
 * `systemctl show` reports depends on them; ansible-core does not count them as a change either.
 */
async function gather(ctx: ModuleContext, a: SystemdArgs): Promise<UnitState> {
  const base = systemctl(a)
  const daemon = [a.daemon_reload ? 'daemon-reload' : undefined, a.daemon_reexec ? 'daemon-reexec' : undefined].filter((x) => x !== undefined)
  const steps = ctx.check ? [] : daemon.map((verb) => sh`${raw(base)} ${verb} || { echo "failure $? during ${raw(verb)}" >&2; exit 90; }`)
  if (a.name !== undefined) {
    steps.push(sh`${raw(base)} show -- ${a.name} 2>/dev/null; echo ${SEPARATOR}; ${raw(base)} is-enabled -- ${a.name} 2>/dev/null; echo "$?"`)
  }
  if (steps.length === 0) return { status: {}, enabledRc: 1, enabledOut: '' }
  const result = await ctx.conn.exec(sh`${raw(steps.join('\n'))}`, { allowFailure: true, text: true })
  if (result.exitCode === 90) return { status: {}, enabledRc: 1, enabledOut: '', daemonError: result.stderr.trim() }
  return parseGathered(result.stdout)
}

/** Split the gather output into the show properties and the is-enabled answer. */
export function parseGathered(stdout: string): UnitState {
  const at = stdout.lastIndexOf(`${SEPARATOR}\n`)
  if (at < 0) return { status: {}, enabledRc: 1, enabledOut: '' }
  const tail = stdout.slice(at + SEPARATOR.length + 1).trimEnd().split('\n')
  const enabledRc = Number(tail.pop())
  return { status: parseSystemctlShow(stdout.slice(0, at)), enabledRc, enabledOut: tail.join('\n') }
}

/** Decide mask, enable and run-state changes in ansible-core's order; pure. */
export function planUnit(a: SystemdArgs, state: UnitState) {
  if (state.daemonError !== undefined) throw new ModuleError(state.daemonError)
  const name = a.name
  const values: Record<string, unknown> = { status: state.status }
  const changes: UnitChange[] = []
  if (name === undefined) return { changes, values }
  values['name'] = name
  const loadState = state.status['LoadState']
  const found = loadState !== undefined && loadState !== 'not-found'
  const isMasked = loadState === 'masked' || state.enabledOut.trim() === 'masked'
  if (found && !isMasked && state.status['LoadError'] !== undefined) {
    throw new ModuleError(`Error loading unit file '${name}': ${state.status['LoadError']}`, values)
  }
  const missing = (): ModuleError => new ModuleError(`Could not find the requested service ${name}: host`, values)
  if (a.masked !== undefined && a.masked !== isMasked) {
    changes.push({ kind: a.masked ? 'mask' : 'unmask', summary: `${a.masked ? 'mask' : 'unmask'} ${name}` })
  }
  if (a.enabled !== undefined) {
    if (!found) throw missing()
    const enabled = isEnabled(state.enabledRc, state.enabledOut)
    if (enabled !== a.enabled) changes.push({ kind: a.enabled ? 'enable' : 'disable', summary: `${a.enabled ? 'enable' : 'disable'} ${name}` })
    values['enabled'] = a.enabled
  }
  if (a.state !== undefined) {
    if (!found) throw missing()
    if (state.status['ActiveState'] === undefined) throw new ModuleError('Service is in unknown state', values)
    const running = isRunning(state.status)
    const action = runAction(a.state, running, state.status['ActiveState'] === 'deactivating')
    if (action) changes.push({ kind: action, summary: `${action} ${name}` })
    values['state'] = a.state === 'stopped' ? 'stopped' : 'started'
  }
  return { changes, values }
}

function runAction(wanted: (typeof states)[number], running: boolean, deactivating: boolean): UnitChange['kind'] | undefined {
  if (wanted === 'started') return running ? undefined : 'start'
  if (wanted === 'stopped') return running || deactivating ? 'stop' : undefined
  if (!running) return 'start'
  return wanted === 'restarted' ? 'restart' : 'reload'
}

/** A readable before/after of the unit for --diff: only the aspects the task manages. */
function unitDiff(a: SystemdArgs, state: UnitState) {
  const before: string[] = []
  const after: string[] = []
  if (a.masked !== undefined) {
    before.push(`masked: ${state.status['LoadState'] === 'masked' || state.enabledOut.trim() === 'masked'}`)
    after.push(`masked: ${a.masked}`)
  }
  if (a.enabled !== undefined) {
    before.push(`enabled: ${isEnabled(state.enabledRc, state.enabledOut)}`)
    after.push(`enabled: ${a.enabled}`)
  }
  if (a.state !== undefined) {
    before.push(`active: ${isRunning(state.status)}`)
    after.push(`active: ${a.state !== 'stopped'}`)
  }
  return [{ before: `${before.join('\n')}\n`, after: `${after.join('\n')}\n`, beforeHeader: `${a.name} (before)`, afterHeader: `${a.name} (after)` }]
}

/** Starts, stops, restarts, reloads, enables and masks systemd units (Ansible's `systemd` / `systemd_service`). */
export const systemd = defineModule({
  name: 'systemd',
  gathersAhead: true,
  args,
  description: 'Manage a systemd unit: running state, enabled at boot, masked; daemon-reload',
  example: 'systemd:\n  name: containerd\n  state: started\n  enabled: true\n  daemon_reload: true',
  gather,
  plan(a, state) {
    const planned = planUnit(a, state)
    return planned.changes.length === 0 ? planned : { ...planned, diff: unitDiff(a, state) }
  },
  async apply(ctx, plan, a) {
    const base = systemctl(a)
    const run = async (kind: UnitChange['kind']): Promise<void> => {
      const force = a.force && (kind === 'enable' || kind === 'mask') ? ['--force'] : []
      const result = await ctx.conn.exec(sh`${raw(base)} ${kind} ${force} -- ${a.name ?? ''}`, { allowFailure: true })
      if (result.exitCode !== 0) throw new ModuleError(`Unable to ${kind} service ${a.name}: ${(result.stdout + result.stderr).trim()}`, plan.values ?? {})
    }
    for (const change of plan.changes) {
      await run(change.kind)
      // A masked unit hides whether it is enabled; ansible-core asks again after unmasking and acts on the
      // answer, so the real run may disable or enable what check mode could not see.
      if (change.kind === 'unmask' && a.enabled !== undefined && !plan.changes.some((c) => c.kind === 'enable' || c.kind === 'disable')) {
        const now = await ctx.conn.exec(sh`${raw(base)} is-enabled -- ${a.name ?? ''}`, { allowFailure: true })
        if (isEnabled(now.exitCode, now.stdout) !== a.enabled) await run(a.enabled ? 'enable' : 'disable')
      }
    }
  },
})
