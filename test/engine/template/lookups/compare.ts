// Runs one playbook with ansible-playbook and with tsplay and returns what each task printed, side by side.
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { main } from '../../../../engine/cli/main.js'

/** What one task printed: its `msg` (or each loop item's), and whether it failed. */
export interface Printed {
  readonly msg: unknown
  readonly failed: boolean
  readonly skipped: boolean
}

/** A fresh folder holding `files` (path → text). */
export function fixture(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-lookups-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

interface HostResult {
  msg?: unknown
  item?: unknown
  failed?: boolean
  skipped?: boolean
  results?: HostResult[]
}

function printed(report: { plays: { tasks: { hosts: Record<string, HostResult> }[] }[] }): Printed[] {
  return report.plays.flatMap((p) => p.tasks).flatMap((t) => {
    const h = t.hosts['localhost']
    // tasks that print nothing (include_role, set_fact…) are not compared
    if (h === undefined || (!('msg' in h) && h.results === undefined && h.failed !== true)) return []
    // a looped include reports its items in ansible's json only
    if (h.results !== undefined && h.results.length > 0 && h.results.every((r) => !('msg' in r) && r.failed !== true)) return []
    const msg = h.results ? h.results.map((r) => (r.msg !== undefined ? r.msg : r.item)) : h.msg
    return [{ msg: msg === undefined ? null : msg, failed: h.failed === true || h.results?.some((r) => r.failed === true) === true, skipped: h.skipped === true }]
  })
}

/** What ansible-playbook 2.14 printed for each task of `playbook` in `dir` (json callback, local connection). */
export async function ansiblePrinted(dir: string, playbook = 'site.yml', env: Record<string, string> = {}): Promise<Printed[]> {
  const { stdout } = await promisify(execFile)('ansible-playbook', ['-i', 'localhost,', '-c', 'local', playbook], {
    cwd: dir,
    env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ...env },
    maxBuffer: 1 << 26,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }))
  return printed(JSON.parse(stdout) as Parameters<typeof printed>[0])
}

/** What tsplay printed for each task of the same playbook (`--json`). */
export async function tsplayPrinted(dir: string, playbook = 'site.yml'): Promise<Printed[]> {
  let out = ''
  const cwd = process.cwd()
  process.chdir(dir)
  try {
    await main(['run', join(dir, playbook), '-i', 'localhost,', '-c', 'local', '--json'], (s) => void (out += s), () => {})
  } finally {
    process.chdir(cwd)
  }
  return printed(JSON.parse(out) as Parameters<typeof printed>[0])
}

/** One debug task per expression, printing it (quotes doubled for a single-quoted YAML scalar). */
export const debugTasks = (expressions: readonly string[], indent = '    '): string =>
  expressions.map((e) => `${indent}- debug:\n${indent}    msg: '{{ ${e.replaceAll("'", "''")} }}'\n${indent}  ignore_errors: true\n`).join('')

/** A play on localhost without facts, running `tasks` (already indented YAML). */
export const play = (tasks: string, extra = ''): string => `- hosts: localhost\n  gather_facts: false\n${extra}  tasks:\n${tasks}`

/** A task's output as both tools are compared: failures by the fact only (messages differ on purpose), and None
 * printed as '' by ansible (Jinja2 finalize) equal to tsplay's null. */
export const comparable = (p: Printed): Printed => ({ ...p, msg: p.failed ? 'FAILED' : p.msg === '' ? null : p.msg })
