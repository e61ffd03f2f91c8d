import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { type Hostile, hostileValues, NUL_VALUE, type Site, sites } from './cases.js'

// Every hostile value through a variable, a loop item and a host-derived fact, into every module argument of the
// table, run by the built tsplay over its real local connection. A case fails when a marker command ran, anything
// outside its directory changed, or (where the module writes the value) the host did not receive it byte for byte.

const BIN = fileURLToPath(new URL('../../bin/tsplay.js', import.meta.url))
const root = mkdtempSync(join(tmpdir(), 'tsplay-injection-'))
const markers = join(root, 'markers')
const outside = join(root, 'outside')
const values = hostileValues(markers)
const CHANNELS = ['var', 'loop', 'fact'] as const
type Channel = (typeof CHANNELS)[number]
const counts = { cases: 0, runs: 0, injections: 0, mismatches: 0 }

afterAll(() => {
  console.log(`injection suite: ${counts.cases} cases in ${counts.runs} runs, ${counts.injections} injections found, ${counts.mismatches} values not received byte for byte`)
  if (!process.env.TSPLAY_KEEP_INJECTION) rmSync(root, { recursive: true, force: true })
})

mkdirSync(markers)
mkdirSync(outside)
writeFileSync(join(outside, 'precious'), 'keep me')
mkdirSync(join(outside, 'tree'))
writeFileSync(join(outside, 'tree', 'leaf'), 'leaf')

/** A fingerprint of a directory tree: names, types, modes and contents. */
function treeHash(dir: string): string {
  const h = createHash('sha256')
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name)
      const st = lstatSync(p)
      h.update(`${p}\0${st.mode}\0${st.uid}\0`)
      if (st.isDirectory()) walk(p)
      else if (st.isFile()) h.update(readFileSync(p))
      else if (st.isSymbolicLink()) h.update(readlinkSync(p))
    }
  }
  walk(dir)
  return h.digest('hex')
}

const SYSTEM_FILES = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/fstab', '/etc/hostname', '/etc/sysctl.conf', '/proc/sys/kernel/hostname', '/proc/sys/kernel/ostype']
const systemHash = (): string => createHash('sha256').update(SYSTEM_FILES.map((f) => (existsSync(f) ? readFileSync(f) : '-')).join('\0')).digest('hex')

/** The value expression of a channel: in a task's own vars, a loop item, or a loop over a fact read from the host. */
function task(site: Site, channel: Channel): string {
  const expr = channel === 'var' ? 'hv' : 'item'
  const i = '{{ i }}'
  const body = site.task.replaceAll('VX', expr).replaceAll('V', `"{{ ${expr} }}"`).replaceAll('-I', `-${i}`)
  const lines = [`- name: ${site.name}`, `  ${body}`, '  ignore_errors: true']
  // a variable of the task, indexed by the loop: the loop item itself is only a number
  if (channel === 'var') lines.push('  vars: { hv: "{{ values[i] }}" }', '  loop: "{{ range(values | length) | list }}"')
  else lines.push(`  loop: "{{ ${channel === 'loop' ? 'values' : 'host_values'} }}"`)
  lines.push('  loop_control: { index_var: i, label: "{{ i }}" }')
  return lines.join('\n')
}

