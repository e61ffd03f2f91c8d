// - name: configure the app
//   template:
//     src: app.conf.j2         # from the role's templates/
//     dest: /etc/app/app.conf
//     mode: '0644'
//     validate: app --check-config %s
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { TAG_ARGUMENTS, type TemplateFileOptions, type TemplateTags } from '../engine/template/index.js'
import { yamlBool } from './lib/args.js'
import { encodeText, ENCODINGS } from './lib/text-encoding.js'
import { templateVars } from './lib/template-vars.js'
import { probeFiles, type FileState } from './lib/file-state.js'
import { applyWrite, MAX_DIFF_SIZE, planWrite, writeArgs, type WriteRequest } from './lib/write-file.js'

const args = z.object({
  src: z.string().min(1).describe("Jinja2 template on the controller, looked up in the role's templates/"),
  dest: z.string().min(1).describe('path of the rendered file on the host'),
  force: yamlBool.default(true).describe('replace dest when its content differs; false writes only when dest does not exist'),
  follow: yamlBool.default(false).describe('when dest is a symbolic link, write to the file it points to'),
  // written escaped in single quotes ('\r\n') it arrives as backslashes; ansible's action maps those too
  newline_sequence: z.preprocess((v) => (typeof v === 'string' && /^(\\[nr])+$/.test(v) ? v.replaceAll('\\n', '\n').replaceAll('\\r', '\r') : v), z.enum(['\n', '\r', '\r\n']).default('\n')).describe('line ending of the rendered file'),
  trim_blocks: yamlBool.default(true).describe('remove the newline after a block tag ({% if %} and the like)'),
  lstrip_blocks: yamlBool.default(false).describe('strip spaces and tabs from the start of a line up to a block tag'),
  block_start_string: z.string().default('{%').describe('the string that opens a block'),
  block_end_string: z.string().default('%}').describe('the string that closes a block'),
  variable_start_string: z.string().default('{{').describe('the string that opens a printed expression'),
  variable_end_string: z.string().default('}}').describe('the string that closes a printed expression'),
  comment_start_string: z.string().default('{#').describe('the string that opens a comment'),
  comment_end_string: z.string().default('#}').describe('the string that closes a comment'),
  output_encoding: z.string().default('utf-8').describe(`encoding of the written file (the template is read as UTF-8): ${ENCODINGS.join(', ')}; empty means utf-8`),
  ...writeArgs,
}).strict()

type Args = z.output<typeof args>

// Only the delimiters that differ from Jinja2's reach the environment, so the usual case shares its compiled templates.
const JINJA_TAGS: Required<TemplateTags> = { blockStart: '{%', blockEnd: '%}', variableStart: '{{', variableEnd: '}}', commentStart: '{#', commentEnd: '#}' }

function environmentOf(a: Args): TemplateFileOptions {
  const tags: TemplateTags = {}
  for (const [arg, key] of Object.entries(TAG_ARGUMENTS)) if (a[arg as keyof typeof TAG_ARGUMENTS] !== JINJA_TAGS[key]) tags[key] = a[arg as keyof typeof TAG_ARGUMENTS]
  return { trimBlocks: a.trim_blocks, lstripBlocks: a.lstrip_blocks, ...(Object.keys(tags).length ? { tags } : {}) }
}

interface State {
  readonly dest: FileState
  readonly umask: number
  readonly rendered: Buffer
  readonly source: string
}

const requestOf = (a: Args, s: State): WriteRequest => ({ dest: a.dest, content: s.rendered, backup: a.backup, validate: a.validate, mode: a.mode, owner: a.owner, group: a.group, afterHeader: s.source })

/** Render a Jinja2 template on the controller and write it to the host, like Ansible's `template`. */
export const template = defineModule({
  name: 'template',
  gathersAhead: true,
  args,
  description: 'render a Jinja2 template from the controller into a file on the host',
  example: "template:\n  src: app.conf.j2\n  dest: /etc/app/app.conf\n  mode: '0644'",
  async gather(ctx, a: Args) {
    const source = ctx.controller.findFile('templates', a.src)
    let text: string
    try {
      text = readFileSync(source, 'utf8')
    } catch (error) {
      throw new ModuleError(`could not read template '${a.src}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`)
    }
    let rendered = ctx.controller.render(text, source, environmentOf(a), templateVars(source, a.dest))
    if (a.newline_sequence !== '\n') rendered = rendered.replaceAll('\n', a.newline_sequence)
    const { files, umask } = await probeFiles(ctx.conn, [{ path: a.dest, follow: a.follow, checksum: 'sha1', content: ctx.diff && MAX_DIFF_SIZE }])
    return { dest: files[0]!, umask, rendered: encodeText(rendered, a.output_encoding), source }
  },
  plan(a: Args, s: State) {
    if (!a.force && s.dest.exists) return { changes: [], values: { dest: a.dest, msg: 'file already exists' } }
    return planWrite(requestOf(a, s), s.dest, s.umask)
  },
  async apply(ctx, plan) {
    return applyWrite(ctx, plan.changes)
  },
})
