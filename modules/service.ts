// - name: restart nginx
//   service:
//     name: nginx
//     state: restarted
//     enabled: yes
import { z } from 'zod'
import { defineModule } from '../engine/module.js'
import { text, yamlBool, yamlInt } from './lib/args.js'
import { withAliases } from './lib/packages.js'
import { systemd, type SystemdArgs } from './systemd.js'

const args = withAliases(
  z
    .object({
      name: z.string().min(1).optional().describe('The service (alias service); may be left out when only daemon_reload or daemon_reexec is asked, as the systemd module allows'),
      state: z.enum(['started', 'stopped', 'restarted', 'reloaded']).optional().describe('started/stopped are idempotent; restarted and reloaded always act'),
      enabled: yamlBool.optional().describe('Whether the service starts at boot'),
      pattern: z.string().optional().describe('Ignored: only used by init systems without status (tsplay drives systemd)'),
      arguments: text.optional().describe('Ignored with systemd, as ansible-core does (alias args)'),
      sleep: yamlInt.optional().describe('Ignored with systemd, as ansible-core does'),
      runlevel: z.string().optional().describe('Ignored with systemd (OpenRC only)'),
      use: z.string().optional().describe('Ignored: tsplay always uses systemd'),
      daemon_reload: yamlBool.default(false).describe('Run systemctl daemon-reload first, as ansible passes it on to the systemd module (alias daemon-reload)'),
      daemon_reexec: yamlBool.default(false).describe('Run systemctl daemon-reexec first, passed on to systemd as ansible does (alias daemon-reexec)'),
    })
    .strict()
    .superRefine((a, ctx) => {
      if (a.state === undefined && a.enabled === undefined && !a.daemon_reload && !a.daemon_reexec) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'one of the following is required: state, enabled, daemon_reload, daemon_reexec' })
      if (a.name === undefined && (a.state !== undefined || a.enabled !== undefined)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'required with state or enabled' })
    }),
  { service: 'name', args: 'arguments', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' },
)

/** The systemd arguments a service task means; the init-script-only ones are dropped, as ansible-core's service action does. */
export function toSystemdArgs(a: z.output<typeof args>): SystemdArgs {
  return {
    ...(a.name === undefined ? {} : { name: a.name }),
    ...(a.state === undefined ? {} : { state: a.state }),
    ...(a.enabled === undefined ? {} : { enabled: a.enabled }),
    daemon_reload: a.daemon_reload,
    daemon_reexec: a.daemon_reexec,
    scope: 'system',
    no_block: false,
  }
}

/** Ansible's generic `service`, driving systemd exactly as the `systemd` module does. */
export const service = defineModule({
  name: 'service',
  args,
  description: 'Start, stop, restart, reload or enable a service (through systemd)',
  example: 'service:\n  name: nginx\n  state: restarted\n  enabled: true',
  gather: (ctx, a) => systemd.gather(ctx, toSystemdArgs(a)),
  plan: (a, state, ctx) => systemd.plan(toSystemdArgs(a), state, ctx),
  apply: (ctx, plan, a) => systemd.apply(ctx, plan, toSystemdArgs(a)),
})
