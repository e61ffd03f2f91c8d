// - name: keep kubelet at its version through upgrades
//   dpkg_selections:
//     name: kubelet
//     selection: hold
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change } from '../engine/module.js'

const args = z
  .object({
    // One line of `dpkg --set-selections` input: white space would start another field or package.
    name: z.string().min(1).regex(/^\S+$/, 'expected one package name (no white space)').describe('The package'),
    selection: z.enum(['install', 'hold', 'deinstall', 'purge']).describe('What dpkg should do with it: install, hold, deinstall or purge'),
  })
  .strict()

type Args = z.output<typeof args>

/** `dpkg --get-selections NAME` output ('' when dpkg knows no such package). */
export interface SelectionState {
  readonly output: string
}

/** The current selection, 'not present' when dpkg has none, as ansible.builtin.dpkg_selections reads it. */
export const currentSelection = (output: string): string => output.trim().split(/\s+/)[1] ?? 'not present'

/** Change the selection when it differs; `before`/`after` are returned either way. Pure. */
export function planSelection(a: Args, state: SelectionState) {
  const before = currentSelection(state.output)
  const changes: Change[] = before === a.selection ? [] : [{ kind: 'select', summary: `set dpkg selection of ${a.name} ${before} → ${a.selection}` }]
  return { changes, values: { before, after: a.selection } }
}

/** Sets a package's dpkg selection, e.g. `hold` (ansible.builtin.dpkg_selections). */
export const dpkg_selections = defineModule({
  name: 'dpkg_selections',
  gathersAhead: true,
  args,
  description: "Set a package's dpkg selection (install, hold, deinstall, purge)",
  example: 'dpkg_selections:\n  name: kubelet\n  selection: hold',
  async gather(ctx, a: Args): Promise<SelectionState> {
    const result = await ctx.conn.exec(sh`dpkg --get-selections -- ${a.name}`, { allowFailure: true, text: true })
    if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim() || `dpkg --get-selections failed (rc ${result.exitCode})`, { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr })
    return { output: result.stdout }
  },
  plan: planSelection,
  async apply(ctx, _plan, a: Args) {
    const result = await ctx.conn.exec(sh`dpkg --set-selections`, { stdin: `${a.name} ${a.selection}\n`, allowFailure: true })
    if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim() || `dpkg --set-selections failed (rc ${result.exitCode})`, { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr })
  },
})
