// - name: listen on every address
//   replace:
//     path: /etc/app/app.conf
//     regexp: '^listen\s+127\.0\.0\.1:(\d+)$'
//     replace: 'listen 0.0.0.0:\1'
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Plan } from '../engine/module.js'
import { pythonRegex, pythonReplacement } from '../engine/template/index.js'
import { text } from './lib/args.js'
import { applyEdit, gatherEdit, planEdit, type EditChange, type EditState } from './lib/edit-file.js'
import { withAliases } from './lib/packages.js'
import { writeArgs } from './lib/write-file.js'

const args = withAliases(z.object({
  path: z.string().min(1).describe('file to edit; it must exist'),
  regexp: z.string().describe('Python regular expression (multiline: ^ and $ match at each line) whose every match is replaced'),
  replace: text.default('').describe('replacement text; \\1 and \\g<name> refer to the groups of the match'),
  after: z.string().optional().describe('only replace in the text after the first match of this regular expression (DOTALL)'),
  before: z.string().optional().describe('only replace in the text before the (last, or with after the first following) match of this regular expression (DOTALL)'),
  encoding: z.string().default('utf-8').describe('encoding of the file (tsplay reads and writes utf-8 only)'),
  ...writeArgs,
}).strict(), { dest: 'path', destfile: 'path', name: 'path' })

type Args = z.output<typeof args>

/** The text after every replacement and how many matches there were: Python's `re.subn` with MULTILINE. */
export function replaceAll(contents: string, a: Pick<Args, 'regexp' | 'replace' | 'after' | 'before'>): { readonly text: string; readonly count: number } | { readonly unmatched: string } {
  const pattern = a.after && a.before ? `${a.after}(?P<subsection>.*?)${a.before}` : a.after ? `${a.after}(?P<subsection>.*)` : a.before ? `(?P<subsection>.*)${a.before}` : ''
  let start = 0
  let end = contents.length
  if (pattern) {
    const compiled = pythonRegex(`(?s)${pattern}`)
    // `d` gives the group's own indices, as Python's match.start/end('subsection')
    const match = new RegExp(compiled.source, compiled.flags.replace('g', '') + 'd').exec(contents)
    const at = match?.indices?.groups?.['subsection']
    if (!at) return { unmatched: pattern }
    ;[start, end] = at
  }
  const section = contents.slice(start, end)
  const expand = pythonReplacement(a.replace)
  let count = 0
  const replaced = section.replace(pythonRegex(a.regexp, { multiline: true }), (...m: unknown[]) => {
    count++
    return expand(...(m as [string, ...unknown[]]))
  })
  return { text: contents.slice(0, start) + replaced + contents.slice(end), count: replaced === section ? 0 : count }
}

/** Replace every match of a regular expression in a file, like Ansible's `replace`. */
export const replace = defineModule({
  name: 'replace',
  gathersAhead: true,
  args,
  description: 'replace every match of a regular expression in a file',
  example: "replace:\n  path: /etc/app/app.conf\n  regexp: '^listen 127.0.0.1:(\\d+)$'\n  replace: 'listen 0.0.0.0:\\1'",
  gather: (ctx, a: Args) => gatherEdit(ctx.conn, a.path),
  plan(a: Args, s: EditState, ctx): Plan<EditChange> {
    if (!s.file.exists) throw new ModuleError(`Path ${a.path} does not exist !`, { rc: 257 })
    if (!/^utf[-_]?8$/i.test(a.encoding)) throw new ModuleError(`encoding ${a.encoding} is not supported by tsplay's replace: only utf-8`)
    const contents = (s.file.content ?? Buffer.alloc(0)).toString('utf8')
    const result = replaceAll(contents, a)
    // A before/after that does not match ends the module before it looks at attributes.
    if ('unmatched' in result) return { changes: [], values: { rc: 0, msg: `Pattern for before/after params did not match the given file: ${result.unmatched}` } }
    const msg = result.count > 0 ? `${result.count} replacements made` : ''
    const plan = planEdit(a.path, s, result.count > 0 ? result.text : contents, msg, a, ctx.check, a.path, false)
    return { ...plan, values: { ...plan.values, rc: 0 } }
  },
  async apply(ctx, plan) {
    return applyEdit(ctx, plan.changes)
  },
})
