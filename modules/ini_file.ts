// - name: listen on every address
//   ini_file:
//     path: /etc/app/settings.ini
//     section: server
//     option: listen
//     value: 0.0.0.0:8080
//     mode: '0644'
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Plan } from '../engine/module.js'
import { stringList, text, yamlBool } from './lib/args.js'
import { applyEdit, gatherEdit, planEdit, type EditChange, type EditState } from './lib/edit-file.js'
import { editIni } from './lib/ini-edit.js'
import { withAliases } from './lib/packages.js'
import { writeArgs } from './lib/write-file.js'

const args = withAliases(z.object({
  path: z.string().min(1).describe('the INI file; created (with its directories) when missing unless create is false'),
  section: text.optional().describe('section name; options outside any section when not given'),
  option: text.optional().describe('option name; without it, state absent removes the whole section and state present adds only the section'),
  value: text.optional().describe('the value of option'),
  values: stringList.optional().describe('several values of option, one line each (each kept once)'),
  state: z.enum(['present', 'absent']).default('present').describe('whether the option (or section) should be there'),
  exclusive: yamlBool.default(true).describe('with present: remove other lines of option; with absent: remove every line of option, not only those with values'),
  no_extra_spaces: yamlBool.default(false).describe("write 'option=value' instead of 'option = value'"),
  allow_no_value: yamlBool.default(false).describe('allow an option without a value (a line holding just the option)'),
  create: yamlBool.default(true).describe('create the file when it does not exist (otherwise that is an error)'),
  ...writeArgs,
}).strict().superRefine((a, ctx) => {
  if (a.value !== undefined && a.values !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['values'], message: 'parameters are mutually exclusive: value|values' })
}), { dest: 'path' })

type Args = z.output<typeof args>

/** Set, add or remove an option (or a whole section) of an INI file, like community.general's `ini_file`. */
export const ini_file = defineModule({
  name: 'ini_file',
  gathersAhead: true,
  args,
  description: 'set, add or remove options and sections of an INI file',
  example: 'ini_file:\n  path: /etc/app/settings.ini\n  section: server\n  option: listen\n  value: 0.0.0.0:8080',
  gather: (ctx, a: Args) => gatherEdit(ctx.conn, a.path),
  plan(a: Args, s: EditState, ctx): Plan<EditChange> {
    if (a.state === 'present' && !a.allow_no_value && a.value === undefined && (a.values ?? []).length === 0) {
      throw new ModuleError("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.")
    }
    if (!s.file.exists && !a.create) throw new ModuleError(`Destination ${a.path} does not exist!`, { rc: 257 })
    const before = s.file.exists ? (s.file.content?.toString('utf8') ?? '') : null
    const edit = editIni(before, { ...a, values: a.value !== undefined ? [a.value] : (a.values ?? []) })
    const values = { path: a.path, msg: edit.msg }
    if (!edit.changed && !s.file.exists) return { changes: [], values }
    const plan = planEdit(a.path, s, edit.changed ? edit.text : (before ?? ''), edit.msg, a, ctx.check, undefined, false)
    // ansible's ini_file compares mode and owner only outside check mode: a check run reports the content alone.
    const changes = ctx.check ? plan.changes.filter((c) => c.kind === 'write' || c.mkdir !== undefined) : plan.changes
    return { ...plan, changes, values }
  },
  async apply(ctx, plan) {
    return applyEdit(ctx, plan.changes)
  },
})
