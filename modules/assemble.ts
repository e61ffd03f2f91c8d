// - name: build sshd_config from its fragments
//   assemble:
//     src: /etc/ssh/sshd_config.d.fragments
//     dest: /etc/ssh/sshd_config
//     delimiter: '### fragment'
//     mode: '0600'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type ModuleContext } from '../engine/module.js'
import { yamlBool } from './lib/args.js'
import { probeFiles, type FileState } from './lib/file-state.js'
import { splitSections } from './lib/getent.js'
import { applyWrite, planWrite, writeArgs, type WriteChange } from './lib/write-file.js'

const args = z
  .object({
    src: z.string().describe('The directory of fragments: on the host, or with remote_src false on the controller (a files/ directory)'),
    dest: z.string().describe('The file to write: the fragments concatenated in name order'),
    delimiter: z.string().optional().describe('Text put between fragments (backslash escapes such as \\n decoded), always followed by a newline'),
    remote_src: yamlBool.default(true).describe('Whether src is on the host (true) or on the controller (false; the result then names src as given, where ansible names its upload)'),
    regexp: z.string().optional().describe('Take only fragments whose name this regular expression matches'),
    ignore_hidden: yamlBool.default(false).describe('Leave out fragments whose name starts with a dot'),
    ...writeArgs,
  })
  .strict()

type Args = z.output<typeof args>

/** One fragment: its file name and bytes. */
export interface Fragment {
  readonly name: string
  readonly content: Buffer
}

/** The fragments read (or why they could not be), and dest as it is. */
export interface AssembleState {
  readonly source: { readonly error: 'missing' | 'notdir' } | { readonly fragments: readonly Fragment[] }
  readonly dest: FileState
  readonly umask: number
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '\n': '' }

/** Python's codecs.escape_decode of the delimiter: `\n`, `\t`, `\xhh`, octal and the like; unknown escapes stay as written. */
export function decodeEscapes(text: string): Buffer {
  const out: Buffer[] = []
  const re = /\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.|\n)/gs
  let last = 0
  for (const m of text.matchAll(re)) {
    out.push(Buffer.from(text.slice(last, m.index)))
    const e = m[1]!
    if (e.startsWith('x') && e.length === 3) out.push(Buffer.from([parseInt(e.slice(1), 16)]))
    else if (/^[0-7]+$/.test(e)) out.push(Buffer.from([parseInt(e, 8) & 0xff]))
    else out.push(Buffer.from(ESCAPES[e] ?? `\\${e}`))
    last = m.index + m[0].length
  }
  out.push(Buffer.from(text.slice(last)))
  return Buffer.concat(out)
}

/** The fragments concatenated as ansible's assemble does: in name order, a newline after one that lacks it, the delimiter between. */
export function assembleFragments(fragments: readonly Fragment[], options: { delimiter?: string | undefined; regexp?: string | undefined; ignoreHidden?: boolean }): Buffer {
  let pattern: RegExp | undefined
  try {
    pattern = options.regexp === undefined ? undefined : new RegExp(options.regexp)
  } catch (error) {
    throw new ModuleError(`Invalid Regexp (${(error as Error).message}) in "${options.regexp}"`)
  }
  const delimiter = options.delimiter ? decodeEscapes(options.delimiter) : undefined
  const parts: Buffer[] = []
  let first = true
  let addNewline = false
  for (const f of [...fragments].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (pattern && !pattern.test(f.name)) continue
    if (options.ignoreHidden && f.name.startsWith('.')) continue
    if (addNewline) parts.push(Buffer.from('\n'))
    if (!first && delimiter) parts.push(delimiter, ...(delimiter.at(-1) === 10 ? [] : [Buffer.from('\n')]))
    parts.push(f.content)
    first = false
    addNewline = f.content.at(-1) !== 10
  }
  return Buffer.concat(parts)
}

/** Write the assembled file when its content or attributes differ; in check mode skipped, as ansible-core's assemble does not support it. Pure. */
export function planAssemble(a: Args, state: AssembleState, ctx?: Pick<ModuleContext, 'check'>) {
  if (ctx?.check) return { changes: [] as WriteChange[], skip: 'check mode is not supported for this task.' }
  if ('error' in state.source) throw new ModuleError(`Source (${a.src}) ${state.source.error === 'missing' ? 'does not exist' : 'is not a directory'}`)
  const content = assembleFragments(state.source.fragments, { delimiter: a.delimiter, regexp: a.regexp, ignoreHidden: a.ignore_hidden })
  const plan = planWrite({ ...a, content, afterHeader: a.src }, state.dest, state.umask)
  const { path: _path, ...values } = plan.values ?? {}
  const extra = a.remote_src ? { src: a.src, md5sum: createHash('md5').update(content).digest('hex'), msg: 'OK' } : {}
  // The assemble module shows no diff; from the controller, the copy that writes it does.
  return { changes: plan.changes, diff: a.remote_src ? [] : (plan.diff ?? []), values: { ...values, ...extra } }
}

/** The fragments of a directory on the controller (remote_src false), regular files only, as the action plugin reads them. */
function localFragments(ctx: ModuleContext, src: string): AssembleState['source'] {
  const dir = ctx.controller.findFile('files', src)
  if (!statSync(dir).isDirectory()) return { error: 'notdir' }
  return { fragments: readdirSync(dir).filter((name) => statSync(join(dir, name), { throwIfNoEntry: false })?.isFile()).map((name) => ({ name, content: readFileSync(join(dir, name)) })) }
}

/** Concatenates a directory of fragments into one file (ansible.builtin.assemble). */
export const assemble = defineModule({
  name: 'assemble',
  args,
  description: 'Build a file from a directory of fragments, concatenated in name order',
  example: "assemble:\n  src: /etc/someapp/fragments\n  dest: /etc/someapp/someapp.conf\n  mode: '0644'",
  async gather(ctx, a: Args): Promise<AssembleState> {
    const read = a.remote_src
      ? ctx.conn.exec(sh`s=${a.src}
if [ ! -e "$s" ]; then echo --tsplay-missing--
elif [ ! -d "$s" ]; then echo --tsplay-notdir--
else echo --tsplay-files--; for f in "$s"/* "$s"/.[!.]* "$s"/..?*; do [ -f "$f" ] || continue; printf '%s ' "$(printf %s "\${f##*/}" | base64 -w0)"; base64 -w0 < "$f"; echo; done; fi`, { text: true })
      : undefined
    const [listing, probe] = await Promise.all([read, probeFiles(ctx.conn, [{ path: a.dest, follow: true, checksum: 'sha1', content: ctx.diff }])])
    return { source: listing === undefined ? localFragments(ctx, a.src) : remoteFragments(listing.stdout), dest: probe.files[0]!, umask: probe.umask }
  },
  plan: planAssemble,
  apply: (ctx, plan) => applyWrite(ctx, plan.changes),
})

function remoteFragments(stdout: string): AssembleState['source'] {
  const sections = splitSections(stdout)
  if (sections.has('missing')) return { error: 'missing' }
  if (sections.has('notdir')) return { error: 'notdir' }
  const lines = (sections.get('files') ?? '').split('\n').filter((l) => l !== '')
  return { fragments: lines.map((l) => { const [name = '', data = ''] = l.split(' '); return { name: Buffer.from(name, 'base64').toString(), content: Buffer.from(data, 'base64') } }) }
}
