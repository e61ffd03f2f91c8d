// Ansible's lookup plugins (`lookup()`, `query()`/`q()`, `with_<name>` loops), one file per lookup or family,
// and what ansible's Templar does around them: errors=, wantlist=, joining string results, the unsafe mark.
import { TemplateError } from '../../errors.js'
import { pythonRepr } from '../../python/index.js'
import { MARKS } from '../marks.js'
import { deepStrict, UndefinedUse } from '../undefined.js'
import { boolOption, hooks, LookupOptionError, markLookupResult, rendering, type LookupContext, type LookupPlugin } from './context.js'
import { linesLookup, pipeLookup } from './commands.js'
import { fileglobLookup, fileLookup, unvaultLookup } from './files.js'
import { firstFound } from './first-found.js'
import { dictLookup, flattenedLookup, indexedItemsLookup, inventoryHostnamesLookup, itemsLookup, listLookup, nestedLookup, randomChoiceLookup, subelementsLookup, togetherLookup } from './lists.js'
import { passwordLookup } from './password.js'
import { sequenceLookup } from './sequence.js'
import { csvfileLookup, iniLookup } from './tables.js'
import { templateLookup } from './template-file.js'
import { urlLookup } from './url.js'
import { configLookup, envLookup, varnamesLookup, varsLookup } from './variables.js'

export { configureLookups, markLookupResult, rendering, type LookupContext, type LookupHooks } from './context.js'

/** True when `error` comes from an undefined variable (somewhere in its causes). */
export function isUndefinedError(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof UndefinedUse) return true
  return false
}

// first_found templates each candidate again; one that names an undefined variable is passed over
const firstFoundLookup: LookupPlugin = (terms, options, ctx) =>
  firstFound((text) => {
    try {
      return String(rendering.text!(text, ctx.vars()))
    } catch (error) {
      if (isUndefinedError(error)) return undefined
      throw error
    }
  })(terms, options, ctx)

const LOOKUPS: Record<string, LookupPlugin> = {
  config: configLookup,
  csvfile: csvfileLookup,
  dict: dictLookup,
  env: envLookup,
  file: fileLookup,
  fileglob: fileglobLookup,
  first_found: firstFoundLookup,
  flattened: flattenedLookup,
  indexed_items: indexedItemsLookup,
  ini: iniLookup,
  inventory_hostnames: inventoryHostnamesLookup,
  items: itemsLookup,
  lines: linesLookup,
  list: listLookup,
  nested: nestedLookup,
  password: passwordLookup,
  pipe: pipeLookup,
  random_choice: randomChoiceLookup,
  sequence: sequenceLookup,
  subelements: subelementsLookup,
  template: templateLookup,
  together: togetherLookup,
  unvault: unvaultLookup,
  url: urlLookup,
  varnames: varnamesLookup,
  vars: varsLookup,
}

/** Names of the lookups tsplay has (each also a `with_<name>` loop). */
export const LOOKUP_NAMES: readonly string[] = Object.keys(LOOKUPS)

function plugin(name: unknown): LookupPlugin {
  const short = String(name).replace(/^ansible\.builtin\./, '').replace(/^community\.general\.(?=flattened$)/, '')
  const found = Object.hasOwn(LOOKUPS, short) ? LOOKUPS[short] : undefined
  if (found === undefined) throw new TemplateError(`lookup plugin (${String(name)}) not found`)
  return found
}

/** The lookup's own failure, stated as ansible does under `errors=` (message without our location). */
const failure = (name: string, error: unknown): string => `lookup('${name}'): ${error instanceof Error ? error.message : String(error)}`

/**
 * ansible's Templar._lookup: run lookup `name` on `terms` with keyword `options` (`wantlist`, `allow_unsafe`,
 * `errors=strict|warn|ignore` are the Templar's own). A list comes back for `wantlist`; otherwise string results
 * are joined with commas, one other result is returned alone, several as a list.
 */
export function runLookup(name: unknown, terms: readonly unknown[], options: Record<string, unknown>, ctx: LookupContext): unknown {
  const { wantlist = false, allow_unsafe: allowUnsafe = false, errors = 'strict', ...rest } = options
  const wantList = boolOption(wantlist, 'lookup: wantlist')
  const run = plugin(name)
  // ansible templates the terms (listify_lookup_plugin_terms) with fail_on_undefined: a term that is itself a
  // template is rendered once more (host data is unsafe text, never a plain string), and an undefined term fails
  // whatever `errors=` says
  const given = terms.map((t) => deepStrict(typeof t === 'string' && MARKS.test(t) ? rendering.text!(t, ctx.vars()) : t))
  let ran: unknown[]
  try {
    ran = run(given, rest, ctx)
  } catch (error) {
    if (error instanceof LookupOptionError || isUndefinedError(error)) throw error
    if (errors !== 'warn' && errors !== 'ignore') throw new TemplateError(failure(String(name), error), { cause: error })
    if (errors === 'warn') hooks.warn(`Lookup failed but the error is being ignored: ${failure(String(name), error)}`)
    return wantList ? [] : null
  }
  if (ran.length === 0 || boolOption(allowUnsafe, 'lookup: allow_unsafe')) return ran
  if (wantList) return markLookupResult(ran)
  if (ran.every((v) => typeof v === 'string')) return markLookupResult(ran.join(','))
  return markLookupResult(ran.length === 1 ? ran[0] : ran)
}

/**
 * A `with_<name>` loop's items: ansible's task executor runs the lookup on the templated loop value (a string or
 * scalar becomes a list of one), asking for a list, with `ctx.subdir` chosen from the task's action.
 */
export function loopLookup(name: string, value: unknown, ctx: LookupContext): unknown[] {
  const run = plugin(name)
  const terms = Array.isArray(value) ? value : [value]
  const ran = run(terms, {}, ctx)
  if (!Array.isArray(ran)) throw new TemplateError(`with_${name}: the lookup did not return a list: ${pythonRepr(ran)}`)
  return markLookupResult(ran) as unknown[]
}

/** The folder first_found searches for a `with_*` loop of this action: ansible picks by substring, `files` otherwise. */
export const loopSubdir = (action: string): string => `${['template', 'var', 'file'].find((s) => action.includes(s)) ?? 'file'}s`
