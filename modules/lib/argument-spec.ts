import { literalEval, pythonRepr, pythonStr, pythonType } from '../../engine/python/index.js'

/** One option of an argument spec, as written in a role's `meta/argument_specs.yml` (ansible's option attributes). */
export type OptionSpec = Readonly<Record<string, unknown>>
/** An argument spec: option name → its attributes (`type`, `required`, `default`, `choices`, `elements`, `options`, ...). */
export type ArgumentSpec = Readonly<Record<string, OptionSpec>>

/**
 * How a value's Python class is named in messages, given the top-level option it is (in): a string read from YAML
 * is `AnsibleUnicode` in ansible, one that went through templating (a role parameter) a plain `str`.
 */
export type TypeNamer = (value: unknown, option: string) => string

/** The class of a value as ansible-playbook names it for arguments read from YAML. */
export const yamlTypeName: TypeNamer = (value) => (typeof value === 'string' ? "<class 'ansible.parsing.yaml.objects.AnsibleUnicode'>" : `<class '${pythonType(value)}'>`)

/** What validating parameters against a spec gives: ansible's error messages in its order, the parameters with defaults. */
export interface ValidationResult {
  readonly errors: string[]
  readonly parameters: Record<string, unknown>
}

/**
 * Validate `parameters` against `spec` as ansible-core 2.14's ArgumentSpecValidator does: aliases, unsupported
 * parameters, defaults, required, types (with conversion), choices, the required_* checks of sub-specs, nested
 * `options`; the messages are ansible's, word for word.
 */
export function validateArgumentSpec(spec: ArgumentSpec, parameters: Readonly<Record<string, unknown>>, typeName: TypeNamer = yamlTypeName): ValidationResult {
  const params: Record<string, unknown> = { ...parameters }
  const errors: string[] = []
  const unsupported = new Map<string, string>()
  const aliases = handleAliases(spec, params, errors)
  subParameterProblem(spec, params, errors)
  collectUnsupported(spec, params, aliases, [], unsupported)
  const v = new Validator(errors, typeName)
  setDefaults(spec, params, false)
  v.required(spec, params, [])
  v.types(spec, params, [])
  v.values(spec, params, [])
  setDefaults(spec, params, true)
  v.subSpecs(spec, params, [], unsupported)
  if (unsupported.size > 0) {
    const names = [...unsupported.keys()].sort()
    errors.push(`${names.join(', ')}. Supported parameters include: ${unsupported.get(names[names.length - 1]!)!}.`)
  }
  return { errors, parameters: params }
}

const within = (msg: string, context: readonly string[]): string => (context.length ? `${msg} found in ${context.join(' -> ')}` : msg)

function handleAliases(spec: ArgumentSpec, params: Record<string, unknown>, errors: string[]): Map<string, string> {
  const found = new Map<string, string>()
  for (const [name, option] of Object.entries(spec)) {
    if (option['default'] !== undefined && option['default'] !== null && option['required'] === true) {
      errors.push(`internal error: required and default are mutually exclusive for ${name}`)
      return found
    }
    const aliases = option['aliases']
    if (aliases === undefined || aliases === null) continue
    if (!Array.isArray(aliases)) {
      errors.push('internal error: aliases must be a list or tuple')
      return found
    }
    for (const alias of aliases.map(String)) {
      found.set(alias, name)
      if (alias in params) params[name] = params[alias]
    }
  }
  return found
}

// ansible walks the sub-options for no_log values before anything else, and stops at the first element that is
// not a mapping (a string must read as one): that walk's error comes first
function subParameterProblem(spec: ArgumentSpec, params: Record<string, unknown>, errors: string[]): void {
  const walk = (s: ArgumentSpec, p: Record<string, unknown>): void => {
    for (const [name, option] of Object.entries(s)) {
      const sub = option['options'] as ArgumentSpec | undefined | null
      const given = p[name]
      if (sub === undefined || sub === null || given === undefined || given === null) continue
      if (!(option['type'] === 'dict' || (option['type'] === 'list' && option['elements'] === 'dict'))) continue
      for (let item of Array.isArray(given) ? given : [given]) {
        if (typeof item === 'string') item = toDict(item, () => new TypeError(''))
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          throw new TypeError(`Value '${pythonStr(item)}' in the sub parameter field '${name}' must by a ${String(option['type'])}, not '${pythonType(item)}'`)
        }
        walk(sub, item as Record<string, unknown>)
      }
    }
  }
  try {
    walk(spec, params)
  } catch (e) {
    errors.push((e as Error).message)
  }
}

