// - name: pin the cluster's hosts
//   blockinfile:
//     path: /etc/hosts
//     marker: '# {mark} k8s hosts'
//     block: |
//       10.0.0.1 master1
//       10.0.0.2 node1
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Plan } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { editBlock } from './lib/block-edit.js'
import { applyEdit, gatherEdit, planEdit, type EditChange, type EditState } from './lib/edit-file.js'
import { withAliases } from './lib/packages.js'
import { writeArgs } from './lib/write-file.js'

const fields = z.object({
  path: z.string().min(1).describe('file to edit'),
  state: z.enum(['present', 'absent']).default('present').describe('whether the marked block should be there'),
  block: text.default('').describe('the text between the markers; empty removes the block'),
  marker: z.string().default('# {mark} ANSIBLE MANAGED BLOCK').describe("marker line template; '{mark}' becomes marker_begin or marker_end"),
  marker_begin: z.string().default('BEGIN').describe('replaces {mark} in the opening marker'),
  marker_end: z.string().default('END').describe('replaces {mark} in the closing marker'),
  insertafter: z.string().optional().describe("for a new block: after the last line matching this regexp, or 'EOF' (default)"),
  insertbefore: z.string().optional().describe("for a new block: before the last line matching this regexp, or 'BOF'"),
  create: yamlBool.default(false).describe('create the file when it does not exist (otherwise that is an error)'),
  ...writeArgs,
}).strict()

const args = withAliases(fields.superRefine((a, ctx) => {
  if (a.insertafter !== undefined && a.insertbefore !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['insertbefore'], message: 'parameters are mutually exclusive: insertafter|insertbefore' })
}), { dest: 'path', destfile: 'path', name: 'path', content: 'block' })

type Args = z.output<typeof args>

/** Insert, update or remove a block of lines between marker lines, like Ansible's `blockinfile`. */
export const blockinfile = defineModule({
  name: 'blockinfile',
  gathersAhead: true,
  args,
  description: 'insert, update or remove a block of lines surrounded by marker lines',
  example: "blockinfile:\n  path: /etc/hosts\n  block: |\n    10.0.0.1 master1",
  gather: (ctx, a: Args) => gatherEdit(ctx.conn, a.path),
  plan(a: Args, s: EditState, ctx): Plan<EditChange> {
    if (!s.file.exists && !a.create) throw new ModuleError(`Path ${a.path} does not exist !`, { rc: 257 })
    if (!s.file.exists && a.state === 'absent') return { changes: [], values: { msg: `File ${a.path} not present` } }
    const edit = editBlock(s.file.exists ? (s.file.content?.toString('utf8') ?? '') : null, a)
    return planEdit(a.path, s, edit.text, edit.msg, a, ctx.check)
  },
  async apply(ctx, plan) {
    return applyEdit(ctx, plan.changes)
  },
})
