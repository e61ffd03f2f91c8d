// - name: add the nginx repository (one-line format, written to sources.list.d/nginx.list)
//   apt_repository:
//     repo: deb [signed-by=/etc/apt/keyrings/nginx.asc] http://nginx.org/packages/debian bookworm nginx
//     filename: nginx
//     state: present
import { z } from 'zod'
import { raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type Diff, type ModuleContext, type Plan } from '../engine/module.js'
import { APT_ENV } from './lib/apt-state.js'
import { fileMode, yamlBool, yamlInt } from './lib/args.js'
import { withAliases } from './lib/packages.js'
import { waitForLock } from './lib/pkg-lock.js'

const SOURCES_LIST = '/etc/apt/sources.list'
const SOURCES_DIR = '/etc/apt/sources.list.d'
const VALID_SOURCE_TYPES = ['deb', 'deb-src']

const args = withAliases(z.object({
  repo: z.string().min(1, "Please set argument 'repo' to a non-empty value").describe("a sources.list line, e.g. 'deb http://deb.debian.org/debian bookworm main'"),
  state: z.enum(['present', 'absent']).default('present').describe('present adds (or re-enables) the line, absent removes it from every file'),
  mode: fileMode.optional().describe('mode of a sources.list.d file the line is added to'),
  update_cache: yamlBool.default(true).describe('run apt-get update after a change (alias update-cache)'),
  update_cache_retries: yamlInt.default(5).describe('accepted for compatibility'),
  update_cache_retry_max_delay: yamlInt.default(12).describe('accepted for compatibility'),
  filename: z.string().optional().describe('name of the sources.list.d file without .list (default: derived from the URL)'),
  install_python_apt: yamlBool.default(true).describe('accepted for compatibility; tsplay needs no Python on hosts'),
  validate_certs: yamlBool.default(true).describe('accepted for compatibility'),
  codename: z.string().optional().describe('accepted for compatibility (PPAs are Ubuntu-only and not supported)'),
}).strict().superRefine((a, ctx) => {
  if (a.repo.startsWith('ppa:')) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['repo'], message: 'PPA repositories are Ubuntu-only and not supported' })
  else if (parseSourceLine(a.repo).valid === false || a.repo.trim().startsWith('#')) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['repo'], message: `Invalid repository string: ${a.repo}` })
}), { 'update-cache': 'update_cache' })

type Args = z.output<typeof args>

/** One line of a sources file as Ansible's SourcesList reads it: valid means a deb/deb-src entry. */
export interface SourceLine {
  readonly valid: boolean
  readonly enabled: boolean
  readonly source: string
  readonly comment: string
}

/** Ansible's `_parse`: a leading `#` disables, a later `#` starts a comment, whitespace in a valid source collapses. */
export function parseSourceLine(text: string): SourceLine {
  let line = text.trim()
  let enabled = true
  if (line.startsWith('#')) {
    enabled = false
    line = line.slice(1)
  }
  let comment = ''
  const hash = line.indexOf('#')
  if (hash > 0) {
    comment = line.slice(hash + 1).trim()
    line = line.slice(0, hash)
  }
  let source = line.trim()
  const chunks = source.split(/\s+/)
  const valid = source !== '' && VALID_SOURCE_TYPES.includes(chunks[0]!)
  if (valid) source = chunks.join(' ')
  return { valid, enabled, source, comment }
}

/** Ansible's `dump` of one file: every line re-rendered (`# ` for disabled ones, ` # ` before comments). */
export const renderSourceLines = (lines: readonly SourceLine[]): string =>
  lines.map((l) => `${l.enabled ? '' : '# '}${l.source}${l.comment ? ` # ${l.comment}` : ''}\n`).join('')

/** The sources.list.d file name Ansible suggests for a line: the URL's host and path, non-alphanumerics as `_`. */
export function suggestFilename(source: string, filename: string | undefined): string {
  if (filename !== undefined) return `${filename}.list`
  const line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '')
  const parts = line.split(/\s+/).filter((p) => p !== '' && !VALID_SOURCE_TYPES.includes(p))
  const first = (parts[0] ?? '').split('@').at(-1)!
  return `${first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter(Boolean).join('_')}.list`
}

type Files = Map<string, SourceLine[]>

