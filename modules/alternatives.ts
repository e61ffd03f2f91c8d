// - name: use vim as the editor
//   community.general.alternatives:
//     name: editor
//     path: /usr/bin/vim.basic
//     link: /usr/bin/editor
//     priority: 50
//     state: selected
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { yamlInt } from './lib/args.js'
import { jsonDiffText } from './lib/file-diff.js'
import { splitLines } from './lib/command-words.js'
import { splitSections } from './lib/getent.js'
import { withAliases } from './lib/packages.js'

const subcommand = z
  .object({
    name: z.string().describe('The slave alternative'),
    path: z.string().describe('The file the slave link points to'),
    link: z.string().describe('The slave link'),
  })
  .strict()

const args = withAliases(
  z
    .object({
      name: z.string().describe('The generic name of the link group (editor, java)'),
      path: z.string().describe('The alternative: the file the link points to'),
      link: z.string().optional().describe("The generic link (/usr/bin/editor); needed only to install an alternative into a group that does not exist yet"),
      priority: yamlInt.optional().describe('Priority of the alternative (default: its current one, else 50)'),
      state: z.enum(['present', 'selected', 'auto', 'absent']).default('selected').describe('present installs it; selected also picks it by hand; auto installs it and returns the group to automatic mode; absent removes it'),
      subcommands: z.array(subcommand).optional().describe('Slave links installed with the alternative: name, path, link each (alias slaves)'),
    })
    .strict(),
  { slaves: 'subcommands' },
)

type Args = z.output<typeof args>
type Subcommand = z.output<typeof subcommand>

/** `update-alternatives --display NAME` (LC_ALL=C) with its exit code, and whether `path` exists. */
export interface AlternativesState {
  readonly rc: number
  readonly display: string
  readonly pathExists: boolean
}

/** The group as update-alternatives describes it, read with ansible's patterns (negative priorities included in their blind spot). */
export interface AlternativesGroup {
  readonly mode?: string
  readonly currentPath?: string
  readonly link?: string
  readonly alternatives: ReadonlyMap<string, { readonly priority: number; readonly subcommands: readonly Subcommand[] }>
}

/** One update-alternatives call. */
export interface AlternativesChange extends Change {
  readonly argv: readonly string[]
}

/** Read the display output as community.general.alternatives does; `fallbackLinks` names slave links it does not show. */
export function parseDisplay(state: AlternativesState, fallbackLinks: readonly Subcommand[] = []): AlternativesGroup {
  const text = state.display
  const empty = { alternatives: new Map() }
  if (state.rc !== 0) return empty
  const mode = /\s-\s(?:status\sis\s)?(\w*)(?:\smode|.)$/m.exec(text)?.[1]
  if (mode === undefined) return empty
  const currentPath = /^\s*link currently points to (.*)$/m.exec(text)?.[1]
  const link = /^\s*link \w+ is (.*)$/m.exec(text)?.[1]
  let slaveLinks = new Map([...text.matchAll(/^\s*(?:slave|follower) (\S+) is (.*)$/gm)].map((m) => [m[1]!, m[2]!]))
  if (slaveLinks.size === 0) slaveLinks = new Map(fallbackLinks.map((s) => [s.name, s.link]))
  const alternatives = new Map<string, { priority: number; subcommands: Subcommand[] }>()
  for (const m of text.matchAll(/^(\/.*)\s-\s(?:family\s\S+\s)?priority\s(\d+)((?:\s+(?:slave|follower).*)*)/gm)) {
    const subcommands = [...m[3]!.matchAll(/^\s+(?:slave|follower) (.*): (.*)$/gm)]
      .filter((s) => s[2] !== '(null)')
      .map((s) => ({ name: s[1]!, path: s[2]!, link: slaveLinks.get(s[1]!) as string }))
    alternatives.set(m[1]!, { priority: Number(m[2]), subcommands })
  }
  return { ...(mode === undefined ? {} : { mode }), ...(currentPath === undefined ? {} : { currentPath }), ...(link === undefined ? {} : { link }), alternatives }
}

const sameSubcommand = (a: Subcommand, b: Subcommand): boolean => a.name === b.name && a.path === b.path && a.link === b.link
const sameSet = (a: readonly Subcommand[], b: readonly Subcommand[]): boolean => a.every((s) => b.some((t) => sameSubcommand(s, t))) && b.every((s) => a.some((t) => sameSubcommand(s, t)))

