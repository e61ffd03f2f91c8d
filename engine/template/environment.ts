import nunjucks from 'nunjucks'
import { TemplateError, didYouMean } from '../errors.js'
import { FILTERS } from './filters/index.js'
import { GLOBALS } from './globals.js'
import { TESTS } from './tests.js'

/** The delimiters of a template (the template module's `*_string` arguments), in nunjucks' names; unset ones are Jinja2's. */
export type TemplateTags = Partial<Record<'blockStart' | 'blockEnd' | 'variableStart' | 'variableEnd' | 'commentStart' | 'commentEnd', string>>

/** How a template's block tags treat whitespace: inline strings use neither, the template module trim_blocks. */
export interface Whitespace {
  readonly trimBlocks: boolean
  readonly lstripBlocks: boolean
  readonly tags?: TemplateTags
}

/** The template module's environment arguments (and `#jinja2:` header keys) and the TemplateTags key of each. */
export const TAG_ARGUMENTS = {
  block_start_string: 'blockStart',
  block_end_string: 'blockEnd',
  variable_start_string: 'variableStart',
  variable_end_string: 'variableEnd',
  comment_start_string: 'commentStart',
  comment_end_string: 'commentEnd',
} as const

/** A compiled template, as nunjucks keeps it. */
export interface Compiled {
  rootRenderFunc(env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: (err: unknown, out?: string) => void): void
}

/** A nunjucks environment set up like Ansible's Jinja2 one, and the templates compiled in it. */
export interface Flavor {
  readonly env: nunjucks.Environment & { globals: Record<string, unknown> }
  readonly compiled: Map<string, Compiled>
}

/** Globals template.ts adds for its own use (the native-value capture) and `omit`. */
export const extraGlobals: Record<string, unknown> = {}

/** How `{% include %}` renders a file; template.ts installs it (it owns rendering). Undefined result: missing file. */
export const includes: { render?: (name: string, vars: Record<string, unknown>, whitespace: Whitespace, frame: unknown) => string | undefined } = {}

type Done = (err: unknown, out?: unknown) => void

/** What nunjucks' compiled `{% include %}` expects from env.getTemplate. */
function includedTemplate(name: unknown, whitespace: Whitespace, ignoreMissing: boolean) {
  return {
    render(vars: Record<string, unknown>, frame: unknown, done: Done): void {
      let out: string | undefined
      try {
        out = includes.render!(String(name), vars, whitespace, frame)
      } catch (error) {
        done(error)
        return
      }
      if (out === undefined && !ignoreMissing) done(new TemplateError(`template not found: '${String(name)}'`))
      else done(null, out ?? '')
    },
    getExported(): never {
      throw new TemplateError(`{% import %} and {% from %} are not supported (importing '${String(name)}'); use {% include %} or a role variable`)
    },
  }
}

// Collection-qualified names (`ansible.builtin.to_json`, `community.general.dict`) use our plugin of that name.
const short = (name: string): string => name.slice(name.lastIndexOf('.') + 1)

function lookupPlugin<T>(kind: 'filter' | 'test', table: Record<string, T>, name: string): T {
  const plugin = table[name] ?? table[short(name)]
  if (plugin) return plugin
  const hint = didYouMean(name, Object.keys(table))
  throw new TemplateError(`no ${kind} named '${name}'${hint ? ` (did you mean '${hint}'?)` : ''}`)
}

function makeFlavor(whitespace: Whitespace): Flavor {
  const env = new nunjucks.Environment([], { autoescape: false, ...whitespace, throwOnUndefined: false })
  for (const [name, value] of Object.entries({ ...GLOBALS, ...extraGlobals })) env.addGlobal(name, value)
  // Filters and tests are looked up at render time, so unknown names get a did-you-mean.
  Object.assign(env, {
    getFilter: (name: string) => lookupPlugin('filter', FILTERS, name),
    getTest: (name: string) => lookupPlugin('test', TESTS, name),
    getTemplate: (name: unknown, _eager: unknown, _parent: unknown, ignoreMissing: boolean, done: Done) => done(null, includedTemplate(name, whitespace, ignoreMissing)),
  })
  return { env: env as Flavor['env'], compiled: new Map() }
}

const flavors = new Map<string, Flavor>()

/** The environment for these whitespace options, made on first use. */
export function flavor(whitespace: Whitespace): Flavor {
  const key = `${whitespace.trimBlocks}/${whitespace.lstripBlocks}${whitespace.tags ? JSON.stringify(whitespace.tags) : ''}`
  let found = flavors.get(key)
  if (!found) {
    found = makeFlavor(whitespace)
    flavors.set(key, found)
  }
  return found
}

const OVERRIDE = /^#jinja2:(.*)\r?\n?/

/**
 * Ansible's per-file override line, e.g. `#jinja2: trim_blocks: False, lstrip_blocks: True`:
 * the options it sets on top of `base` (the template module's defaults and arguments; the line wins, as in
 * ansible's Templar) and the text without that line.
 */
export function fileWhitespace(text: string, base: Whitespace = { trimBlocks: true, lstripBlocks: false }): { whitespace: Whitespace; body: string } {
  const m = OVERRIDE.exec(text)
  if (!m) return { whitespace: base, body: text }
  const options: Record<string, boolean> = {}
  const tags: TemplateTags = { ...base.tags }
  for (const pair of m[1]!.split(',')) {
    const at = pair.indexOf(':')
    const key = pair.slice(0, at < 0 ? pair.length : at).trim()
    const value = at < 0 ? '' : pair.slice(at + 1).trim()
    if (key === 'trim_blocks' || key === 'lstrip_blocks') options[key] = /^(true|yes|1)$/i.test(value)
    else if (key in TAG_ARGUMENTS) tags[TAG_ARGUMENTS[key as keyof typeof TAG_ARGUMENTS]] = value.replace(/^(["'])(.*)\1$/, '$2')
  }
  return {
    whitespace: { trimBlocks: options.trim_blocks ?? base.trimBlocks, lstripBlocks: options.lstrip_blocks ?? base.lstripBlocks, ...(Object.keys(tags).length ? { tags } : {}) },
    body: text.slice(m[0].length),
  }
}
