// A seeded generator of hostile inputs: each case is a valid project from corpus.ts with one or two mutations of
// its files (truncation, type swaps, key deletion and duplication, cycles, huge, deep, binary and non-UTF-8
// input, alias bombs, random bytes) or of its command line. Case `n` of seed `s` is always the same case.
import { type Files, inventoryOf, PROJECTS } from './corpus.js'

/** One generated input: the project's files and the arguments after `tsplay run` (`@/name` is the case dir's file). */
export interface Case {
  readonly id: number
  readonly kind: string
  readonly project: string
  readonly files: Files
  readonly args: readonly string[]
}

/** A small fast PRNG (mulberry32): the same seed gives the same cases on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Random = () => number
const int = (r: Random, n: number): number => Math.floor(r() * n)
const pick = <T>(r: Random, items: readonly T[]): T => items[int(r, items.length)]!

const TYPE_SWAPS = ['null', '[]', '{}', '3', 'true', '"{{ undefined_var }}"', '"{{ 1 / 0 }}"', '[1, [2, {a: b}]]', '{a: {b: c}}', "''", '"{{"', '~', '!!binary aGk=', '*nowhere']
const JINJA_JUNK = ['{{ ', '{% for x in %}', '{{ x | nofilter }}', "{{ lookup('nolookup', 'x') }}", '{{ "a" ~ }}', '{% if %}{% endif %}', '{{ range(10**9) | list }}', '}}{{']

/** Text mutations: each takes the file's text and returns the mutated bytes. */
const TEXT_OPS: Readonly<Record<string, (r: Random, text: string) => string | Buffer>> = {
  truncate: (r, t) => t.slice(0, int(r, t.length)),
  'delete-line': (r, t) => lines(t, (ls) => ls.splice(int(r, ls.length), 1)),
  'duplicate-line': (r, t) => lines(t, (ls) => { const i = int(r, ls.length); ls.splice(i, 0, ls[i]!) }),
  'swap-type': (r, t) => {
    const spots = [...t.matchAll(/: (\S[^\n]*)/g)]
    if (spots.length === 0) return `${t}\n${pick(r, TYPE_SWAPS)}`
    const m = pick(r, spots)
    return `${t.slice(0, m.index + 2)}${pick(r, TYPE_SWAPS)}${t.slice(m.index + m[0].length)}`
  },
  'swap-indent': (r, t) => lines(t, (ls) => { const i = int(r, ls.length); ls[i] = pick(r, ['  ', '\t', '', ' ']) + ls[i]!.trimStart() }),
  'random-bytes': (r, t) => splice(Buffer.from(t), int(r, t.length + 1), Buffer.from(Array.from({ length: 1 + int(r, 8) }, () => int(r, 256)))),
  nul: (r, t) => splice(Buffer.from(t), int(r, t.length + 1), Buffer.from([0])),
  'non-utf8': (r, t) => splice(Buffer.from(t), int(r, t.length + 1), Buffer.from(pick(r, [[0xff, 0xfe], [0xe9], [0xc3], [0xed, 0xa0, 0x80]]))),
  binary: (r) => Buffer.from(Array.from({ length: 64 + int(r, 4096) }, () => int(r, 256))),
  'cr-only': (_r, t) => t.replaceAll('\n', '\r'),
  crlf: (_r, t) => t.replaceAll('\n', '\r\n'),
  'huge-string': (r, t) => {
    const spots = [...t.matchAll(/: (\S[^\n]*)/g)]
    const m = spots.length > 0 ? pick(r, spots) : undefined
    const huge = `"${'x'.repeat(200_000 + int(r, 1000))}"`
    return m === undefined ? `${t}\nhuge: ${huge}\n` : `${t.slice(0, m.index + 2)}${huge}${t.slice(m.index + m[0].length)}`
  },
  'huge-list': (r, t) => {
    const huge = `huge: [${Array.from({ length: 10_000 + int(r, 1000) }, (_, i) => i).join(', ')}]`
    return /^ {2}vars:\n/m.test(t) ? t.replace(/^ {2}vars:\n/m, `  vars:\n    ${huge}\n`) : `${t}\n${huge}\n`
  },
  deep: (r, t) => { const n = pick(r, [200, 600, 3000, 20_000]); return r() < 0.5 ? `${t}\nx: ${'['.repeat(n)}${']'.repeat(n)}\n` : `${t}\n${Array.from({ length: Math.min(n, 2000) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n` },
  'alias-bomb': (r, t) => {
    const levels = 4 + int(r, 6)
    const bomb = [`b0: &b0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]`, ...Array.from({ length: levels }, (_, i) => `b${i + 1}: &b${i + 1} [${Array(9).fill(`*b${i}`).join(', ')}]`)]
    return t.replace(/^( *)vars:\n/m, (m, ind: string) => `${m}${bomb.map((l) => `${ind}  ${l}`).join('\n')}\n`) + (t.includes('vars:') ? '' : `\n${bomb.join('\n')}\n`)
  },
  'undefined-alias': (_r, t) => t.replace(/: (\S[^\n]*)/, ': *http_port'),
  'merge-scalar': (r, t) => t.replace(/^( +)(\w+): (\S[^\n]*)$/m, (_m, ind: string, k: string, v: string) => `${ind}${k}: ${v}\n${ind}<<: ${pick(r, ['3', '[1, 2]', '"text"', 'null'])}`),
  'jinja-junk': (r, t) => t.replace(/: (\S[^\n]*)/, `: "${pick(r, JINJA_JUNK)}"`),
  'unknown-key': (r, t) => t.replace(/^( *- )(\w+:)/m, (_m, dash: string, key: string) => `${dash}${pick(r, ['bogus_key', 'hosts', 'tasks', 'wehn', 'loop_control'])}: 1\n${' '.repeat(dash.length)}${key}`),
  'dup-key': (_r, t) => t.replace(/^( +)(\w+): (\S[^\n]*)$/m, (m, ind: string, k: string) => `${m}\n${ind}${k}: duplicated`),
  empty: () => '',
  'control-chars': (r, t) => splice(Buffer.from(t), int(r, t.length + 1), Buffer.from([pick(r, [1, 7, 8, 0x1b, 0x7f, 0x0b, 0x0c])])),
}

