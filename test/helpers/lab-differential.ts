import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { main } from '../../engine/cli.js'
import type { Command, Connection } from '../../engine/connection/types.js'
import { labKeyFile, labKnownHosts, type LabHost } from '../lab/helpers.js'

/** Task banners, verdict lines and the recap of a run, in order, without result bodies. */
export const verdicts = (log: string): string[] =>
  log.split('\n').filter((l) => /^(TASK \[|ok:|changed:|fatal:|skipping:|\S+\s+: ok=)/.test(l)).map((l) => l.replace(/ => .*$/, '').replace(/\s\*+$/, '').trimEnd())

/** What to compare: a playbook for one lab host, how to reset the host before each engine, and how to read its state. */
export interface DifferentialCase {
  readonly host: LabHost
  readonly conn: Connection
  readonly playbook: string
  readonly reset: Command
  readonly state: Command
}

/**
 * Run the playbook with ansible-playbook and then with tsplay (in process) from the same reset state, each
 * as check run, first run and second run; returns per run the verdicts and the host state, for both.
 */
export async function runBothEngines(c: DifferentialCase): Promise<{ ansible: string[][]; tsplay: string[][] }> {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-lab-differential-'))
  const inventory = join(dir, 'inventory.ini')
  writeFileSync(inventory, `${c.host.name} ansible_host=${c.host.address} ansible_user=root ansible_ssh_private_key_file=${labKeyFile()} ansible_ssh_common_args='-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes'\n`)
  writeFileSync(join(dir, 'site.yml'), c.playbook)
  const ansible = async (...extra: string[]): Promise<string> => {
    const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' }
    const result = await promisify(execFile)('ansible-playbook', ['-i', inventory, join(dir, 'site.yml'), ...extra], { env, maxBuffer: 1 << 24 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' }))
    return result.stdout
  }
  const tsplay = async (...extra: string[]): Promise<string> => {
    let out = ''
    await main(['run', '-i', inventory, join(dir, 'site.yml'), ...extra], (s) => void (out += s), (s) => void (out += s))
    return out
  }
  const sequence = async (engine: (...extra: string[]) => Promise<string>): Promise<string[][]> => {
    await c.conn.exec(c.reset)
    const runs: string[][] = []
    for (const extra of [['--check'], [], []]) runs.push(verdicts(await engine(...extra)), [(await c.conn.exec(c.state, { allowFailure: true })).stdout])
    return runs
  }
  return { ansible: await sequence(ansible), tsplay: await sequence(tsplay) }
}
