import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { createHash } from 'node:crypto'
import { promisify } from 'node:util'
import { main } from '../../engine/cli/index.js'
import type { Command, Connection } from '../../engine/connection/index.js'
import { labKeyFile, labKnownHosts, type LabHost } from '../lab/helpers.js'

/** Task banners, verdict lines and the recap of a run, in order, without result bodies. */
export const verdicts = (log: string): string[] =>
  log.split('\n').filter((l) => /^(TASK \[|ok:|changed:|fatal:|skipping:|\S+\s+: ok=)/.test(l)).map((l) => l.replace(/ => .*$/, '').replace(/\s\*+$/, '').trimEnd())

/**
 * The `--diff` bodies of a run: per task banner that printed a diff, the banner followed by its hunk and
 * content lines. The `---`/`+++` header lines are left out: ansible names a temporary file there.
 */
export function diffBodies(log: string): string[] {
  const out: string[] = []
  let banner = ''
  let shown = false
  let inHunk = false
  for (const line of log.split('\n')) {
    if (/^(TASK|RUNNING HANDLER) \[/.test(line)) [banner, shown, inHunk] = [line.replace(/\s\*+$/, ''), false, false]
    else if (/^@@ /.test(line)) {
      if (!shown) out.push(banner)
      ;[shown, inHunk] = [true, true]
      out.push(line)
    } else if (inHunk && /^[-+ ]/.test(line) && !/^(---|\+\+\+)( |$)/.test(line)) out.push(line)
    else inHunk = false
  }
  return out
}

/** What to compare: a playbook for one lab host, how to reset the host before each engine, and how to read its state. */
export interface DifferentialCase {
  /** The lab host to run on; or `local` for the controller itself under a local connection (temp dirs only). */
  readonly host: LabHost | 'local'
  /** Runs the reset and state commands (only `exec` is used: a reboot test passes one that reconnects each time). */
  readonly conn: Pick<Connection, 'exec'>
  readonly playbook: string
  readonly reset: Command
  readonly state: Command
  /** Files beside the playbook (`files/x`, `templates/y.j2`), relative path to content. */
  readonly files?: Readonly<Record<string, string | Buffer>>
  /** Run every pass with `--diff` and return the diff bodies too. */
  readonly diff?: boolean
}

/** Per engine and per run (check, first, second): verdicts and state; and with `diff`, the diff bodies. */
export interface DifferentialResult {
  readonly ansible: string[][]
  readonly tsplay: string[][]
  readonly diffs: { readonly ansible: string[][]; readonly tsplay: string[][] }
  /** The whole output of each run, for failure messages. */
  readonly logs: { readonly ansible: string[]; readonly tsplay: string[] }
}

/**
 * Run the playbook with ansible-playbook and then with tsplay (in process) from the same reset state, each
 * as check run, first run and second run; returns per run the verdicts and the host state, for both. Each
 * engine gets its own playbook directory; what a run writes under its `out/` (fetch) joins the state.
 */
export async function runBothEngines(c: DifferentialCase): Promise<DifferentialResult> {
  const setUp = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-lab-differential-'))
    writeFileSync(join(dir, 'inventory.ini'), c.host === 'local' ? 'local ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n' : `${c.host.name} ansible_host=${c.host.address} ansible_user=root ansible_ssh_private_key_file=${labKeyFile()} ansible_ssh_common_args='-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes'\n`)
    writeFileSync(join(dir, 'site.yml'), c.playbook)
    for (const [path, content] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), content)
    }
    return dir
  }
  const extraArgs = c.diff ? ['--diff'] : []
  const ansible = async (dir: string, extra: string[]): Promise<string> => {
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' }
    const args = ['-i', join(dir, 'inventory.ini'), join(dir, 'site.yml'), ...extraArgs, ...extra]
    const result = await promisify(execFile)('ansible-playbook', args, { env, cwd: dir, maxBuffer: 1 << 24 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }))
    return result.stdout
  }
  const tsplay = async (dir: string, extra: string[]): Promise<string> => {
    let out = ''
    await main(['run', '-i', join(dir, 'inventory.ini'), join(dir, 'site.yml'), ...extraArgs, ...extra], (s) => void (out += s), (s) => void (out += s))
    return out
  }
  const diffs: { ansible: string[][]; tsplay: string[][] } = { ansible: [], tsplay: [] }
  const logs: { ansible: string[]; tsplay: string[] } = { ansible: [], tsplay: [] }
  const sequence = async (engine: (dir: string, extra: string[]) => Promise<string>, seen: string[][], printed: string[]): Promise<string[][]> => {
    const dir = setUp()
    await c.conn.exec(c.reset)
    const runs: string[][] = []
    for (const extra of [['--check'], [], []]) {
      const log = await engine(dir, extra)
      seen.push(diffBodies(log))
      printed.push(log)
      runs.push(verdicts(log), [(await c.conn.exec(c.state, { allowFailure: true })).stdout + controllerTree(join(dir, 'out'))])
    }
    return runs
  }
  const expected = await sequence(ansible, diffs.ansible, logs.ansible)
  const actual = await sequence(tsplay, diffs.tsplay, logs.tsplay)
  return { ansible: expected, tsplay: actual, diffs, logs }
}

/** Files a run wrote on the controller under `root`: path, size and sha256 each, '' when there are none. */
function controllerTree(root: string): string {
  if (!existsSync(root)) return ''
  const walk = (dir: string): string[] => readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [`${relative(root, path)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`]
  })
  return `controller:\n${walk(root).join('\n')}\n`
}
