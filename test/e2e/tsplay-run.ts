// Running tsplay against lab hosts for the end-to-end tests: an inventory of just the wanted hosts beside the
// project's group_vars, and `tsplay run` whose failure is a result to assert on, not an exception.
import { execFile } from 'node:child_process'
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { inventoryText, projectRoot } from '../../engine/lab/index.js'
import { parseRunOutput, type RunReport } from './run-output.js'

export const ROOT = projectRoot()

/** What one `tsplay run` returned: exit code, stdout+stderr, and the parsed report. */
export interface Run {
  readonly code: number
  readonly output: string
  readonly report: RunReport
}

/** Write the lab's inventory for `hosts` only (its topology groups included) beside inventories/group_vars. */
export function labInventoryFor(hosts: readonly string[], repoUrl?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-'))
  symlinkSync(join(ROOT, 'inventories/group_vars'), join(dir, 'group_vars'))
  const file = join(dir, 'lab.ini')
  writeFileSync(file, inventoryText(hosts, repoUrl))
  return file
}

/** `node bin/tsplay.js run PLAYBOOK -i INVENTORY ARGS…` from the project root, plain output. */
export async function tsplayRun(playbook: string, inventory: string, args: readonly string[], timeoutMs: number): Promise<Run> {
  const argv = [join(ROOT, 'bin/tsplay.js'), 'run', playbook, '-i', inventory, ...args]
  const env = { ...process.env, NO_COLOR: '1', CI: '1', ANSIBLE_ROLES_PATH: join(ROOT, 'roles') }
  try {
    const { stdout, stderr } = await promisify(execFile)('node', argv, { cwd: ROOT, env, maxBuffer: 256 << 20, timeout: timeoutMs })
    return { code: 0, output: stdout + stderr, report: parseRunOutput(stdout) }
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof e.code === 'number' ? e.code : -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}`, report: parseRunOutput(e.stdout ?? '') }
  }
}