function collectUnsupported(spec: ArgumentSpec, params: Record<string, unknown>, aliases: Map<string, string>, context: readonly string[], into: Map<string, string>): void {
  const legal = new Set([...Object.keys(spec), ...aliases.keys()])
  for (const key of Object.keys(params)) {
    if (legal.has(key)) continue
    const supported = Object.keys(spec).sort().join(', ')
    const aliasNames = [...aliases.keys()].sort()
    into.set([...context, key].join('.'), aliasNames.length ? `${supported} (${aliasNames.join(', ')})` : supported)
  }
}

function setDefaults(spec: ArgumentSpec, params: Record<string, unknown>, all: boolean): void {
  for (const [name, option] of Object.entries(spec)) {
    const fallback = option['default'] ?? null
    // the default itself, not a copy: ansible fills a sub-spec's defaults into it, and its result shows the spec so changed
    if (!(name in params) && (fallback !== null || all)) params[name] = fallback
  }
}

class Validator {
  constructor(
    private readonly errors: string[],
    private readonly typeName: TypeNamer,
  ) {}

  required(spec: ArgumentSpec, params: Record<string, unknown>, context: readonly string[]): void {
    const missing = Object.entries(spec).filter(([name, o]) => o['required'] === true && !(name in params)).map(([name]) => name)
    if (missing.length) this.errors.push(within(`missing required arguments: ${missing.sort().join(', ')}`, context))
  }

  types(spec: ArgumentSpec, params: Record<string, unknown>, context: readonly string[]): void {
    const where = context.length ? ` found in '${context.join(' -> ')}'` : ''
    for (const [name, option] of Object.entries(spec)) {
      const value = params[name]
      if (!(name in params) || value === null || value === undefined) continue
      const wanted = typeof option['type'] === 'string' ? option['type'] : 'str'
      try {
        const named = (v: unknown): string => this.typeName(v, context[0] ?? name)
        params[name] = convert(wanted, value, named)
        const elements = option['elements']
        if (elements === undefined || elements === null) continue
        const list = params[name]
        if (wanted !== 'list' || !Array.isArray(list)) {
          this.errors.push(`Invalid type ${wanted} for option '${pythonStr(list)}'${where ? `${where}.` : ''}, elements value check is supported only with 'list' type`)
        }
        params[name] = this.elements(String(elements), name, iterate(list), where, named)
      } catch (e) {
        this.errors.push(`argument '${name}' is of type ${this.typeName(value, context[0] ?? name)}${where ? `${where}.` : ''} and we were unable to convert to ${wanted}: ${(e as Error).message}`)
      }
    }
  }

  private elements(wanted: string, name: string, values: readonly unknown[], where: string, named: (v: unknown) => string): unknown[] {
    const out: unknown[] = []
    for (const value of values) {
      try {
        out.push(convert(wanted, value, named))
      } catch (e) {
        this.errors.push(`Elements value for option '${name}'${where} is of type ${named(value)} and we were unable to convert to ${wanted}: ${(e as Error).message}`)
      }
    }
    return out
  }

  values(spec: ArgumentSpec, params: Record<string, unknown>, context: readonly string[]): void {
    for (const [name, option] of Object.entries(spec)) {
      const choices = option['choices']
      if (choices === undefined || choices === null) continue
      if (!Array.isArray(choices)) {
        this.errors.push(within(`internal error: choices for argument ${name} are not iterable: ${pythonStr(choices)}`, context))
        continue
      }
      if (!(name in params)) continue
      const value = params[name]
      const listed = choices.map((c) => pythonStr(c)).join(', ')
      if (Array.isArray(value)) {
        const stray = value.filter((item) => !choices.some((c) => same(c, item)))
        if (stray.length) this.errors.push(within(`value of ${name} must be one or more of: ${listed}. Got no match for: ${stray.map((s) => pythonStr(s)).join(', ')}`, context))
      } else if (!choices.some((c) => same(c, value))) {
        // PyYAML read yes/no as booleans: a 'True'/'False' matching exactly one boolean-like choice is taken as it
        const like = value === 'False' ? FALSY : value === 'True' ? TRUTHY : undefined
        const overlap = like ? choices.filter((c) => like.some((b) => same(b, c))) : []
        if (overlap.length === 1) params[name] = overlap[0]
        else this.errors.push(within(`value of ${name} must be one of: ${listed}, got: ${pythonStr(value)}`, context))
      }
    }
  }

