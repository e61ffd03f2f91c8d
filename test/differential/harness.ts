// Runs one playbook through ansible-playbook and through tsplay (in-process) on the same inventory, each
// writing into its own output directory, and returns what the comparison needs. Where the hosts live is a
// parameter: the controller's local hosts (LOCAL_HOSTS, the default) or real hosts over SSH (test/lab/).
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'vitest'
import { main } from '../../engine/cli/index.js'

const run = promisify(execFile)

/** The fixtures directory: one folder per case, sharing inventory.ini. */
export const FIXTURES = resolve(import.meta.dirname, '../fixtures/playbooks')

/** What one engine did: exit code, normalised log, recap lines, and the files it wrote. */
export interface Outcome {
  readonly code: number
  readonly log: string[]
  readonly recap: string[]
  readonly files: Record<string, string>
  readonly raw: string
}

/** Where the fixture hosts live: their inventory, ansible's extra environment, and each run's output directory. */
export interface Hosts {
  readonly inventory: string
  readonly env: Readonly<Record<string, string>>
  /** A fresh output directory for one engine's run of one case (the same path wherever the hosts need it). */
  readonly makeOut: (label: string) => Promise<string>
  /** The files written under `out`, by relative path (prefixed by where they live when that is not one place). */
  readonly readOut: (out: string) => Promise<Record<string, string>>
}

/** The fixture inventory's hosts, all the controller itself over the local connection. */
export const LOCAL_HOSTS: Hosts = {
  inventory: join(FIXTURES, 'inventory.ini'),
  env: { ANSIBLE_HOST_KEY_CHECKING: '0' },
  makeOut: async (label) => mkdtempSync(join(tmpdir(), `diff-${label}-`)),
  readOut: async (out) => readTree(out),
}

const ANSIBLE_ENV = { ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_LOCALHOST_WARNING: '0', ANSIBLE_DEPRECATION_WARNINGS: '0', ANSIBLE_STDOUT_CALLBACK: 'default' }

/** Run `case/site.yml` (or `playbook`) with ansible-playbook. */
export async function runAnsible(name: string, args: readonly string[] = [], playbook = 'site.yml', hosts: Hosts = LOCAL_HOSTS): Promise<Outcome> {
  const out = await hosts.makeOut(`ansible-${name}`)
  const env = { ...process.env, ...ANSIBLE_ENV, ...hosts.env }
  let stdout = ''
  let code = 0
  try {
    ;({ stdout } = await run('ansible-playbook', ['-i', hosts.inventory, join(FIXTURES, name, playbook), '-e', `out=${out}`, ...args], { env, cwd: join(FIXTURES, name), maxBuffer: 1 << 24 }))
  } catch (error) {
    const e = error as { code?: number; stdout?: string }
    code = typeof e.code === 'number' ? e.code : -1
    stdout = e.stdout ?? ''
  }
  return outcome(code, stdout, await hosts.readOut(out))
}

/** Run the same case with tsplay's CLI entry, in this process. */
export async function runTsplay(name: string, args: readonly string[] = [], playbook = 'site.yml', hosts: Hosts = LOCAL_HOSTS): Promise<Outcome> {
  const out = await hosts.makeOut(`tsplay-${name}`)
  let stdout = ''
  let stderr = ''
  const cwd = process.cwd()
  process.chdir(join(FIXTURES, name))
  let code: number
  try {
    code = await main(['run', '-i', hosts.inventory, join(FIXTURES, name, playbook), '-e', `out=${out}`, ...args], (s) => void (stdout += s), (s) => void (stderr += s))
  } finally {
    process.chdir(cwd)
  }
  return outcome(code, stdout + stderr, await hosts.readOut(out))
}

/**
 * Run `playbook` in the project folder `dir` as a user would, from that folder and without `-i`: what ansible.cfg
 * there says (inventory, roles_path, ...) applies. `engine` picks ansible-playbook or tsplay's CLI entry.
 */
export async function runInProject(engine: 'ansible' | 'tsplay', dir: string, playbook: string, args: readonly string[] = [], env: Readonly<Record<string, string>> = {}): Promise<Outcome> {
  const out = mkdtempSync(join(tmpdir(), `project-${engine}-`))
  const argv = [playbook, '-e', `out=${out}`, ...args]
  if (engine === 'ansible') {
    let stdout = ''
    let code = 0
    try {
      ;({ stdout } = await run('ansible-playbook', argv, { env: { ...process.env, ...ANSIBLE_ENV, ...env }, cwd: dir, maxBuffer: 1 << 24 }))
    } catch (error) {
      const e = error as { code?: number; stdout?: string }
      code = typeof e.code === 'number' ? e.code : -1
      stdout = e.stdout ?? ''
    }
    return outcome(code, stdout, readTree(out))
  }
  let stdout = ''
  const cwd = process.cwd()
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]))
  process.chdir(dir)
  Object.assign(process.env, env)
  let code: number
  try {
    code = await main(['run', ...argv], (s) => void (stdout += s), (s) => void (stdout += s))
  } finally {
    process.chdir(cwd)
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v
  }
  return outcome(code, stdout, readTree(out))
}

/** Assert that tsplay did what ansible-playbook did: same verdict lines, recap, files and exit code. */
export function expectSameOutcome(tsplay: Outcome, ansible: Outcome): void {
  expect(tsplay.log, tsplay.raw).toEqual(ansible.log)
  expect(tsplay.recap).toEqual(ansible.recap)
  expect(tsplay.files).toEqual(ansible.files)
  expect(tsplay.code).toBe(ansible.code)
}

function outcome(code: number, stdout: string, files: Record<string, string>): Outcome {
  const lines = stdout.split('\n')
  const at = lines.findIndex((l) => l.startsWith('PLAY RECAP'))
  const recap = at < 0 ? [] : lines.slice(at + 1).filter((l) => /^\S+\s+: ok=/.test(l))
  return { code, log: normalise(lines), recap, files, raw: stdout }
}

const STATUS = /^(ok|changed|skipping|fatal|failed|included|\.\.\.ignoring)\b|^(PLAY|TASK|RUNNING HANDLER) \[/

/**
 * The log reduced to what both engines must agree on: banners in order and, under each, the set of host
 * status lines (sorted: hosts finish in any order), without result bodies.
 */
function normalise(lines: readonly string[]): string[] {
  const out: string[] = []
  let group: string[] = []
  const close = (): void => { out.push(...group.sort()); group = [] }
  for (const line of lines) {
    if (!STATUS.test(line)) continue
    if (/^(PLAY|TASK|RUNNING HANDLER) \[/.test(line)) {
      close()
      out.push(line.replace(/\s\*+$/, ''))
      continue
    }
    group.push(sortIncludedHosts(line).replace(/ => \{.*$/, '').replace(/^(fatal: \[[^\]]+\]): (FAILED|UNREACHABLE)!.*$/, '$1: $2!').replace(/^included: .*\/([^/]+) for /, 'included: $1 for ').trimEnd())
  }
  close()
  return out
}

// ansible-playbook lists the hosts of an `included:` line in the order their include results arrived.
function sortIncludedHosts(line: string): string {
  const m = /^(included: \S+ for )([^=]+?)( => .*)?$/.exec(line)
  return m ? `${m[1]}${m[2]!.split(', ').sort().join(', ')}${m[3] ?? ''}` : line
}

/** Every regular file under `root` (links followed) by relative path, with `root` in its text replaced by `<out>`. */
export function readTree(root: string, dir = root): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) Object.assign(files, readTree(root, path))
    else files[relative(root, path)] = readFileSync(path, 'utf8').replaceAll(root, '<out>')
  }
  return files
}
