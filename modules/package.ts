// - name: install chrony whatever the distribution's package manager
//   package:
//     name: chrony
//     state: present
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { gatherFacts } from '../engine/facts/index.js'
import { defineModule, type AnyModule, type Change, type ModuleContext, type Plan } from '../engine/module.js'
import { apt } from './apt.js'
import { dnf } from './dnf.js'
import { yum } from './yum.js'

const BACKENDS: Readonly<Record<string, AnyModule>> = { apt, dnf, yum, dnf5: dnf }

// Like Ansible's action plugin, every argument but `use` goes to the chosen module, which validates it.
const args = z.object({
  name: z.unknown().refine((v) => v !== undefined, 'missing required arguments: name').describe('package name(s), passed to the package manager module'),
  state: z.string().describe('present, latest, absent… as the package manager module accepts'),
  use: z.string().default('auto').describe("the module to use (apt, dnf, yum); 'auto' takes ansible_pkg_mgr from the facts, or probes the host"),
}).catchall(z.unknown())

type Args = z.output<typeof args>

interface PackageState {
  readonly backend: AnyModule
  readonly args: unknown
  readonly state: unknown
}

/** The package manager module for a host: `use`, else the `ansible_pkg_mgr` fact, else the fact gathered now (as Ansible's action does). */
async function chooseBackend(ctx: ModuleContext, use: string): Promise<string> {
  if (use !== 'auto') return use
  const facts = ctx.vars.ansible_facts as Record<string, unknown> | undefined
  const fact = ctx.vars.ansible_pkg_mgr ?? facts?.pkg_mgr
  if (typeof fact === 'string' && fact !== 'unknown') return fact
  // A Debian host with dnf installed is still an apt host: the facts' family rules decide, not which tool exists.
  const gathered = await gatherFacts(ctx.conn, ['!all', 'pkg_mgr'])
  return String(gathered.pkg_mgr ?? 'unknown')
}

/** Installs or removes packages with the host's package manager (apt, dnf or yum), as Ansible's package. */
export const packageModule = defineModule({
  name: 'package',
  description: "manage packages with the host's own package manager module (apt, dnf, yum)",
  example: '- package:\n    name: chrony\n    state: present',
  args,

  async gather(ctx: ModuleContext, a: Args): Promise<PackageState> {
    const name = await chooseBackend(ctx, a.use)
    const backend = BACKENDS[name]
    if (!backend) throw new ModuleError(`Could not find a module for ${name}.`)
    const { use: _use, ...rest } = a
    const parsed = backend.args.safeParse(rest)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      throw new ModuleError(`${backend.name}: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`)
    }
    return { backend, args: parsed.data, state: await backend.gather(ctx, parsed.data) }
  },

  plan(_a: Args, s: PackageState, ctx: ModuleContext): Plan<Change> & { readonly backendState?: PackageState } {
    return { ...s.backend.plan(s.args, s.state, ctx), backendState: s }
  },

  async apply(ctx: ModuleContext, plan: Plan<Change> & { readonly backendState?: PackageState }) {
    const s = plan.backendState!
    return s.backend.apply(ctx, plan, s.args)
  },
})
