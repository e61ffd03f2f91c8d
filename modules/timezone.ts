// - name: keep the cluster's clocks in one zone
//   timezone:
//     name: Etc/UTC
//     hwclock: UTC
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change } from '../engine/module.js'
import { splitSections } from './lib/getent.js'
import { jsonDiffText } from './lib/file-diff.js'
import { withAliases } from './lib/packages.js'

const args = withAliases(
  z
    .object({
      name: z.string().min(1).optional().describe('The time zone, as a path under /usr/share/zoneinfo (Asia/Tokyo, Etc/UTC)'),
      hwclock: z.enum(['local', 'UTC']).optional().describe('Whether the hardware clock keeps local time or UTC (alias rtc)'),
    })
    .strict()
    .refine((a) => a.name !== undefined || a.hwclock !== undefined, { message: 'one of the following is required: hwclock, name' }),
  { rtc: 'hwclock' },
)

type TimezoneArgs = z.output<typeof args>

/** `timedatectl status` (null when timedatectl is missing or fails) and whether the zone file exists. */
export interface TimezoneState {
  readonly status: string | null
  readonly zoneExists: boolean
}

type TimezoneChange = Change & { readonly kind: 'name' | 'hwclock'; readonly value: string }

/** The current values timedatectl reports, as community.general.timezone reads them. */
export function parseTimedatectl(status: string): { name?: string; hwclock?: 'local' | 'UTC' } {
  const name = /^\s*Time ?zone\s*:\s*(\S+)/m.exec(status)?.[1]
  const rtc = /^\s*RTC in local TZ\s*:\s*(\S+)/m.exec(status)?.[1]
  return { ...(name === undefined ? {} : { name }), ...(rtc === undefined ? {} : { hwclock: /^(yes|true|on|1)$/i.test(rtc) ? 'local' : 'UTC' }) }
}

/** Set what differs, hwclock before name (ansible's argument order), with ansible's dict diff. Pure. */
export function planTimezone(a: TimezoneArgs, state: TimezoneState) {
  if (state.status === null) throw new ModuleError('timezone needs timedatectl (systemd) on the host; tsplay does not set the zone through /etc/localtime on hosts without it')
  if (a.name !== undefined && !state.zoneExists) throw new ModuleError(`Error message:\ngiven timezone "${a.name}" is not available`)
  const current = parseTimedatectl(state.status)
  const before: Record<string, string | undefined> = {}
  const after: Record<string, string | undefined> = {}
  const changes: TimezoneChange[] = []
  for (const key of ['hwclock', 'name'] as const) {
    const wanted = a[key]
    if (wanted === undefined) continue
    before[key] = current[key]
    after[key] = wanted
    if (current[key] !== wanted) changes.push({ kind: key, value: wanted, summary: `set ${key === 'name' ? 'time zone' : 'hardware clock'} ${current[key] ?? '(unknown)'} → ${wanted}` })
  }
  return {
    changes,
    diff: changes.length === 0 ? [] : [{ before: jsonDiffText(before), after: jsonDiffText(after) }],
    values: { diff: { before, after } },
  }
}

/** ansible's msg after a real run: the commands it executed (none in check mode, where nothing is executed). */
const executedMessage = (changes: readonly TimezoneChange[]): string =>
  changes.map((c) => `executed \`/usr/bin/timedatectl ${c.kind === 'name' ? 'set-timezone' : 'set-local-rtc'} ${c.kind === 'name' ? c.value : c.value === 'local' ? 'yes' : 'no'}\``).join('\n')

/** Sets the time zone and the hardware clock's zone with timedatectl (community.general.timezone on systemd hosts). */
export const timezone = defineModule({
  name: 'timezone',
  args,
  description: 'Set the system time zone and whether the hardware clock keeps local time (timedatectl)',
  example: 'timezone:\n  name: Etc/UTC',
  async gather(ctx, a: TimezoneArgs): Promise<TimezoneState> {
    const zone = a.name === undefined ? '' : `/usr/share/zoneinfo/${a.name}`
    const script = sh`echo --tsplay-zone--; if [ -f ${zone} ]; then echo yes; fi
echo --tsplay-status--; LC_ALL=C timedatectl status 2>/dev/null || echo --tsplay-none--`
    const sections = splitSections((await ctx.conn.exec(script, { text: true })).stdout)
    return { status: sections.has('none') ? null : (sections.get('status') ?? null), zoneExists: (sections.get('zone') ?? '').trim() === 'yes' }
  },
  plan: planTimezone,
  async apply(ctx, plan) {
    for (const change of plan.changes) {
      const command = change.kind === 'name' ? sh`timedatectl set-timezone -- ${change.value}` : sh`timedatectl set-local-rtc -- ${change.value === 'local' ? 'yes' : 'no'}`
      const result = await ctx.conn.exec(command, { allowFailure: true })
      if (result.exitCode !== 0) throw new ModuleError(`${result.stderr.trim() || result.stdout.trim()}`, { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr })
    }
    const after = parseTimedatectl((await ctx.conn.exec(sh`LC_ALL=C timedatectl status`)).stdout)
    const wrong = plan.changes.filter((c) => after[c.kind] !== c.value)
    if (wrong.length > 0) throw new ModuleError(`Error message:\nstill not desired state, though changes have made - planned: ${wrong.map((c) => `${c.kind}=${c.value}`).join(', ')}, after: ${wrong.map((c) => `${c.kind}=${after[c.kind] ?? ''}`).join(', ')}`)
    return { msg: executedMessage(plan.changes) }
  },
})