function lines(text: string, edit: (ls: string[]) => void): string {
  const ls = text.split('\n')
  edit(ls)
  return ls.join('\n')
}

const splice = (b: Buffer, at: number, insert: Buffer): Buffer => Buffer.concat([b.subarray(0, at), insert, b.subarray(at)])

/** Structural mutations: a project made wrong as a whole (cycles, missing files, huge ranges). */
const PROJECT_OPS: Readonly<Record<string, (r: Random, f: Files) => void>> = {
  'cycle-import': (_r, f) => { f['loop.yml'] = '- import_tasks: loop2.yml\n'; f['loop2.yml'] = '- import_tasks: loop.yml\n'; f['site.yml'] = `${text(f['site.yml'])}`.replace(/tasks:\n/, 'tasks:\n    - import_tasks: loop.yml\n') },
  'cycle-include': (_r, f) => { f['loop.yml'] = '- include_tasks: loop.yml\n'; f['site.yml'] = `${text(f['site.yml'])}`.replace(/tasks:\n/, 'tasks:\n    - include_tasks: loop.yml\n') },
  'cycle-role': (_r, f) => { f['roles/self/meta/main.yml'] = 'dependencies: [other]\n'; f['roles/other/meta/main.yml'] = 'dependencies: [self]\n'; f['roles/self/tasks/main.yml'] = '- command: touch OUT/self\n'; f['site.yml'] = text(f['site.yml']).replace(/tasks:\n/, 'tasks:\n    - import_role: {name: self}\n') },
  'cycle-playbook': (_r, f) => { f['site.yml'] = `- import_playbook: site.yml\n${text(f['site.yml'])}` },
  'cycle-inventory': (r, f) => {
    if (f['hosts.yml'] !== undefined) f['hosts.yml'] = 'all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a: {}\n          hosts: {h1: {ansible_connection: local}}\n'
    else f['hosts.ini'] = `${text(f['hosts.ini'])}\n[x:children]\n${pick(r, ['x', 'y'])}\n[y:children]\nx\n`
  },
  'host-range': (r, f) => {
    const range = pick(r, ['host[0:99999999]', 'h[1:3]', 'h[a:c]', 'h[3:1]', 'h[0:999][0:999]', 'h[:]', 'h[1:5:0]', 'h[01:10:2]', 'h[0:100000]'])
    if (f['hosts.yml'] !== undefined) f['hosts.yml'] = `all:\n  hosts:\n    '${range}': {ansible_connection: local}\n`
    else f['hosts.ini'] = `${range} ansible_connection=local\n`
  },
  'missing-file': (r, f) => { const names = Object.keys(f).filter((n) => n !== 'site.yml'); delete f[pick(r, names)] },
  'no-inventory-hosts': (_r, f) => { f[inventoryOf(f)] = inventoryOf(f) === 'hosts.yml' ? 'all: {}\n' : '# nothing\n' },
}