/** Add or remove the line across all files as Ansible's SourcesList does; returns the new files and which were created. */
export function editSources(before: ReadonlyMap<string, string>, a: Args): { after: Map<string, string>; added: Set<string> } {
  const files: Files = new Map([...before].map(([path, text]) => [path, text.split('\n').slice(0, text.endsWith('\n') ? -1 : undefined).map(parseSourceLine)]))
  const wanted = parseSourceLine(a.repo).source
  const added = new Set<string>()
  if (a.state === 'present') {
    let found = false
    for (const lines of files.values()) {
      lines.forEach((l, i) => {
        if (l.valid && l.source === wanted) {
          lines[i] = { ...l, enabled: true }
          found = true
        }
      })
    }
    if (!found) {
      const name = suggestFilename(wanted, a.filename)
      const path = name.includes('/') ? name : `${SOURCES_DIR}/${name}`
      files.set(path, [...(files.get(path) ?? []), { valid: true, enabled: true, source: wanted, comment: '' }])
      added.add(path)
    }
  } else {
    for (const [path, lines] of files) files.set(path, lines.filter((l) => !(l.valid && l.enabled && l.source === wanted)))
  }
  return { after: new Map([...files].map(([path, lines]) => [path, renderSourceLines(lines)])), added }
}

interface SourcesChange extends Change {
  readonly kind: 'write' | 'remove'
  readonly path: string
  readonly before: string | null
  readonly after: string
  readonly created: boolean
}

/** Adds or removes a one-line apt source in /etc/apt/sources.list(.d), as Ansible's apt_repository. */
export const apt_repository = defineModule({
  name: 'apt_repository',
  description: 'add or remove a one-line apt source in sources.list.d, then refresh the package lists',
  example: "- apt_repository:\n    repo: deb http://deb.debian.org/debian bookworm-backports main\n    filename: backports",
  args,

  async gather(ctx: ModuleContext): Promise<Map<string, string>> {
    const result = await ctx.conn.exec(sh`for f in ${SOURCES_LIST} ${SOURCES_DIR}/*.list; do if [ -f "$f" ]; then printf '@file %s\n' "$f"; base64 -w0 -- "$f"; echo; fi; done`)
    const files = new Map<string, string>()
    const out = result.stdout.split('\n')
    for (let i = 0; i < out.length; i++) {
      if (out[i]!.startsWith('@file ')) files.set(out[i]!.slice(6), Buffer.from(out[++i] ?? '', 'base64').toString('utf8'))
    }
    return files
  },

  plan(a: Args, before: Map<string, string>): Plan<SourcesChange> {
    // Ansible compares re-rendered files on both sides: normalising a comment alone is no change.
    const rendered = editSources(before, { ...a, state: 'absent', repo: '# none' })
    const { after, added } = editSources(before, a)
    const changes: SourcesChange[] = []
    const diff: Diff[] = []
    for (const [path, text] of after) {
      const old = rendered.after.get(path)
      if (old === text) continue
      const kind = text === '' ? 'remove' : 'write'
      changes.push({ kind, path, before: before.get(path) ?? null, after: text, created: added.has(path) && !before.has(path), summary: `${kind === 'remove' ? 'remove' : before.has(path) ? 'update' : 'create'} ${path}` })
      diff.push({ before: old ?? '', after: text, beforeHeader: old === undefined ? '/dev/null' : path, afterHeader: text === '' ? '/dev/null' : path })
    }
    return { changes, diff, values: { repo: a.repo, state: a.state } }
  },

  async apply(ctx: ModuleContext, plan: Plan<SourcesChange>, a: Args) {
    for (const c of plan.changes) {
      if (c.kind === 'remove') await ctx.conn.exec(sh`rm -f -- ${c.path}`)
      else await ctx.conn.writeFile(c.path, c.after, c.created && a.mode ? { mode: a.mode } : {})
    }
    if (!a.update_cache) return
    const update = await ctx.conn.exec(sh`${raw(waitForLock(sh`${APT_ENV} apt-get -q update`, 60))}`, { allowFailure: true })
    if (update.exitCode === 0 && !/^(E:|Err:)/m.test(update.stdout + update.stderr)) return
    // As Ansible: a source that breaks apt-get update is taken back out.
    for (const c of plan.changes) {
      if (c.before === null) await ctx.conn.exec(sh`rm -f -- ${c.path}`)
      else await ctx.conn.writeFile(c.path, c.before)
    }
    throw new ModuleError(`Failed to update apt cache: ${update.stderr.trim() || update.stdout.trim()}`, { rc: update.exitCode, stdout: update.stdout, stderr: update.stderr })
  },
})