/** Install, select, return to auto or remove, in ansible's order, with its messages and its before/after diff. Pure. */
export function planAlternatives(a: Args, state: AlternativesState, ctx?: Pick<ModuleContext, 'diff'>) {
  const group = parseDisplay(state, a.subcommands)
  const current = group.alternatives.get(a.path)
  const link = a.link ?? group.link
  const priority = a.priority ?? current?.priority ?? 50
  const subcommands = a.subcommands ?? (current?.subcommands.length ? current.subcommands : undefined)
  const before: Record<string, unknown> = {}
  const after: Record<string, unknown> = {}
  if (current === undefined) before['state'] = 'absent'
  else {
    Object.assign(before, { state: 'present', path: a.path, priority: current.priority, link: group.link ?? null })
    if (current.subcommands.length > 0) before['subcommands'] = current.subcommands
    if (group.mode === 'manual' && group.currentPath !== a.path) before['state'] = 'selected'
  }
  const changes: AlternativesChange[] = []
  const messages: string[] = []
  const add = (argv: string[], message: string, summary: string) => void (changes.push({ kind: argv[0]!.slice(2), argv, summary }), messages.push(message))
  if (a.state === 'absent') {
    if (current !== undefined) {
      add(['--remove', a.name, a.path], `Remove alternative '${a.path}' from '${a.name}'.`, `remove alternative ${a.path} from ${a.name}`)
      after['state'] = 'absent'
    }
  } else {
    const install = current === undefined || (a.priority !== undefined && current.priority !== a.priority) || (a.subcommands !== undefined && !sameSet(current.subcommands, a.subcommands))
    if (install) {
      if (!state.pathExists) throw new ModuleError(`Specified path ${a.path} does not exist`)
      if (!link) throw new ModuleError('Needed to install the alternative, but unable to do so as we are missing the link')
      const slaves = (a.subcommands ?? []).flatMap((s) => ['--slave', s.link, s.name, s.path])
      add(['--install', link, a.name, a.path, String(priority), ...slaves], `Install alternative '${a.path}' for '${a.name}'.`, `install alternative ${a.path} for ${a.name} (priority ${priority})`)
      Object.assign(after, { state: 'present', path: a.path, priority, link })
      if (subcommands) after['subcommands'] = subcommands
    }
    if (a.state === 'selected' && group.currentPath !== a.path) {
      add(['--set', a.name, a.path], `Set alternative '${a.path}' for '${a.name}'.`, `select ${a.path} for ${a.name}`)
      after['state'] = 'selected'
    }
    if (a.state === 'auto' && group.mode === 'manual') {
      add(['--auto', a.name], `Set alternative to auto for '${a.name}'.`, `return ${a.name} to automatic mode`)
      after['state'] = 'present'
    }
  }
  const diff = ctx?.diff ? { before, after } : { before: {}, after: {} }
  return {
    changes,
    diff: changes.length > 0 && ctx?.diff ? [{ before: jsonDiffText(before), after: jsonDiffText(after) }] : [],
    values: { msg: messages.join(' '), diff },
  }
}

/** Installs, selects or removes an alternative with update-alternatives (community.general.alternatives). */
export const alternatives = defineModule({
  name: 'alternatives',
  args,
  description: 'Install, select or remove an alternative of a link group (update-alternatives)',
  example: 'alternatives:\n  name: editor\n  path: /usr/bin/vim.basic\n  state: selected',
  async gather(ctx, a: Args): Promise<AlternativesState> {
    // update-alternatives knows no `--`; the argument after --display is taken as the name whatever it looks like.
    const script = sh`echo --tsplay-exists--; if [ -e ${a.path} ]; then echo yes; fi
echo --tsplay-display--; LC_ALL=C update-alternatives --display ${a.name} 2>/dev/null; rc=$?
echo --tsplay-rc--; echo $rc`
    const sections = splitSections((await ctx.conn.exec(script, { text: true })).stdout)
    return { rc: Number((sections.get('rc') ?? '').trim()), display: sections.get('display') ?? '', pathExists: (sections.get('exists') ?? '').trim() === 'yes' }
  },
  plan: planAlternatives,
  async apply(ctx, plan) {
    for (const change of plan.changes) {
      const result = await ctx.conn.exec(sh`LC_ALL=C update-alternatives ${change.argv}`, { allowFailure: true, text: true })
      if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim() || result.stdout.trim(), { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr, stdout_lines: splitLines(result.stdout), stderr_lines: splitLines(result.stderr), cmd: ['/usr/bin/update-alternatives', ...change.argv].join(' ') })
    }
  },
})
