// - name: load br_netfilter now and at every boot
//   modprobe:
//     name: br_netfilter
//     state: present
//     persistent: present
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { shlexSplit } from '../engine/python/index.js'
import { refineWords } from './lib/command-words.js'

const LOAD_DIR = '/etc/modules-load.d'
const OPTIONS_DIR = '/etc/modprobe.d'

const args = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]*$/, 'expected a kernel module name such as br_netfilter').describe('The kernel module'),
    state: z.enum(['present', 'absent']).default('present').describe('Whether the module is loaded now'),
    params: z.string().default('').describe('Module parameters (`foo=1 bar=2`), used when loading and in the persistent options'),
    persistent: z.enum(['disabled', 'present', 'absent']).default('disabled').describe(`present writes ${LOAD_DIR}/NAME.conf (and ${OPTIONS_DIR}/NAME.conf with params); absent comments the module out of those directories`),
  })
  .strict()
  .superRefine((a, ctx) => refineWords(a.params, ctx, 'params'))

type ModprobeArgs = z.output<typeof args>

/** Whether the module is loaded, whether `modprobe -n` could load it, and the persistent configuration files. */
export interface ModprobeState {
  readonly loaded: boolean
  /** Exit code and stderr of `modprobe -n NAME PARAMS` (a dry run), when the module is not loaded. */
  readonly dryRun: { readonly rc: number; readonly stderr: string }
  /** Every *.conf of both directories, path → content. */
  readonly files: ReadonlyMap<string, string>
}

interface ModprobeChange extends Change {
  readonly kind: 'load' | 'unload' | 'write'
  readonly path?: string
  readonly content?: string
}

const MARK = '--tsplay-modprobe--'

async function gather(ctx: ModuleContext, a: ModprobeArgs): Promise<ModprobeState> {
  const underscored = `${a.name.replaceAll('-', '_')} `
  const script = sh`if grep -q -- ${`^${underscored}`} /proc/modules 2>/dev/null || grep -q -- ${`/${a.name}.ko`} "/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null; then echo loaded; else echo unloaded; fi
err=$(modprobe -n -- ${a.name} ${shlexSplit(a.params)} 2>&1 >/dev/null); echo "$?"; printf '%s\n' "$err" | tr '\n' ' '; echo
for f in ${LOAD_DIR}/*.conf ${OPTIONS_DIR}/*.conf; do [ -f "$f" ] || continue; printf '\n%s %s\n' ${MARK} "$f"; cat -- "$f"; done`
  return parseGathered((await ctx.conn.exec(script)).stdout)
}

/** Split the gather output: loaded, dry-run result, then each configuration file exactly as it is. */
export function parseGathered(stdout: string): ModprobeState {
  const [header, ...chunks] = stdout.split(`\n${MARK} `)
  const [loaded, rc, stderr] = (header ?? '').split('\n')
  const files = new Map<string, string>()
  for (const chunk of chunks) {
    const newline = chunk.indexOf('\n')
    files.set(chunk.slice(0, newline), chunk.slice(newline + 1))
  }
  return { loaded: loaded === 'loaded', dryRun: { rc: Number(rc), stderr: (stderr ?? '').trim() }, files }
}

const isLoadLine = (line: string, name: string): boolean => line.trim() === name
const isOptionsLine = (line: string, name: string): boolean => /^options\s/.test(line.trim()) && line.trim().split(/\s+/)[1] === name

/** What community.general.modprobe would do, without its check-mode writes (community.general#9051). */
export function planModprobe(a: ModprobeArgs, state: ModprobeState) {
  const changes: ModprobeChange[] = []
  if (a.state === 'present' && !state.loaded) {
    if (state.dryRun.rc !== 0) throw new ModuleError(state.dryRun.stderr || `modprobe ${a.name} failed`, { rc: state.dryRun.rc, stderr: state.dryRun.stderr })
    changes.push({ kind: 'load', summary: `load ${a.name}${a.params ? ` ${a.params}` : ''}` })
  }
  if (a.state === 'absent' && state.loaded) changes.push({ kind: 'unload', summary: `unload ${a.name}` })
  const options = `options ${a.name} ${a.params}`
  const entries = [...state.files]
  if (a.persistent === 'present') {
    const persistent = entries.some(([path, text]) => path.startsWith(`${LOAD_DIR}/`) && text.split('\n').some((l) => isLoadLine(l, a.name)))
    const paramsSet = a.params === '' || entries.some(([path, text]) => path.startsWith(`${OPTIONS_DIR}/`) && text.split('\n').some((l) => l.trim() === options.trim()))
    if (!persistent || !paramsSet) {
      const loadFile = `${LOAD_DIR}/${a.name}.conf`
      changes.push({ kind: 'write', path: loadFile, content: `${a.name}\n`, summary: `write ${loadFile}` })
      if (a.params !== '') {
        const optionsFile = `${OPTIONS_DIR}/${a.name}.conf`
        changes.push({ kind: 'write', path: optionsFile, content: `${options}\n`, summary: `write ${optionsFile}` })
      }
    }
  }
  if (a.persistent === 'absent') {
    for (const [path, text] of entries) {
      const matches = path.startsWith(`${LOAD_DIR}/`) ? isLoadLine : isOptionsLine
      const lines = text.split('\n')
      if (!lines.some((l) => matches(l, a.name))) continue
      const content = lines.map((l) => (matches(l, a.name) ? `#${l}` : l)).join('\n')
      changes.push({ kind: 'write', path, content, summary: `comment out ${a.name} in ${path}` })
    }
  }
  return { changes, values: { name: a.name, params: a.params, state: a.state } }
}

/** Loads or unloads a kernel module and keeps it configured for boot (community.general.modprobe). */
export const modprobe = defineModule({
  name: 'modprobe',
  gathersAhead: true,
  args,
  description: 'Load or unload a kernel module, now and (persistent) at boot',
  example: 'modprobe:\n  name: br_netfilter\n  state: present\n  persistent: present',
  gather,
  plan: planModprobe,
  async apply(ctx, plan, a) {
    for (const change of plan.changes) {
      if (change.kind === 'write') {
        await ctx.conn.writeFile(change.path!, change.content!)
        continue
      }
      const command = change.kind === 'load' ? sh`modprobe -- ${a.name} ${shlexSplit(a.params)}` : sh`modprobe -r -- ${a.name}`
      const result = await ctx.conn.exec(command, { allowFailure: true })
      if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim(), { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr, ...plan.values })
    }
  },
})