  subSpecs(spec: ArgumentSpec, params: Record<string, unknown>, context: readonly string[], unsupported: Map<string, string>): void {
    for (const [name, option] of Object.entries(spec)) {
      const wanted = option['type']
      if (!(wanted === 'dict' || (wanted === 'list' && option['elements'] === 'dict'))) continue
      const sub = option['options'] as ArgumentSpec | undefined | null
      if (option['apply_defaults'] === true) {
        if (sub === undefined || sub === null) continue
        if (params[name] === undefined || params[name] === null) params[name] = {}
      } else if (sub === undefined || sub === null || params[name] === undefined || params[name] === null) continue
      const inner = [...context, name]
      const value = params[name]
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === null || typeof item !== 'object' || Array.isArray(item)) {
          this.errors.push(`value of '${name}' must be of type dict or list of dicts`)
          continue
        }
        const subParams = item as Record<string, unknown>
        const subAliases = handleAliases(sub, subParams, this.errors)
        subParameterProblem(sub, subParams, this.errors)
        collectUnsupported(sub, subParams, subAliases, inner, unsupported)
        this.together('mutually_exclusive', option, subParams, inner)
        setDefaults(sub, subParams, false)
        this.required(sub, subParams, inner)
        this.types(sub, subParams, inner)
        this.values(sub, subParams, inner)
        for (const check of ['required_together', 'required_one_of', 'required_if', 'required_by'] as const) this.together(check, option, subParams, inner)
        setDefaults(sub, subParams, true)
        this.subSpecs(sub, subParams, inner, unsupported)
      }
    }
  }

  // the relations between options of a sub-spec (mutually_exclusive and the required_* family), ansible's messages
  private together(check: string, option: OptionSpec, params: Record<string, unknown>, context: readonly string[]): void {
    const terms = option[check]
    if (terms === undefined || terms === null) return
    const given = (k: string): boolean => params[k] !== undefined && params[k] !== null
    const count = (names: readonly string[]): number => names.filter((k) => k in params).length
    if (check === 'required_by' && typeof terms === 'object' && !Array.isArray(terms)) {
      for (const [key, needs] of Object.entries(terms as Record<string, unknown>)) {
        if (!given(key)) continue
        const missing = [needs].flat().map(String).filter((n) => !given(n))
        if (missing.length) this.errors.push(within(`missing parameter(s) required by '${key}': ${missing.join(', ')}`, context))
      }
      return
    }
    for (const term of Array.isArray(terms) ? (terms as unknown[][]) : []) {
      if (!Array.isArray(term)) continue
      const names = term.map(String)
      if (check === 'mutually_exclusive' && count(names) > 1) this.errors.push(within(`parameters are mutually exclusive: ${names.join('|')}`, context))
      if (check === 'required_one_of' && count(names) === 0) this.errors.push(within(`one of the following is required: ${names.join(', ')}`, context))
      if (check === 'required_together' && count(names) > 0 && count(names) < names.length) this.errors.push(within(`parameters are required together: ${names.join(', ')}`, context))
      if (check === 'required_if') this.requiredIf(term, params, context)
    }
  }

  private requiredIf(term: readonly unknown[], params: Record<string, unknown>, context: readonly string[]): void {
    const [key, value, needs, anyOf] = term
    if (!same(params[String(key)], value)) return
    const wanted = [needs].flat().map(String)
    const missing = wanted.filter((n) => params[n] === undefined || params[n] === null)
    if (missing.length === 0 || (anyOf === true && missing.length < wanted.length)) return
    const which = anyOf === true ? 'any' : 'all'
    this.errors.push(within(`${String(key)} is ${pythonStr(value)} but ${which} of the following are missing: ${missing.join(', ')}`, context))
  }
}

// what Python's `for x in value` walks: a list's items, a string's characters, a dict's keys
function iterate(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string') return [...value]
  if (value !== null && typeof value === 'object') return Object.keys(value)
  throw new TypeError(`'${pythonType(value)}' object is not iterable`)
}

const TRUTHY: readonly unknown[] = ['y', 'yes', 'on', '1', 'true', 't', 1, true]
const FALSY: readonly unknown[] = ['n', 'no', 'off', '0', 'false', 'f', 0, false]

// Python's == between YAML values: 1 == True and 0 == False as in Python
function same(a: unknown, b: unknown): boolean {
  const num = (x: unknown): unknown => (typeof x === 'boolean' ? Number(x) : x)
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b)
  return num(a) === num(b)
}

