import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { configCommand, SETTINGS } from '../../../engine/config/index.js'

/** A throwaway project: files (paths relative to its root, `home/` is $HOME), an environment and the folder to run in. */
export interface Scenario {
  readonly files?: Readonly<Record<string, string>>
  readonly env?: Readonly<Record<string, string>>
  readonly cwd?: string
  readonly worldWritableCwd?: boolean
}

/** The scenario laid out on disk: its root, the cwd and the environment both tools get (nothing else leaks in). */
export interface Laid {
  readonly root: string
  readonly cwd: string
  readonly env: Record<string, string>
}

const roots: string[] = []

/** Removes every folder `layOut` made so far; for afterAll. */
export function removeLaidOut(): void {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true })
}

/** Writes a scenario into a fresh temporary folder. `@ROOT@` in env values and files stands for that folder. */
export function layOut(scenario: Scenario): Laid {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'tsplay-config-')))
  roots.push(root)
  const fill = (text: string) => text.replaceAll('@ROOT@', root)
  mkdirSync(join(root, 'home'))
  mkdirSync(join(root, 'project'))
  for (const [path, text] of Object.entries(scenario.files ?? {})) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), fill(text))
  }
  const cwd = join(root, scenario.cwd ?? 'project')
  mkdirSync(cwd, { recursive: true })
  if (scenario.worldWritableCwd) chmodSync(cwd, 0o777)
  const env: Record<string, string> = { PATH: '/usr/bin:/bin', HOME: join(root, 'home') }
  for (const [name, value] of Object.entries(scenario.env ?? {})) env[name] = fill(value)
  return { root, cwd, env }
}

/** One tool's answer: exit code, stdout and stderr. */
export interface Answer {
  readonly code: number
  readonly out: string
  readonly err: string
}

/** `ansible-config ARGS` in the laid-out scenario. */
export function ansibleConfig(laid: Laid, args: readonly string[]): Answer {
  const run = spawnSync('ansible-config', [...args], { cwd: laid.cwd, env: laid.env, encoding: 'utf8' })
  return { code: run.status ?? -1, out: run.stdout, err: run.stderr }
}

/** `tsplay config ARGS` in the laid-out scenario, called in-process. */
export async function tsplayConfig(laid: Laid, args: readonly string[]): Promise<Answer> {
  let out = ''
  let err = ''
  const code = await configCommand(args, { cwd: laid.cwd, env: laid.env, out: (s) => void (out += s), err: (s) => void (err += s) })
  return { code, out, err }
}

const KNOWN_BASE = new Set(['CONFIG_FILE', ...Object.keys(SETTINGS).filter((name) => !name.includes('.'))])

/**
 * ansible-config's dump of base settings or of one plugin (`plugin` = `connection.ssh`) reduced to the settings
 * tsplay knows: an entry keeps its continuation lines (a multi-line value spans lines), the plugin header stays when
 * an entry does, and DEFAULT_LOCAL_TMP's per-process `ansible-local-<pid><random>` folder is cut to the folder it
 * is made in, which is what tsplay reports.
 */
export function knownOnly(dump: string, plugin?: string): string {
  const known = plugin === undefined ? KNOWN_BASE : new Set(Object.keys(SETTINGS).filter((n) => n.startsWith(`${plugin}.`)).map((n) => n.split('.')[2]!))
  const start = plugin === undefined ? /^([A-Z0-9_]+)\(/u : /^([a-z0-9_]+)\(/u
  const header: string[] = []
  const entries: { keep: boolean; lines: string[] }[] = []
  for (const line of dump.replace(/\n$/u, '').split('\n')) {
    const entry = start.exec(line)
    if (entry) entries.push({ keep: known.has(entry[1]!), lines: [line.replace(/^(DEFAULT_LOCAL_TMP\(.*\) = .*)\/ansible-local-[^/]+$/u, '$1')] })
    else if (entries.length > 0) entries.at(-1)!.lines.push(line)
    else header.push(line)
  }
  const kept = entries.filter((e) => e.keep).flatMap((e) => e.lines)
  return `${(kept.length > 0 ? [...header, ...kept] : []).join('\n')}\n`
}
