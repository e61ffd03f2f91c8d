// - name: let ping open raw sockets without setuid
//   community.general.capabilities:
//     path: /usr/bin/ping
//     capability: cap_net_raw=ep
//     state: present
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { splitLines } from './lib/command-words.js'
import { withAliases } from './lib/packages.js'

const args = withAliases(
  z
    .object({
      path: z.string().describe('The file whose capabilities to change (alias key)'),
      capability: z.string().describe("A capability with its operator and flags as setcap takes it (cap_net_raw=ep); for absent the name is enough (alias cap). As in ansible, write it with `=` as getcap prints it: `+ep` never matches and changes on every run. Unlike ansible, which reads only getcap's first clause, tsplay keeps the file's other capabilities"),
      state: z.enum(['present', 'absent']).default('present').describe('Whether the file has the capability (present) or not (absent)'),
    })
    .strict(),
  { key: 'path', cap: 'capability' },
)

type Args = z.output<typeof args>

/** One capability clause: name, operator (=, - or +) and flags, as ansible splits them. */
export type Cap = readonly [name: string, op: string, flags: string]

/** What `getcap -v PATH` printed. */
export interface CapState {
  readonly rc: number
  readonly stdout: string
  readonly stderr: string
}

/** The capabilities to set with setcap (all of them, as the file is to have them). */
export interface CapChange extends Change {
  readonly text: string
}

/** Split `cap_net_raw+ep` at the first of =, -, + (in that order of preference, as ansible); undefined without one. */
export function parseCap(text: string): Cap | undefined {
  const op = ['=', '-', '+'].find((o) => text.includes(o))
  if (op === undefined) return undefined
  const parts = text.split(op)
  if (parts.length !== 2) throw new ModuleError(`cannot read capability '${text}': one operator expected`)
  return [parts[0]!, op, parts[1]!]
}

/**
 * The capabilities getcap reports for `path`: every clause after the path (old libcap writes `PATH = …`), each
 * comma group split into its names with the group's operator and flags.
 */
export function parseGetcap(stdout: string, path: string): Cap[] {
  const out = stdout.trim()
  if (out === path) return []
  const rest = out.includes(' =') ? out.split(' =')[1]! : out.startsWith(`${path} `) ? out.slice(path.length + 1) : (out.split(/\s+/)[1] ?? '')
  return rest.trim().split(/\s+/).filter((c) => c !== '').flatMap((clause) => {
    const names = clause.toLowerCase().split(',')
    const [last, op, flags] = parseCap(names.pop()!) ?? [names.pop() ?? clause, '', '']
    return [...names, last].map((name): Cap => [name, op, flags])
  })
}

const same = (a: Cap, b: Cap): boolean => a[0] === b[0] && a[1] === b[1] && a[2] === b[2]

/** Add (or re-flag) or remove the capability when the file differs, as community.general.capabilities decides. Pure. */
export function planCapabilities(a: Args, state: CapState, ctx?: Pick<ModuleContext, 'check'>) {
  const path = a.path.trim()
  const wanted = a.capability.trim().toLowerCase()
  const cap = parseCap(wanted)
  if (cap === undefined && a.state === 'present') throw new ModuleError("Couldn't find operator (one of: ('=', '-', '+'))")
  if (cap !== undefined && !/^[a-z]/.test(cap[0])) throw new ModuleError(`capability '${wanted}' must start with a capability name`)
  if (state.rc !== 0 || state.stderr !== '') throw new ModuleError(`Unable to get capabilities of ${path}`, { stdout: state.stdout.trim(), stderr: state.stderr, stdout_lines: splitLines(state.stdout.trim()), stderr_lines: splitLines(state.stderr) })
  const current = parseGetcap(state.stdout, path)
  const name = cap?.[0] ?? wanted
  const others = current.filter((c) => c[0] !== name)
  const result = (changes: CapChange[]) => ({ changes, values: changes.length === 0 ? { state: a.state } : ctx?.check ? { msg: 'capabilities changed' } : { state: a.state, msg: 'capabilities changed' } })
  if (a.state === 'present' && !current.some((c) => same(c, cap!))) return result([{ kind: 'set', summary: `set ${wanted} on ${path}`, text: [...others, cap!].map((c) => c.join('')).join(' ') }])
  if (a.state === 'absent' && others.length < current.length) return result([{ kind: 'drop', summary: `remove ${name} from ${path}`, text: others.map((c) => c.join('')).join(' ') }])
  return result([])
}

/** Sets or removes one file capability with setcap (community.general.capabilities). */
export const capabilities = defineModule({
  name: 'capabilities',
  gathersAhead: true,
  args,
  description: 'Add or remove a Linux file capability (getcap/setcap)',
  example: 'capabilities:\n  path: /usr/bin/ping\n  capability: cap_net_raw=ep\n  state: present',
  async gather(ctx, a: Args): Promise<CapState> {
    const result = await ctx.conn.exec(sh`getcap -v -- ${a.path.trim()}`, { allowFailure: true, text: true })
    return { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr }
  },
  plan: planCapabilities,
  async apply(ctx, plan, a: Args) {
    for (const change of plan.changes) {
      // setcap knows no `--` (and `-` would read the text from stdin, prompting on stdout): the text starts with a
      // capability name (planCapabilities checks) and a path starting with a dash is made relative.
      const path = a.path.trim()
      const result = await ctx.conn.exec(sh`setcap ${change.text} ${path.startsWith('-') ? `./${path}` : path}`, { allowFailure: true, text: true })
      if (result.exitCode !== 0) throw new ModuleError(`Unable to set capabilities of ${a.path.trim()}`, { stdout: result.stdout, stderr: result.stderr, stdout_lines: splitLines(result.stdout), stderr_lines: splitLines(result.stderr) })
      return { stdout: result.stdout, stdout_lines: splitLines(result.stdout) }
    }
  },
})