/** The value as type `wanted` (ansible's check_type_* converters); throws with ansible's message when it cannot be. */
function convert(wanted: string, value: unknown, typeName: (v: unknown) => string): unknown {
  const cannot = (what: string): Error => new TypeError(`${typeName(value)} cannot be converted to ${what}`)
  switch (wanted) {
    case 'str':
      return typeof value === 'string' ? value : pythonStr(value)
    case 'path':
      return (typeof value === 'string' ? value : pythonStr(value)).replace(/^~(?=\/|$)/, process.env['HOME'] ?? '~').replace(/\$(\w+)|\$\{(\w+)\}/g, (all, a?: string, b?: string) => process.env[a ?? b ?? ''] ?? all)
    case 'raw':
      return value
    case 'list':
      if (Array.isArray(value)) return value
      if (typeof value === 'string') return value.split(',')
      if (typeof value === 'number' || typeof value === 'boolean') return [pythonStr(value)]
      throw cannot('a list')
    case 'dict':
      return toDict(value, cannot)
    case 'bool':
      return toBool(value, cannot)
    case 'int':
      if (typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value))) return value
      if (typeof value === 'string' && /^\s*[-+]?\d+(_\d+)*\s*$/.test(value)) return Number(value.replace(/_/g, ''))
      throw cannot('an int')
    case 'float':
      if (typeof value === 'number' || typeof value === 'boolean') return Number(value)
      if (typeof value === 'string' && /^\s*[-+]?(\d[\d_]*\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?|inf(inity)?|nan)\s*$/i.test(value)) return Number(value.replace(/_/g, '').replace(/inf(inity)?/i, 'Infinity'))
      throw cannot('a float')
    case 'json':
    case 'jsonarg':
      if (typeof value === 'string') return value.trim()
      if (typeof value === 'object' && value !== null) return JSON.stringify(value)
      throw cannot('a json string')
    case 'bytes':
    case 'bits':
      return humanToBytes(value, wanted === 'bits', () => cannot(wanted === 'bits' ? 'a Bit value' : 'a Byte value'))
    default:
      throw new TypeError("'NoneType' object is not callable")
  }
}

function toBool(value: unknown, cannot: (what: string) => Error): boolean {
  if (typeof value === 'boolean') return value
  if (typeof value !== 'string' && typeof value !== 'number') throw cannot('a bool')
  const normal = typeof value === 'string' ? value.toLowerCase().trim() : value
  if (TRUTHY.includes(normal)) return true
  if (FALSY.includes(normal)) return false
  const valid = [0, 1, '0', '1', 'n', 'yes', 't', 'f', 'false', 'off', 'y', 'on', 'no', 'true'].map((b) => pythonRepr(b)).join(', ')
  throw new TypeError(`The value '${pythonStr(value)}' is not a valid boolean.  Valid booleans include: ${valid}`)
}

function toDict(value: unknown, cannot: (what: string) => Error): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value
  if (typeof value !== 'string') throw cannot('a dict')
  if (value.startsWith('{')) {
    try {
      return JSON.parse(value) as unknown
    } catch {
      const literal = literalEval(value)
      if (literal === undefined) throw new TypeError('unable to evaluate string as dictionary')
      return literal
    }
  }
  if (!value.includes('=')) throw new TypeError('dictionary requested, could not parse JSON or key=value')
  const fields: string[] = []
  let buffer = ''
  let quote: string | undefined
  let escaped = false
  for (const c of value.trim()) {
    if (escaped) (buffer += c), (escaped = false)
    else if (c === '\\') escaped = true
    else if (quote === undefined && (c === "'" || c === '"')) quote = c
    else if (quote === c) quote = undefined
    else if (quote === undefined && (c === ',' || c === ' ')) buffer && fields.push(buffer), (buffer = '')
    else buffer += c
  }
  if (buffer) fields.push(buffer)
  return Object.fromEntries(fields.map((f) => [f.slice(0, f.indexOf('=') < 0 ? f.length : f.indexOf('=')), f.slice(f.indexOf('=') + 1)]))
}

const UNITS = 'BKMGTPEZY'

// ansible's human_to_bytes for the forms arguments use: a number, or a number and a unit (10M, 1.5 GB, 8Mb)
function humanToBytes(value: unknown, bits: boolean, cannot: () => Error): number {
  if (typeof value === 'number') return value
  const match = /^\s*(\d*\.?\d+)\s*([A-Za-z]*)\s*$/.exec(String(value))
  if (!match) throw cannot()
  const unit = match[2]!
  const power = unit === '' ? 0 : UNITS.indexOf(unit[0]!.toUpperCase())
  const rest = unit.slice(1)
  if (power < 0 || (unit !== '' && rest !== '' && rest !== (bits ? 'b' : 'B') && !(unit.length === 1))) throw cannot()
  return Math.round(Number(match[1]) * 1024 ** power)
}
