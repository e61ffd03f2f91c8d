// - name: preseed the default locale before installing locales
//   debconf:
//     name: locales
//     question: locales/default_environment_locale
//     value: en_US.UTF-8
//     vtype: select
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { jsonDiffText } from './lib/file-diff.js'
import { withAliases } from './lib/packages.js'

const VTYPES = ['boolean', 'error', 'multiselect', 'note', 'password', 'seen', 'select', 'string', 'text', 'title'] as const

// One line of debconf-set-selections input: a line break in any field would start another selection.
const oneLine = (what: string) => text.refine((v) => !/[\r\n]/.test(v), `${what} must be one line`)

const args = withAliases(
  z
    .object({
      name: oneLine('name').describe('The package whose debconf questions to read or set (alias pkg)'),
      question: oneLine('question').optional().describe('The debconf question to set (aliases selection, setting)'),
      vtype: z.enum(VTYPES).optional().describe("The question's type: boolean, error, multiselect, note, password, seen, select, string, text or title"),
      value: oneLine('value').optional().describe('The answer (alias answer)'),
      unseen: yamlBool.default(false).describe("Do not mark the question as seen (debconf-set-selections -u)"),
    })
    .strict()
    .refine((a) => [a.question, a.vtype, a.value].every((v) => v === undefined) || [a.question, a.vtype, a.value].every((v) => v !== undefined), {
      message: 'parameters are required together: question, vtype, value',
    }),
  { pkg: 'name', selection: 'question', setting: 'question', answer: 'value' },
)

type Args = z.output<typeof args>

/** What `debconf-show NAME` printed. */
export interface DebconfState {
  readonly rc: number
  readonly stdout: string
  readonly stderr: string
}

/** The selection line to feed debconf-set-selections. */
export interface DebconfChange extends Change {
  readonly line: string
}

/** The package's questions and answers from `debconf-show` (the `*` of seen questions dropped), as ansible reads them. */
export function parseDebconfShow(stdout: string): Record<string, string> {
  const selections: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon < 0) throw new ModuleError(`cannot read debconf-show line '${line}'`)
    selections[line.slice(0, colon).replace(/^\*+|\*+$/g, '').trim()] = line.slice(colon + 1).trim()
  }
  return selections
}

/**
 * Set the question when its answer differs (booleans compared in lower case); without a question, return the
 * package's answers. Results and the dict diff as ansible.builtin.debconf returns them. Pure.
 */
export function planDebconf(a: Args, state: DebconfState, ctx?: Pick<ModuleContext, 'diff'>) {
  if (state.rc !== 0) throw new ModuleError(state.stderr)
  const prev = parseDebconfShow(state.stdout)
  const { question, vtype } = a
  if (question === undefined || vtype === undefined || a.value === undefined) return { changes: [], values: { msg: '', current: prev } }
  const existing = prev[question]
  // As ansible: a boolean is lowered only to compare with an answer debconf has; for a new question it stays as given
  // (a YAML true is 'True'), and only the line fed to debconf-set-selections spells True/False in lower case.
  const value = vtype === 'boolean' && existing !== undefined ? a.value.toLowerCase() : a.value
  if (existing !== undefined && (vtype === 'boolean' ? existing.toLowerCase() : existing) === value) return { changes: [], values: { msg: '', current: prev } }
  const fed = vtype === 'boolean' && (value === 'True' || value === 'False') ? value.toLowerCase() : value
  // ansible's quirk, kept: a question debconf does not list yet is added to all the package's answers as `previous`.
  const previous = existing === undefined ? { ...prev, [question]: '' } : { [question]: existing }
  const after = { ...previous, [question]: value }
  const changes: DebconfChange[] = [{ kind: 'set', summary: `set ${a.name} ${question} ${existing ?? '(unset)'} → ${vtype === 'password' ? '********' : value}`, line: `${a.name} ${question} ${vtype} ${fed}` }]
  const diff = ctx?.diff ? { before: previous, after } : {}
  return {
    changes,
    diff: ctx?.diff ? [{ before: jsonDiffText(previous), after: jsonDiffText(after) }] : [],
    values: { msg: '', current: { [question]: value }, previous, diff },
  }
}

/** Reads a package's debconf answers, or preseeds one with debconf-set-selections (ansible.builtin.debconf). */
export const debconf = defineModule({
  name: 'debconf',
  gathersAhead: true,
  args,
  description: "Read a package's debconf answers or set one (debconf-show, debconf-set-selections)",
  example: 'debconf:\n  name: locales\n  question: locales/default_environment_locale\n  value: en_US.UTF-8\n  vtype: select',
  async gather(ctx, a: Args): Promise<DebconfState> {
    const result = await ctx.conn.exec(sh`debconf-show -- ${a.name}`, { allowFailure: true, text: true })
    return { rc: result.exitCode, stdout: result.stdout, stderr: result.stderr }
  },
  plan: planDebconf,
  async apply(ctx, plan, a: Args) {
    for (const change of plan.changes) {
      const result = await ctx.conn.exec(a.unseen ? sh`debconf-set-selections -u` : sh`debconf-set-selections`, { stdin: `${change.line}\n`, allowFailure: true, text: true })
      if (result.exitCode !== 0) throw new ModuleError(result.stderr)
      return { msg: result.stdout }
    }
  },
})