const text = (v: string | Buffer | undefined): string => (v === undefined ? '' : v.toString())

/** Command-line mutations: extra or changed arguments after `run`. */
const CLI_OPS: ReadonlyArray<(r: Random) => string[]> = [
  (r) => ['-e', pick(r, ['{"a": ', '[1, 2]', 'a=1 b', '{a: [1', '@/missing.yml', '@/site.yml', '/etc/passwd', '"quoted"', '{"a": {"b": [1, {"c": null}]}}', 'x=', '=y', '{{ a }}=1', '---\na: 1', '', 'a: b', '{"greeting": "{{ lookup(\'env\', \'HOME\') }}"}', '1', 'null', '{"hosts": null}', '[]'])],
  (r) => ['--limit', pick(r, ['~[', '~(', 'nomatch', 'h1', '!all', 'h[0:5]', 'web[5]', 'h*', '&db', ':', ',', '', '@/missing.txt', 'all:!h1:&web', 'h1:h2,h3', '~.*', '\\', 'localhost'])],
  (r) => ['--forks', pick(r, ['0', '-1', 'abc', '1', '1e9', '2.5', ''])],
  (r) => [pick(r, ['-t', '--skip-tags']), pick(r, ['', ',', 'nope', 'always', 'never,all', 'a'.repeat(10_000)])],
  (r) => [pick(r, ['--check=no', '--diff=yes', '--check=1', '--syntax-check', '--list-hosts', '--list-tasks', '--list-tags', '-C', '-D', '-vvvv', '--bogus', '-Z', '--', '-', '--limit', '-e', '-i'])],
  (r) => ['-c', pick(r, ['bogus', 'local', 'ssh', 'docker'])],
  (r) => ['-T', pick(r, ['0', '-5', 'x'])],
  (r) => ['--start-at-task', pick(r, ['nope', '', 'show', '{{ x }}'])],
  (r) => pick(r, [['@/other.yml'], ['extra-positional'], ['-i', '@/nonexistent'], ['-i', 'h9,h8'], ['-i', ','], ['-i', '@/site.yml']]),
]

/** The `n`th case of `seed`: a project, then a file mutation (two, sometimes) or a command-line one. */
export function generate(seed: number, n: number): Case {
  const r = rng(seed * 1_000_003 + n)
  const project = pick(r, Object.keys(PROJECTS))
  const files: Files = { ...PROJECTS[project]! }
  const args: string[] = ['@/site.yml', '-i', `@/${inventoryOf(files)}`]
  const kinds: string[] = []
  const roll = r()
  if (roll < 0.2) {
    const op = int(r, CLI_OPS.length)
    kinds.push(`cli-${op}`)
    args.push(...CLI_OPS[op]!(r))
    if (r() < 0.15) args.splice(0, 1)
  } else if (roll < 0.35) {
    const op = pick(r, Object.keys(PROJECT_OPS))
    kinds.push(op)
    PROJECT_OPS[op]!(r, files)
  } else {
    for (let k = r() < 0.2 ? 2 : 1; k > 0; k--) {
      const target = pick(r, Object.keys(files).filter((f) => typeof files[f] === 'string'))
      if (target === undefined) break
      const op = pick(r, Object.keys(TEXT_OPS))
      kinds.push(op)
      files[target] = TEXT_OPS[op]!(r, text(files[target]))
    }
  }
  return { id: n, kind: kinds.join('+'), project, files, args }
}

/** Every mutation kind a case can have, for the stratified sample. */
export const kindOf = (c: Case): string => c.kind.split('+')[0]!
