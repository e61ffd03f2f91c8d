// - name: let the node forward packets, now and after a reboot
//   sysctl:
//     name: net.ipv4.ip_forward
//     value: 1
//     sysctl_file: /etc/sysctl.d/99-kubernetes.conf
//     sysctl_set: true
import { z } from 'zod'
import { type Command, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type ModuleContext } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { withAliases } from './lib/packages.js'
import { readSysctlFile, rewriteSysctlFile, sameSysctlValue, sysctlValue } from './lib/sysctl-file.js'

const args = withAliases(
  z
    .object({
      name: z.string().trim().regex(/^[A-Za-z0-9_*][A-Za-z0-9_.*/-]*$/, 'expected a sysctl key such as net.ipv4.ip_forward').describe('The key (alias key)'),
      value: text.optional().describe('The value; yes/no/true/false become 1/0 (alias val)'),
      state: z.enum(['present', 'absent']).default('present').describe('Whether the key is set in sysctl_file'),
      ignoreerrors: yamlBool.default(false).describe('Ignore unknown keys when reloading (sysctl -e)'),
      reload: yamlBool.default(true).describe('When something changed, load sysctl_file with sysctl -p; also checks the live value'),
      sysctl_file: z.string().default('/etc/sysctl.conf').describe('The file the setting is kept in'),
      sysctl_set: yamlBool.default(false).describe('Also set the live value with sysctl -w when it differs'),
    })
    .strict()
    .superRefine((a, ctx) => {
      if (a.state === 'present' && a.value === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['value'], message: 'state is present but all of the following are missing: value' })
    }),
  { key: 'name', val: 'value' },
)

type SysctlArgs = z.output<typeof args>

/** The file and the live value, read together. */
export interface SysctlState {
  /** sysctl_file's content, or null when it does not exist. */
  readonly file: string | null
  /** `sysctl -e -n NAME`: null when it failed. */
  readonly live: string | null
}

interface SysctlChange extends Change {
  readonly kind: 'set' | 'write' | 'reload' | 'unreadable'
  /** The whole new file, for `write`. */
  readonly content?: string
}

const SEPARATOR = '--tsplay-sysctl-file--'

/**
 * Reads a small text file with the `read` builtin, exactly (a last line without newline stays so), to spare an exec
 * per loop item. Not for /proc/sys: its files answer a read at a non-zero offset with end-of-file, and `read`
 * takes one byte at a time. `$1` is the file; the text lands in `t`.
 */
const READ_FILE = `nl='
'
slurp() { t=; while IFS= read -r l; do t="$t$l$nl"; done < "$1" || return; t="$t$l"; }`

async function gather(ctx: ModuleContext, a: SysctlArgs): Promise<SysctlState> {
  return parseGathered((await ctx.conn.exec(readScript(['-n'], [a.name], a.sysctl_file), { text: true })).stdout)
}

/** `sysctl -e WORDS` (its status, then its output) and the file (`present` and its text, or `absent`), in one script. */
const readScript = (flags: readonly string[], names: readonly string[], file: string): Command => sh`${raw(READ_FILE)}
v=$(sysctl -e ${flags} -- ${names} 2>/dev/null); echo "$?"; printf '%s\n' "$v"; echo ${SEPARATOR}
if [ -e ${file} ]; then echo present; slurp ${file} || exit 1; printf '%s' "$t"; else echo absent; fi`

/**
 * Several loop items' gathers with one `sysctl` exec (names and values as `NAME = VALUE` lines, one per line of a
 * value) and one read of the file, when they all name plain keys of the same file; else one gather each. A key
 * the kernel lacks prints nothing, as `sysctl -e -n` does; when sysctl fails, each key is read on its own again.
 */
async function gatherMany(ctx: ModuleContext, items: readonly SysctlArgs[]): Promise<SysctlState[]> {
  const oneByOne = (): Promise<SysctlState[]> => Promise.all(items.map((a) => gather(ctx, a)))
  const file = items[0]?.sysctl_file ?? ''
  if (!items.every((a) => PLAIN_KEY.test(a.name) && a.sysctl_file === file)) return oneByOne()
  // each once: a key named twice would be printed twice
  const names = [...new Set(items.map((a) => a.name))]
  const { live, file: content } = parseGathered((await ctx.conn.exec(readScript([], names, file), { text: true })).stdout)
  if (live === null) return oneByOne()
  const lines = live.split('\n')
  return items.map((a) => {
    const prefix = `${a.name} = `
    const value = lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length)).join('\n')
    return { live: value.replace(/\n+$/, ''), file: content }
  })
}

