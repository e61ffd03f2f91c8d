// apt's clean, autoclean and policy_rc_d: the plan from captured `apt-get -s autoclean` output, the policy-rc.d
// wrapper run for real against a scratch path, and clean left alone in check mode.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Command, type Connection, type ExecResult, sh } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { apt } from '../../modules/apt.js'
import { type AptState, parseAutoclean, withPolicyRcD } from '../../modules/lib/apt-state.js'
import { makeContext } from '../helpers/module-context.js'

// Captured on a bookworm lab host with one stale archive in /var/cache/apt/archives.
const AUTOCLEAN = 'Reading package lists...\nBuilding dependency tree...\nReading state information...\nDel tsdiff-fake 9.9 [0 B]\n'
const state = (overrides: Partial<AptState> = {}): AptState => ({ now: 10_000, cacheMtime: 9_000, dpkg: new Map(), policy: new Map(), debs: [], ...overrides })
const plan = (args: Record<string, unknown>, s: AptState): string[] => apt.plan(apt.args.parse(args), s, makeContext({ conn: fake([]).conn })).changes.map((c) => c.summary)

/** A connection that records commands and answers each with the next canned stdout. */
function fake(outputs: string[]): { conn: Connection; commands: string[] } {
  const commands: string[] = []
  const conn = {
    host: 'fake',
    with: () => conn,
    exec: async (command: Command): Promise<ExecResult> => {
      commands.push(command)
      return { command, stdout: outputs.shift() ?? '', stderr: '', exitCode: 0 }
    },
  } as unknown as Connection
  return { conn, commands }
}

describe('apt autoclean', () => {
  it('reads the archives apt-get autoclean deletes', () => {
    expect(parseAutoclean(AUTOCLEAN)).toEqual([{ name: 'tsdiff-fake', version: '9.9' }])
    expect(parseAutoclean('Reading package lists...\n')).toEqual([])
  })

  it('plans one deletion per Del line, nothing when there is none, and leaves autoremove out as Ansible does', () => {
    expect(plan({ autoclean: true }, state({ autocleanOutput: AUTOCLEAN }))).toEqual(['delete the cached archive of tsdiff-fake 9.9'])
    expect(plan({ autoclean: true, autoremove: true }, state({ autocleanOutput: 'Reading package lists...\n' }))).toEqual([])
    expect(plan({ autoremove: true }, state())).toEqual(['remove packages nothing depends on any more'])
  })

  it('is not run with packages or a cache refresh to do, which end the task first in Ansible', async () => {
    const withName = fake(['10000\n9000\n--tsplay-section--\n'])
    await runModule(apt, makeContext({ conn: withName.conn, check: true }), apt.args.parse({ autoclean: true, update_cache: true, cache_valid_time: 3600 }))
    expect(withName.commands.some((c) => c.includes('autoclean'))).toBe(false)
    const alone = fake(['10000\n9000\n--tsplay-section--\n--tsplay-section--\n', AUTOCLEAN])
    const outcome = await runModule(apt, makeContext({ conn: alone.conn, check: true }), apt.args.parse({ autoclean: true }))
    expect(alone.commands[1]).toMatch(/apt-get -y '-s' .*autoclean$/)
    expect(outcome).toMatchObject({ status: 'changed', changes: ['delete the cached archive of tsdiff-fake 9.9'], values: { stdout: AUTOCLEAN } })
  })
})

describe('apt clean', () => {
  it('runs apt-get clean before reading the host, but not in check mode', async () => {
    const real = fake(['', '10000\n9000\n--tsplay-section--\n--tsplay-section--\n'])
    expect(await runModule(apt, makeContext({ conn: real.conn }), apt.args.parse({ clean: true }))).toMatchObject({ status: 'ok', changed: false })
    expect(real.commands[0]).toMatch(/apt-get clean$/)
    const check = fake(['10000\n9000\n--tsplay-section--\n--tsplay-section--\n'])
    await runModule(apt, makeContext({ conn: check.conn, check: true }), apt.args.parse({ clean: true }))
    expect(check.commands.some((c) => c.includes('apt-get clean'))).toBe(false)
  })
})

describe('apt policy_rc_d', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-rcd-'))
  const path = join(dir, 'policy-rc.d')
  const run = (command: Command, code: number): { stdout: string; status: number } => {
    try {
      return { stdout: execFileSync('/bin/sh', ['-c', `${withPolicyRcD(command, code, path)}; echo after`], { encoding: 'utf8' }), status: 0 }
    } catch (e) {
      return { stdout: String((e as { stdout: string }).stdout), status: (e as { status: number }).status }
    }
  }

  it('leaves the command alone without policy_rc_d', () => {
    expect(withPolicyRcD(sh`true`, undefined, path)).toBe('true')
  })

  it('writes an executable policy-rc.d exiting with the code for the command, then removes it', () => {
    expect(run(sh`cat ${path}; ${path}; echo "rc=$?"`, 101)).toEqual({ stdout: '#!/bin/sh\nexit 101\nrc=101\nafter\n', status: 0 })
    expect(existsSync(path)).toBe(false)
  })

  it('puts an existing policy-rc.d back, also when the command fails, and keeps its exit code', () => {
    writeFileSync(path, '#!/bin/sh\nexit 0\n')
    expect(run(sh`cat ${path}; exit 3`, 101)).toEqual({ stdout: '#!/bin/sh\nexit 101\nafter\n', status: 0 })
    expect(readFileSync(path, 'utf8')).toBe('#!/bin/sh\nexit 0\n')
    expect(execFileSync('/bin/sh', ['-c', `${withPolicyRcD(sh`exit 3`, 101, path)}; echo "rc=$?"`], { encoding: 'utf8' })).toBe('rc=3\n')
  })

  it('takes only an integer, so the code cannot carry shell words', () => {
    expect(() => apt.args.parse({ name: 'hello', policy_rc_d: '101; rm -rf /' })).toThrow()
    expect(apt.args.parse({ name: 'hello', policy_rc_d: '101' }).policy_rc_d).toBe(101)
  })
})
