import { existsSync, lstatSync, statSync } from 'node:fs'
import { isAbsolute } from 'node:path'
import { TemplateError } from '../errors.js'
import { pythonCompare, pythonEquals, pythonTruthy } from '../python/index.js'
import { bindArgs } from './args.js'
import { pythonRegex } from './regex.js'
import { IP_TESTS } from './ip-tests.js'
import { inOperator } from './runtime.js'
import { Undefined, strict } from './undefined.js'
import { versionTest } from './version.js'

type Test = (value: unknown, ...args: unknown[]) => boolean

function result(name: string, value: unknown): Record<string, unknown> {
  const v = strict(value)
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TemplateError(`the '${name}' test expects a dictionary`)
  return v as Record<string, unknown>
}

const failed = (value: unknown): boolean => pythonTruthy(result('failed', value).failed)
const changed = (value: unknown): boolean => {
  const r = result('changed', value)
  if (Array.isArray(r.results) && r.changed === undefined) return r.results.some((x) => pythonTruthy((x as Record<string, unknown>)?.changed))
  return pythonTruthy(r.changed)
}
const skipped = (value: unknown): boolean => pythonTruthy(result('skipped', value).skipped)
const unreachable = (value: unknown): boolean => pythonTruthy(result('unreachable', value).unreachable)
// async states are 0 or 1; a result of a task that was not async counts as started and finished
const asyncState = (name: 'started' | 'finished') => (value: unknown): boolean => {
  const r = result(name, value)
  return name in r ? r[name] === 1 || r[name] === true : true
}

function regexTest(mode: 'match' | 'search' | 'fullmatch'): Test {
  return (value, ...args) => {
    const [pattern, ignorecase, multiline] = bindArgs(mode, args, ['pattern', 'ignorecase', 'multiline'])
    const text = String(strict(value))
    if (mode === 'search') return pythonRegex(pattern, { ignorecase, multiline }).test(text)
    const re = pythonRegex(pattern, { ignorecase, multiline }, true)
    const m = re.exec(text)
    return m !== null && (mode === 'match' || m[0].length === text.length)
  }
}

// Jinja2's number test is isinstance(v, Number): Python's bools are numbers too (integer excludes them explicitly)
const isNumber = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean'
const isMapping = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Undefined)
const isSequence = (v: unknown): boolean => typeof v === 'string' || Array.isArray(v) || isMapping(v)

function stat(path: unknown, follow = true): ReturnType<typeof statSync> | undefined {
  try {
    return follow ? statSync(String(path)) : lstatSync(String(path))
  } catch {
    return undefined
  }
}

const compareTest = (op: string): Test => (a, b) => {
  const c = pythonCompare(strict(a), strict(b))
  return op === 'lt' ? c < 0 : op === 'le' ? c <= 0 : op === 'gt' ? c > 0 : c >= 0
}

/** Jinja2 and Ansible tests (`x is defined`, `r is failed`, `v is version('1.2', '>=')`). */
export const TESTS: Record<string, Test> = {
  ...IP_TESTS,
  defined: (v) => !(v instanceof Undefined) && v !== undefined,
  undefined: (v) => v instanceof Undefined || v === undefined,
  none: (v) => v === null,
  true: (v) => v === true,
  false: (v) => v === false,
  succeeded: (v) => !failed(v),
  success: (v) => !failed(v),
  successful: (v) => !failed(v),
  reachable: (v) => !unreachable(v),
  unreachable,
  started: asyncState('started'),
  finished: asyncState('finished'),
  failed,
  failure: failed,
  changed,
  change: changed,
  skipped,
  skip: skipped,
  match: regexTest('match'),
  search: regexTest('search'),
  regex: (value, ...args) => {
    const [pattern, ignorecase, multiline, matchType] = bindArgs('regex', args, ['pattern', 'ignorecase', 'multiline', 'match_type'])
    const kind = matchType === 'match' || matchType === 'fullmatch' ? matchType : 'search'
    return regexTest(kind)(value, pattern, ignorecase, multiline)
  },
  in: (v, container) => inOperator(v, container),
  contains: (container, v) => inOperator(v, container),
  even: (v) => Number(strict(v)) % 2 === 0,
  odd: (v) => Math.abs(Number(strict(v)) % 2) === 1,
  divisibleby: (v, n) => Number(strict(v)) % Number(n) === 0,
  string: (v) => typeof v === 'string',
  number: isNumber,
  integer: (v) => typeof v === 'number' && Number.isInteger(v),
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  mapping: isMapping,
  sequence: isSequence,
  iterable: isSequence,
  callable: (v) => typeof v === 'function',
  lower: (v) => typeof v === 'string' && v === v.toLowerCase(),
  upper: (v) => typeof v === 'string' && v === v.toUpperCase(),
  equalto: (a, b) => pythonEquals(strict(a), strict(b)),
  '==': (a, b) => pythonEquals(strict(a), strict(b)),
  eq: (a, b) => pythonEquals(strict(a), strict(b)),
  ne: (a, b) => !pythonEquals(strict(a), strict(b)),
  '!=': (a, b) => !pythonEquals(strict(a), strict(b)),
  lt: compareTest('lt'),
  '<': compareTest('lt'),
  le: compareTest('le'),
  '<=': compareTest('le'),
  gt: compareTest('gt'),
  '>': compareTest('gt'),
  ge: compareTest('ge'),
  '>=': compareTest('ge'),
  greaterthan: compareTest('gt'),
  lessthan: compareTest('lt'),
  sameas: (a, b) => a === b,
  version: (v, ...args) => versionTest(v, ...args),
  version_compare: (v, ...args) => versionTest(v, ...args),
  truthy: (v, ...args) => {
    const [convertBool] = bindArgs('truthy', args, ['convert_bool'])
    const value = strict(v)
    if (convertBool === true && typeof value === 'string' && /^(yes|no|on|off|true|false|y|n|1|0)$/i.test(value)) return /^(yes|on|true|y|1)$/i.test(value)
    return pythonTruthy(value)
  },
  falsy: (v, ...args) => !TESTS.truthy!(v, ...args),
  subset: (a, b) => (strict(a) as unknown[]).every((x) => (strict(b) as unknown[]).some((y) => pythonEquals(x, y))),
  superset: (a, b) => (strict(b) as unknown[]).every((x) => (strict(a) as unknown[]).some((y) => pythonEquals(x, y))),
  any: (v) => (strict(v) as unknown[]).some(pythonTruthy),
  all: (v) => (strict(v) as unknown[]).every(pythonTruthy),
  abs: (v) => isAbsolute(String(strict(v))),
  exists: (v) => existsSync(String(strict(v))),
  file: (v) => stat(strict(v))?.isFile() ?? false,
  directory: (v) => stat(strict(v))?.isDirectory() ?? false,
  link: (v) => stat(strict(v), false)?.isSymbolicLink() ?? false,
  mount: (v) => {
    const s = stat(strict(v))
    const parent = stat(`${String(v)}/..`)
    return s !== undefined && parent !== undefined && (s.dev !== parent.dev || s.ino === parent.ino)
  },
}
