// - name: allow forwarding
//   lineinfile:
//     path: /etc/sysctl.conf
//     regexp: '^#?net.ipv4.ip_forward'
//     line: net.ipv4.ip_forward = 1
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Plan } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { applyEdit, gatherEdit, planEdit, type EditChange, type EditState } from './lib/edit-file.js'
import { lineAbsent, linePresent } from './lib/line-edit.js'
import { withAliases } from './lib/packages.js'
import { writeArgs } from './lib/write-file.js'

const fields = z.object({
  path: z.string().min(1).describe('file to edit'),
  state: z.enum(['present', 'absent']).default('present').describe('whether the line should be there'),
  line: text.optional().describe('the line to insert or replace with (required with state present)'),
  regexp: z.string().optional().describe('Python regular expression: the last matching line is replaced (or removed with state absent)'),
  search_string: z.string().optional().describe('literal text: the last line containing it is replaced (or removed with state absent)'),
  backrefs: yamlBool.default(false).describe('expand \\1 and \\g<name> in line from the regexp match; change nothing when it does not match'),
  insertafter: z.string().optional().describe("when nothing matches: insert after the last line matching this regexp, or 'EOF'/'BOF' (default EOF)"),
  insertbefore: z.string().optional().describe("when nothing matches: insert before the last line matching this regexp, or 'BOF'"),
  firstmatch: yamlBool.default(false).describe('use the first match of regexp/insertafter/insertbefore instead of the last'),
  create: yamlBool.default(false).describe('create the file when it does not exist (otherwise that is an error)'),
  ...writeArgs,
}).strict()

const exclusive = [['regexp', 'search_string'], ['insertafter', 'insertbefore'], ['backrefs', 'search_string']] as const

const args = withAliases(fields.superRefine((a, ctx) => {
  for (const [x, y] of exclusive) {
    if (a[x] !== undefined && a[x] !== false && a[y] !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [y], message: `parameters are mutually exclusive: ${x}|${y}` })
  }
  if (a.state === 'present' && a.backrefs && a.regexp === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['backrefs'], message: 'regexp is required with backrefs=true' })
  if (a.state === 'present' && a.line === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['line'], message: 'line is required with state=present' })
  if (a.state === 'absent' && a.line === undefined && a.regexp === undefined && a.search_string === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['state'], message: 'one of line, search_string, or regexp is required with state=absent' })
}), { dest: 'path', destfile: 'path', name: 'path', regex: 'regexp', value: 'line' })

type Args = z.output<typeof args>

// An empty pattern matches every line, so the last line is replaced: ansible-core warns with these words.
function emptyPatternWarning(a: Args): { warnings?: string[] } {
  if (a.regexp !== '' && a.search_string !== '') return {}
  const what = a.regexp === '' ? 'regular expression' : 'search string'
  const hint = a.regexp === '' ? " If this is desired, use '^' to match every line in the file and avoid this warning." : ''
  return { warnings: [`The ${what} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.${hint}`] }
}

/** Ensure one line is (or is not) in a file, with Ansible's exact matching and insertion rules. */
export const lineinfile = defineModule({
  name: 'lineinfile',
  gathersAhead: true,
  args,
  description: 'ensure a line is present in (or absent from) a text file',
  example: "lineinfile:\n  path: /etc/sysctl.conf\n  regexp: '^#?net.ipv4.ip_forward'\n  line: net.ipv4.ip_forward = 1",
  gather: (ctx, a: Args) => gatherEdit(ctx.conn, a.path),
  plan(a: Args, s: EditState, ctx): Plan<EditChange> {
    const warned = emptyPatternWarning(a)
    if (!s.file.exists) {
      if (a.state === 'absent') return { changes: [], values: { msg: 'file not present', backup: '', ...warned } }
      if (!a.create) throw new ModuleError(`Destination ${a.path} does not exist !`, { rc: 257 })
    }
    const edit = a.state === 'present' ? linePresent(s.file.content?.toString('utf8') ?? '', a) : lineAbsent(s.file.content?.toString('utf8') ?? '', a)
    // Unchanged text of an existing file is not rewritten (attributes may still change).
    const text = edit.msg === '' && s.file.exists ? (s.file.content?.toString('utf8') ?? '') : edit.text
    const plan = planEdit(a.path, s, text, edit.msg, a, ctx.check)
    return { ...plan, values: { ...plan.values, backup: '', ...(edit.found === undefined ? {} : { found: edit.found }), ...warned } }
  },
  async apply(ctx, plan) {
    const result = await applyEdit(ctx, plan.changes)
    return { backup: result['backup_file'] ?? '' }
  },
})
