// Running one generated case: through the CLI's main() in this process (fast: no node start per case), or through
// ansible-playbook for the comparison sample. Each run gets its own copy of the case's files.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { main } from '../../engine/cli/index.js'
import type { Case } from './mutate.js'

/** What a run did: its exit code (124 when it was stopped as a hang), output, and the files the playbook wrote. */
export interface Outcome {
  readonly code: number
  readonly output: string
  readonly stdout: string
  readonly written: readonly string[]
  readonly seconds: number
}

/** A tsplay run longer than this is a hang. */
export const HANG_SECONDS = 20
/** ansible-playbook takes seconds to start on a busy 2-core machine: it is called hung only after this. */
const ANSIBLE_HANG_SECONDS = 60

/** Write the case's files into a fresh directory (OUT becomes its out/ directory); returns the directory. */
export function materialize(c: Case): string {
  const dir = mkdtempSync(join(tmpdir(), `hostile-${c.id}-`))
  const out = join(dir, 'out')
  mkdirSync(out)
  for (const [name, content] of Object.entries(c.files)) {
    const path = join(dir, name)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, typeof content === 'string' ? content.replaceAll('OUT', out) : content)
  }
  return dir
}

const argv = (c: Case, dir: string): string[] => c.args.map((a) => (a.startsWith('@/') ? join(dir, a.slice(2)) : a))

/** Run the case with tsplay's main() in this process. */
export async function runTsplay(c: Case): Promise<Outcome> {
  const dir = materialize(c)
  const stdout: string[] = []
  const stderr: string[] = []
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<number>((resolve) => { timer = setTimeout(() => resolve(124), HANG_SECONDS * 1000) })
  const code = await Promise.race([main(['run', ...argv(c, dir)], (s) => void stdout.push(s), (s) => void stderr.push(s)), hang])
  clearTimeout(timer)
  const written = readdirSync(join(dir, 'out'))
  if (code !== 124) rmSync(dir, { recursive: true, force: true })
  return { code, output: stdout.join('') + stderr.join(''), stdout: stdout.join(''), written, seconds: (performance.now() - started) / 1000 }
}

/** Run the case with ansible-playbook 2.14 (installed on this machine and in CI), killed after ANSIBLE_HANG_SECONDS. */
export function runAnsible(c: Case): Promise<Outcome> {
  const dir = materialize(c)
  const started = performance.now()
  return new Promise((resolve) => {
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: 'False', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_LOCAL_TEMP: join(dir, '.ansible-tmp') }
    const child = spawn('ansible-playbook', argv(c, dir), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const chunks: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => chunks.push(b))
    child.stderr.on('data', (b: Buffer) => chunks.push(b))
    let hung = false
    const timer = setTimeout(() => { hung = true; try { process.kill(-child.pid!, 'SIGKILL') } catch { /* gone */ } }, ANSIBLE_HANG_SECONDS * 1000)
    child.on('close', (status) => {
      clearTimeout(timer)
      const output = Buffer.concat(chunks).toString('utf8')
      const written = readdirSync(join(dir, 'out'))
      rmSync(dir, { recursive: true, force: true })
      resolve({ code: hung ? 124 : (status ?? 250), output, stdout: output, written, seconds: (performance.now() - started) / 1000 })
    })
  })
}
