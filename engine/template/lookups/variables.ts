import { pythonRepr, pythonType } from '../../python/index.js'
import { pythonRegex } from '../regex.js'
import { Undefined, UndefinedUse, isUndefined } from '../undefined.js'
import { hooks, LookupError, LookupOptionError, option, type LookupPlugin } from './context.js'

/** `env`: controller environment variables (the first word of each term), `default=` when unset ('' by default). */
export const envLookup: LookupPlugin = (terms, options) => {
  const fallback = options['default'] === undefined ? '' : options['default']
  return terms.map((term) => {
    if (typeof term !== 'string') throw new LookupError(`env: expected a variable name, got ${pythonRepr(term)}`)
    const name = term.trim().split(/\s+/)[0] ?? ''
    const value = process.env[name] ?? fallback
    if (value instanceof Undefined) throw new UndefinedUse(`The "env" lookup, found an undefined variable: ${name}`)
    return value
  })
}

function needName(term: unknown): string {
  if (typeof term === 'string') return term
  throw new LookupError(`Invalid setting identifier, "${pythonRepr(term)}" is not a string, it is a <class '${pythonType(term)}'>`)
}

/** `vars`: variables by name (templated), then the host's hostvars; `default=` when missing, else an undefined-variable error. */
export const varsLookup: LookupPlugin = (terms, options, ctx) => {
  const fallback = options['default']
  return terms.map((term) => {
    const name = needName(term)
    let value = ctx.variable(name)
    if (isUndefined(value)) {
      const host = ctx.variable('inventory_hostname')
      const hostvars = ctx.variable('hostvars') as Record<string, Record<string, unknown> | undefined> | undefined
      value = typeof host === 'string' && hostvars !== null && typeof hostvars === 'object' ? hostvars[host]?.[name] : undefined
    }
    if (!isUndefined(value)) return value
    if (fallback !== undefined && fallback !== null) return fallback
    throw new UndefinedUse(`No variable found with this name: ${name}`)
  })
}

/** `varnames`: names of the visible variables that a Python regular expression finds (re.search). */
export const varnamesLookup: LookupPlugin = (terms, _options, ctx) => {
  const names = ctx.variableNames()
  return terms.flatMap((term) => {
    const pattern = needName(term)
    let re: RegExp
    try {
      re = pythonRegex(pattern)
    } catch (error) {
      throw new LookupError(`Unable to use "${pattern}" as a search parameter: ${(error as Error).message}`)
    }
    return names.filter((n) => {
      // re.search from the start of every name (the compiled pattern is global)
      re.lastIndex = 0
      return re.test(n)
    })
  })
}

/** `config`: ansible settings by their config name (`DEFAULT_ROLES_PATH`), or a plugin's with plugin_type/plugin_name. */
export const configLookup: LookupPlugin = (terms, options) => {
  const missing = option(options, 'on_missing', 'error')
  const type = option(options, 'plugin_type', undefined)
  const name = option(options, 'plugin_name', undefined)
  if ((type || name) && !(type && name)) throw new LookupOptionError('Both plugin_type and plugin_name are required, cannot use one without the other')
  if (missing !== 'error' && missing !== 'warn' && missing !== 'skip') throw new LookupOptionError(`"on_missing" must be a string and one of "error", "warn" or "skip", not ${String(missing)}`)
  return terms.flatMap((term) => {
    if (typeof term !== 'string') throw new LookupOptionError(`Invalid setting identifier, "${pythonRepr(term)}" is not a string`)
    const value = hooks.config(term, type && name ? { type: String(type), name: String(name) } : undefined)
    if (value !== undefined) return [value]
    if (missing === 'error') throw new LookupError(`Unable to find setting ${term}`)
    if (missing === 'warn') hooks.warn(`Skipping, did not find setting ${term}`)
    return []
  })
}
