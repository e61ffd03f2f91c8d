// - name: allow forwarding
//   lineinfile:
//     path: /etc/sysctl.conf
//     regexp: '^#?net.ipv4.ip_forward'
//     line: net.ipv4.ip_forward = 1
import { posix } from 'node:path'
import { z } from 'zod'
import { sh } from '../engine/connection/shell.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Plan } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { probeFiles, type FileState } from './lib/file-state.js'
import { lineAbsent, linePresent, type LineEdit } from './lib/line-edit.js'
import { withAliases } from './lib/packages.js'
import { applyWrite, planWrite, writeArgs, type WriteChange } from './lib/write-file.js'

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

interface State {
  readonly file: FileState
  readonly parent: FileState
  readonly umask: number
}

interface LineChange extends WriteChange {
  /** Set on the change that creates the file's missing directory. */
  readonly mkdir?: string
}

/** Ensure one line is (or is not) in a file, with Ansible's exact matching and insertion rules. */
export const lineinfile = defineModule({
  name: 'lineinfile',
  args,
  description: 'ensure a line is present in (or absent from) a text file',
  example: "lineinfile:\n  path: /etc/sysctl.conf\n  regexp: '^#?net.ipv4.ip_forward'\n  line: net.ipv4.ip_forward = 1",
  async gather(ctx, a: Args) {
    const { files, umask } = await probeFiles(ctx.conn, [{ path: a.path, follow: true, checksum: 'sha1', content: true }, { path: posix.dirname(a.path), follow: true }])
    return { file: files[0]!, parent: files[1]!, umask }
  },
  plan(a: Args, s: State): Plan<LineChange> {
    if (s.file.exists && s.file.type === 'directory') throw new ModuleError(`Path ${a.path} is a directory !`, { rc: 256 })
    if (!s.file.exists) {
      if (a.state === 'absent') return { changes: [], values: { msg: 'file not present', backup: '' } }
      if (!a.create) throw new ModuleError(`Destination ${a.path} does not exist !`, { rc: 257 })
    }
    const before = s.file.content?.toString('utf8') ?? ''
    const edit: LineEdit = a.state === 'present' ? linePresent(before, a) : lineAbsent(before, a)
    // Unchanged content of an existing file is not written; a file created empty by `create` still is.
    if (edit.msg === '' && s.file.exists) return attributesOnly(a, s, edit)
    const plan = planWrite({ ...writeRequest(a, edit.text) }, s.file, s.umask)
    const changes: LineChange[] = plan.changes.map((c) => (c.kind === 'write' ? { ...c, summary: `${edit.msg || 'create file'} in ${a.path}` } : c))
    if (!s.parent.exists) changes.unshift({ ...changes[0]!, kind: 'write', summary: `create directory ${s.parent.path}`, mkdir: s.parent.path })
    return { changes, diff: plan.diff ?? [], values: values(edit, plan.changes.some((c) => c.kind !== 'write')) }
  },
  async apply(ctx, plan) {
    const mkdir = plan.changes.find((c) => c.mkdir !== undefined)?.mkdir
    if (mkdir !== undefined) await ctx.conn.exec(sh`mkdir -p -- ${mkdir}`)
    const result = await applyWrite(ctx, plan.changes.filter((c) => c.mkdir === undefined))
    return { backup: result['backup_file'] ?? '' }
  },
})

const writeRequest = (a: Args, content: string) => ({
  dest: a.path,
  content: Buffer.from(content),
  backup: a.backup,
  validate: a.validate,
  mode: a.mode,
  owner: a.owner,
  group: a.group,
  beforeHeader: `${a.path} (content)`,
  afterHeader: `${a.path} (content)`,
})

function attributesOnly(a: Args, s: State, edit: LineEdit): Plan<LineChange> {
  const plan = planWrite(writeRequest(a, edit.text), s.file, s.umask)
  return { changes: plan.changes, diff: plan.diff ?? [], values: values(edit, plan.changes.length > 0) }
}

/** Ansible's msg: the edit, then a note when attributes changed too. */
function values(edit: LineEdit, attrsChanged: boolean): Record<string, unknown> {
  const note = 'ownership, perms or SE linux context changed'
  const msg = attrsChanged ? (edit.msg ? `${edit.msg} and ${note}` : note) : edit.msg
  return { msg, backup: '', ...(edit.found === undefined ? {} : { found: edit.found }) }
}