function playbook(group: readonly Site[], channel: Channel, valuesFile: string): string {
  const tasks: string[] = []
  if (channel === 'fact') {
    tasks.push(`- slurp: { src: "${valuesFile}" }\n  register: slurped`, '- set_fact: { host_values: "{{ (slurped.content | b64decode | from_json).values }}" }')
  }
  for (const site of group) tasks.push(task(site, channel))
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join('\n').replace(/^/gm, '    ')}\n`
}

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  counts.runs++
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'run', ...args], { cwd, env: { ...process.env, TSPLAY_NO_KEEPER: '1', NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

/** Run a group of sites over one channel in a fresh directory; returns the directory and the output directory. */
async function runGroup(name: string, group: readonly Site[], channel: Channel, vals: readonly string[], check: boolean) {
  const dir = join(root, name, channel)
  const work = join(dir, 'work')
  const out = join(dir, 'out')
  mkdirSync(join(work, 'keep'), { recursive: true })
  mkdirSync(out)
  writeFileSync(join(work, 'keep', 'sentinel'), 'sentinel')
  writeFileSync(join(out, 'fstab'), '')
  const named = sites(out).filter((s) => group.some((g) => g.name === s.name))
  // file.absent removes what it names: every value that is a file name exists beforehand
  if (named.some((s) => s.observe.kind === 'gone')) for (const v of vals) if (named[0]!.accepts(v)) writeFileSync(join(work, v), 'doomed')
  const valuesFile = join(dir, 'values.json')
  writeFileSync(valuesFile, JSON.stringify({ values: vals }))
  writeFileSync(join(dir, 'play.yaml'), playbook(named, channel, valuesFile))
  const before = { outside: treeHash(outside), keep: treeHash(join(work, 'keep')), system: systemHash() }
  const result = await run([join(dir, 'play.yaml'), '-i', 'localhost,', '-c', 'local', '-e', `@${valuesFile}`, ...(check ? ['--check'] : [])], work)
  counts.cases += named.length * vals.length
  const after = { outside: treeHash(outside), keep: treeHash(join(work, 'keep')), system: systemHash() }
  return { work, out, named, result, before, after }
}

function marks(): string[] {
  const found = readdirSync(markers)
  counts.injections += found.length
  for (const f of found) rmSync(join(markers, f))
  return found
}

/** Compare what each site left on the host with what it was given; returns the mismatches as text. */
function observe(named: readonly Site[], vals: readonly string[], work: string): string[] {
  const bad: string[] = []
  vals.forEach((v, i) => {
    const label = (s: Site): string => `${s.name} #${i} (${values.find((h) => h.value === v)?.name ?? 'value'})`
    for (const s of named) {
      if (!s.accepts(v)) continue
      const o = s.observe
      if (o.kind === 'file') {
        const p = o.path(i)
        const got = existsSync(p) ? readFileSync(p) : null
        if (got === null || !got.equals(Buffer.from(o.expect(v)))) bad.push(`${label(s)}: ${p} holds ${got === null ? 'nothing' : JSON.stringify(got.toString().slice(0, 80))}`)
      } else if (o.kind === 'exists') {
        const p = join(work, o.expect(v))
        const st = existsSync(p) ? lstatSync(p) : undefined
        if (!st || (o.type === 'directory' ? !st.isDirectory() : !st.isFile())) bad.push(`${label(s)}: no ${o.type} named ${JSON.stringify(v.slice(0, 80))}`)
      } else if (o.kind === 'gone') {
        if (existsSync(join(work, v))) bad.push(`${label(s)}: ${JSON.stringify(v)} was not removed`)
      } else if (o.kind === 'link') {
        const p = o.path(i)
        const target = existsSync(p) || lstatSync(p, { throwIfNoEntry: false }) ? readlinkSync(p) : undefined
        if (target !== v) bad.push(`${label(s)}: link points to ${JSON.stringify(target?.slice(0, 80))}`)
      }
    }
  })
  counts.mismatches += bad.length
  return bad
}

const all = sites('/OUT')
// Sites that name paths relative to the working directory each need a directory of their own.
const relative = all.filter((s) => !s.check && (s.observe.kind === 'exists' || s.observe.kind === 'gone'))
const groups: [string, Site[], boolean][] = [
  ...relative.map((s): [string, Site[], boolean] => [s.name, [s], false]),
  ['shared', all.filter((s) => !s.check && !relative.includes(s)), false],
  ['check', all.filter((s) => s.check), true],
]
const strings = values.map((h: Hostile) => h.value)

describe.each(CHANNELS)('hostile values through %s', (channel) => {
  it.each(groups)('%s: no marker, nothing outside changed, values received as given', async (name, group, check) => {
    const { work, named, result, before, after } = await runGroup(name, group, channel, strings, check)
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /)
    expect(result.stdout, result.stderr).toMatch(/PLAY RECAP/)
    expect(marks()).toEqual([])
    expect(after).toEqual(before)
    expect(existsSync(join(work, 'keep', 'sentinel'))).toBe(true)
    if (!check) expect(observe(named, strings, work)).toEqual([])
  }, 300_000)
})

describe('a NUL byte', () => {
  it.each(CHANNELS)('through %s: no marker, nothing changed, no crash', async (channel) => {
    const { result, before, after } = await runGroup('nul', all.filter((s) => !relative.includes(s)), channel, [NUL_VALUE], false)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(marks()).toEqual([])
    expect(after).toEqual(before)
  }, 300_000)
})
