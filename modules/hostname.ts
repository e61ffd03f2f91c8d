// - name: name the node after its inventory entry
//   hostname:
//     name: "{{ inventory_hostname }}"
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change } from '../engine/module.js'
import { splitSections } from './lib/getent.js'

const args = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'expected a host name (letters, digits, dots and dashes)').max(64, 'name cannot be longer than 64 characters').describe('The host name, short or fully qualified'),
    use: z.enum(['systemd', 'debian', 'generic', 'alpine', 'openrc', 'file']).optional().describe('How to set it: systemd (hostnamectl) or a file strategy (/etc/hostname and `hostname`); default: systemd when it runs'),
  })
  .strict()

/** The running host name, the one kept in /etc/hostname, and whether systemd's hostnamectl can be used. */
export interface HostnameState {
  readonly current: string
  readonly permanent: string
  readonly systemd: boolean
}

/** `systemd`: set through hostnamectl rather than /etc/hostname and `hostname`. */
type HostnameChange = Change & { readonly kind: 'current' | 'permanent'; readonly systemd: boolean }

/** Plan setting the running and the permanent name, each only when it differs; pure. */
export function planHostname(a: z.output<typeof args>, state: HostnameState) {
  const changes: HostnameChange[] = []
  const systemd = a.use === undefined ? state.systemd : a.use === 'systemd'
  if (state.current !== a.name) changes.push({ kind: 'current', systemd, summary: `set current host name ${state.current} → ${a.name}` })
  if (state.permanent !== a.name) changes.push({ kind: 'permanent', systemd, summary: `set permanent host name ${state.permanent || '(none)'} → ${a.name}` })
  const facts = { ansible_hostname: a.name.split('.')[0], ansible_nodename: a.name }
  const diff = changes.length === 0 ? [] : [{ before: `hostname = ${state.permanent}\n`, after: `hostname = ${a.name}\n` }]
  return { changes, diff, values: { name: a.name, ansible_facts: facts } }
}

/** Sets the host's name now and for the next boot (Ansible's `hostname`). */
export const hostname = defineModule({
  name: 'hostname',
  args,
  description: 'Set the host name, now and permanently',
  example: 'hostname:\n  name: "{{ inventory_hostname }}"',
  async gather(ctx): Promise<HostnameState> {
    const script = sh`echo --tsplay-current--; hostname; echo --tsplay-permanent--; cat /etc/hostname 2>/dev/null; echo --tsplay-systemd--
if command -v hostnamectl >/dev/null && [ -d /run/systemd/system ]; then echo yes; fi`
    const sections = splitSections((await ctx.conn.exec(script)).stdout)
    const first = (key: string): string => (sections.get(key) ?? '').split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? ''
    return { current: first('current'), permanent: first('permanent'), systemd: first('systemd') === 'yes' }
  },
  plan: planHostname,
  async apply(ctx, plan, a) {
    for (const change of plan.changes) {
      const command =
        change.systemd ? sh`hostnamectl ${change.kind === 'current' ? ['--transient'] : ['--pretty', '--static']} set-hostname -- ${a.name}`
        : change.kind === 'current' ? sh`hostname -- ${a.name}`
        : undefined
      if (command === undefined) {
        await ctx.conn.writeFile('/etc/hostname', `${a.name}\n`)
        continue
      }
      const result = await ctx.conn.exec(command, { allowFailure: true })
      if (result.exitCode !== 0) throw new ModuleError(`Command failed rc=${result.exitCode}, out=${result.stdout}, err=${result.stderr}`)
    }
  },
})