/** A key that sysctl prints back exactly as given: no globs, no slashes (which it would turn into dots). */
const PLAIN_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

/** Split the gather output into the live value and the file. */
export function parseGathered(stdout: string): SysctlState {
  const at = stdout.indexOf(`\n${SEPARATOR}\n`)
  const head = stdout.slice(0, at)
  const newline = head.indexOf('\n')
  const rc = Number(head.slice(0, newline))
  const rest = stdout.slice(at + SEPARATOR.length + 2)
  const file = rest.startsWith('present\n') ? rest.slice('present\n'.length) : null
  return { live: rc === 0 ? head.slice(newline + 1) : null, file }
}

/** ansible.posix.sysctl's decision table: what to write, set and reload, from the file and the live value. */
export function planSysctl(a: SysctlArgs, state: SysctlState) {
  const value = a.value === undefined ? '' : sysctlValue(a.value)
  const text = state.file ?? ''
  const inFile = readSysctlFile(text).get(a.name)
  let changed = false
  let write = false
  let set = false
  if (inFile === undefined) {
    changed = write = a.state === 'present'
  } else if (inFile !== '' && a.state === 'absent') {
    changed = write = true
  } else if (inFile !== value) {
    changed = write = true
  } else if (a.reload && (state.live === null || !sameSysctlValue(state.live, value))) {
    changed = true
  }
  if (a.sysctl_set && a.state === 'present') {
    if (state.live === null) changed = true
    else if (!sameSysctlValue(state.live, value)) changed = set = true
  }
  const changes: SysctlChange[] = []
  if (set) changes.push({ kind: 'set', summary: `set ${a.name} ${state.live?.trim()} → ${value}` })
  const after = write ? rewriteSysctlFile(text, a.name, a.state === 'present' ? value : undefined) : text
  if (write) changes.push({ kind: 'write', summary: a.state === 'present' ? `write ${a.name}=${value} to ${a.sysctl_file}` : `remove ${a.name} from ${a.sysctl_file}`, content: after })
  if (changed && a.reload) changes.push({ kind: 'reload', summary: `reload ${a.sysctl_file}` })
  // ansible-core reports a change when the live value cannot be read even if there is nothing to do.
  if (changed && changes.length === 0) changes.push({ kind: 'unreadable', summary: `${a.name} cannot be read` })
  return { changes, diff: write ? [{ before: text, after, beforeHeader: `${a.sysctl_file} (content)`, afterHeader: `${a.sysctl_file} (content)` }] : [] }
}

// sysctl can exit 0 and still have failed to set a key (Red Hat bug 1264080): these lines mean failure.
const RELOAD_FAILURE = /^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$/m

/** Keeps a kernel parameter in a sysctl file and, on request, in the running kernel (ansible.posix.sysctl). */
export const sysctl = defineModule({
  name: 'sysctl',
  gathersAhead: true,
  gatherMany,
  args,
  description: 'Set a kernel parameter in a sysctl file and in the running kernel',
  example: 'sysctl:\n  name: net.ipv4.ip_forward\n  value: 1\n  sysctl_file: /etc/sysctl.d/99-kubernetes.conf\n  sysctl_set: true',
  gather,
  plan: planSysctl,
  async apply(ctx, plan, a) {
    const value = a.value === undefined ? '' : sysctlValue(a.value)
    for (const change of plan.changes) {
      if (change.kind === 'set') {
        const result = await ctx.conn.exec(sh`sysctl -w -- ${`${a.name}=${value}`}`, { allowFailure: true })
        if (result.exitCode !== 0) throw new ModuleError(`setting ${a.name} failed: ${result.stdout}${result.stderr}`)
      }
      if (change.kind === 'write') await ctx.conn.writeFile(a.sysctl_file, change.content ?? '')
    }
    if (plan.changes.some((c) => c.kind === 'reload')) {
      const result = await ctx.conn.exec(sh`LANG=C sysctl ${raw(a.ignoreerrors ? '-e ' : '')}-p -- ${a.sysctl_file}`, { allowFailure: true })
      if (result.exitCode !== 0 || RELOAD_FAILURE.test(result.stderr)) throw new ModuleError(`Failed to reload sysctl: ${result.stdout}${result.stderr}`)
    }
  },
})
