import { TemplateError } from '../errors.js'
import { pythonStr } from '../python/index.js'
import { bindArgs } from './args.js'
import { strict } from './undefined.js'

const OPERATORS: Record<string, (c: number) => boolean> = {
  '==': (c) => c === 0,
  '=': (c) => c === 0,
  eq: (c) => c === 0,
  '<': (c) => c < 0,
  lt: (c) => c < 0,
  '<=': (c) => c <= 0,
  le: (c) => c <= 0,
  '>': (c) => c > 0,
  gt: (c) => c > 0,
  '>=': (c) => c >= 0,
  ge: (c) => c >= 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  ne: (c) => c !== 0,
}

type Part = number | string

/** distutils' LooseVersion: runs of digits compare as numbers, runs of letters as text, dots separate. */
function loose(version: string): Part[] {
  return (version.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p))
}

function strictParts(version: string): Part[] {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/.exec(version)
  if (!m) throw new TemplateError(`invalid version number '${version}'`)
  // A release (no pre-release tag) sorts after its alphas and betas: 'z' stands for "final".
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), m[4] ?? 'z', Number(m[5] ?? 0)]
}

function semver(version: string): Part[] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version)
  if (!m) throw new TemplateError(`invalid semantic version '${version}'`)
  const pre = m[4] === undefined ? [] : m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p))
  // Without a pre-release a version sorts after any of its pre-releases.
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : 0, ...pre]
}

function compareParts(a: Part[], b: Part[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i]
    const y = b[i]
    if (x === undefined) return -1
    if (y === undefined) return 1
    if (typeof x === typeof y) {
      if (x < y) return -1
      if (x > y) return 1
    } else {
      // Python 3 cannot order int and str; LooseVersion then raises. Numbers first keeps '1.0' < '1.0a' sensible.
      return typeof x === 'number' ? 1 : -1
    }
  }
  return 0
}

const PEP440 = /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d*))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?\s*$/i

/** packaging.version.Version's sort key, flattened to numbers (a missing part sorts as packaging says). */
function pep440(version: string): number[][] {
  const m = PEP440.exec(version)
  if (!m) throw new TemplateError(`Invalid version: '${version}'`)
  const release = m[2]!.split('.').map(Number)
  while (release.length > 1 && release[release.length - 1] === 0) release.pop()
  const letter = m[3]?.toLowerCase()
  const preRank = letter === undefined ? undefined : letter.startsWith('a') ? 0 : letter.startsWith('b') ? 1 : 2
  const post = m[5] ?? m[7]
  const hasPost = m[5] !== undefined || m[6] !== undefined
  const dev = m[8] === undefined ? undefined : Number(m[9] || 0)
  const pre = preRank !== undefined ? [preRank, Number(m[4] || 0)] : !hasPost && dev !== undefined ? [-Infinity] : [Infinity]
  return [[Number(m[1] ?? 0)], release, pre, hasPost ? [Number(post || 0)] : [-Infinity], dev === undefined ? [Infinity] : [dev]]
}

function comparePep440(a: string, b: string): number {
  const [x, y] = [pep440(a), pep440(b)]
  for (let i = 0; i < x.length; i++) {
    const c = compareParts(x[i]!, y[i]!)
    if (c !== 0) return c
  }
  return 0
}

/** Compare two version strings: negative, zero or positive, as `version_type` says (loose, strict, semver, pep440). */
export function compareVersions(a: string, b: string, type: string = 'loose'): number {
  if (type === 'pep440') return comparePep440(a, b)
  const parse = type === 'strict' ? strictParts : type === 'semver' || type === 'semantic' ? semver : loose
  return compareParts(parse(a), parse(b))
}

/** Ansible's `version` test: `value is version('1.10', '<', strict=False, version_type='loose')`. */
export function versionTest(value: unknown, ...args: unknown[]): boolean {
  const [version, operator = 'eq', strictFlag, versionType] = bindArgs('version', args, ['version', 'operator', 'strict', 'version_type'])
  const check = OPERATORS[String(operator)]
  if (!check) throw new TemplateError(`version: invalid operator type (${String(operator)})`)
  if (version === undefined || version === null || version === '') throw new TemplateError('version value cannot be empty')
  const type = strictFlag === true ? 'strict' : typeof versionType === 'string' ? versionType : 'loose'
  return check(compareVersions(pythonStr(strict(value)), pythonStr(version), type))
}
