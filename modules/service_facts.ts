// - name: learn which services exist and run
//   service_facts:
// - debug:
//     msg: "containerd is {{ ansible_facts.services['containerd.service'].state }}"
//   when: "'containerd.service' in ansible_facts.services"
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { defineModule } from '../engine/module.js'
import { splitSections } from './lib/getent.js'

const args = z.object({}).strict()

/** What the host's service managers printed: `service --status-all`, systemd's unit lists and the states of unit files without a loaded unit. */
export interface ServiceListings {
  readonly sysv?: string | undefined
  readonly units?: string | undefined
  readonly unitFiles?: string | undefined
  /** `NAME ActiveState=…` lines for unit files that list-units did not show. */
  readonly shown?: string
}

/** One service as ansible's service_facts describes it. */
export type ServiceFact = Record<string, string>

// A unit in one of these states is marked with a dot in list-units output, which shifts the columns.
const BAD_STATES = ['not-found', 'masked', 'failed']

const serviceLines = (text: string | undefined): string[] => (text ?? '').split('\n').filter((l) => l.includes('.service'))

/** `service --status-all` lines (` [ + ]  ssh`) as sysv services. */
function parseSysv(text: string, services: Record<string, ServiceFact>): void {
  for (const m of text.matchAll(/^\s*\[ (\+|-) \]\s+(.+)$/gm)) services[m[2]!] = { name: m[2]!, state: m[1] === '+' ? 'running' : 'stopped', source: 'sysv' }
}

/** `systemctl list-units --type service --all`: name, status (active/inactive or a bad state), running or stopped. */
function parseUnits(text: string | undefined, services: Record<string, ServiceFact>): void {
  for (const line of serviceLines(text)) {
    let fields = line.trim().split(/\s+/)
    let status = 'unknown'
    const bad = BAD_STATES.find((b) => fields.includes(b))
    if (bad !== undefined) [status, fields] = [bad, fields.slice(1)]
    else status = fields[2] ?? 'unknown'
    const name = fields[0]!
    services[name] = { name, state: fields[3] === 'running' ? 'running' : 'stopped', status, source: 'systemd' }
  }
}

/** The unit files list-units did not show: their states are read one by one, as ansible does. */
export function unitFilesMissing(listings: ServiceListings): string[] {
  const known: Record<string, ServiceFact> = {}
  parseUnits(listings.units, known)
  return serviceLines(listings.unitFiles).map((l) => l.trim().split(/\s+/)[0]!).filter((name) => !Object.hasOwn(known, name))
}

/** ansible_facts.services as ansible.builtin.service_facts builds it (sysv first, then systemd's units and unit files). Pure. */
export function planServiceFacts(_a: unknown, listings: ServiceListings) {
  const services: Record<string, ServiceFact> = {}
  if (listings.sysv !== undefined) parseSysv(listings.sysv, services)
  parseUnits(listings.units, services)
  const shown = new Map((listings.shown ?? '').split('\n').filter((l) => l !== '').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const))
  for (const line of serviceLines(listings.unitFiles)) {
    const [name = '', status = ''] = line.trim().split(/\s+/)
    const known = services[name]
    if (known === undefined) {
      const active = shown.get(name) ?? ''
      services[name] = { name, state: active === '' ? 'unknown' : active.replace('ActiveState=', '').trimEnd(), status, source: 'systemd' }
    } else if (!BAD_STATES.includes(known['status'] ?? '')) known['status'] = status
  }
  if (Object.keys(services).length === 0) return { changes: [], skip: 'Failed to find any services. This can be due to privileges or some other configuration issue.' }
  return { changes: [], values: { ansible_facts: { services } } }
}

/** Lists the host's services (systemd units, SysV scripts) as ansible_facts.services (ansible.builtin.service_facts). */
export const service_facts = defineModule({
  name: 'service_facts',
  gathersAhead: true,
  args,
  description: 'Read the services (systemd units and SysV init scripts) into ansible_facts.services: name → {name, state, status, source}',
  example: 'service_facts:',
  async gather(ctx): Promise<ServiceListings> {
    // ansible asks `service` only where neither chkconfig nor rc-status exists, and systemd only when it is PID 1.
    const script = sh`export LANG=C LC_ALL=C
if command -v service >/dev/null && ! command -v chkconfig >/dev/null && ! command -v rc-status >/dev/null; then echo --tsplay-sysv--; service --status-all 2>/dev/null; fi
if grep -q systemd /proc/1/comm 2>/dev/null && command -v systemctl >/dev/null; then
echo --tsplay-units--; systemctl list-units --no-pager --type service --all
echo --tsplay-files--; systemctl list-unit-files --no-pager --type service --all; fi; true`
    const sections = splitSections((await ctx.conn.exec(script, { text: true })).stdout)
    const listings: ServiceListings = { sysv: sections.get('sysv'), units: sections.get('units'), unitFiles: sections.get('files') }
    const missing = unitFilesMissing(listings)
    if (missing.length === 0) return listings
    const show = sh`for u in ${missing}; do printf '%s ' "$u"; LC_ALL=C systemctl show --property=ActiveState -- "$u" 2>/dev/null || echo; done; true`
    return { ...listings, shown: (await ctx.conn.exec(show, { text: true })).stdout }
  },
  plan: planServiceFacts,
  apply: () => Promise.resolve(),
})
