import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { AheadWindow, stillCurrent, type Ahead } from '../../../engine/run/ahead.js'

const ROOT = resolve(import.meta.dirname, '../../..')

/** An item gathered ahead at epoch `at` on a host whose epoch is now `now`. */
const item = (at: number, now: number): Ahead => ({ prepared: { ctx: { conn: { writeEpoch: now } } }, gathered: Promise.resolve('state'), epoch: at }) as unknown as Ahead

describe('gathering loop items ahead', () => {
  it('uses an early state only while nothing was written to the host since', () => {
    expect(stillCurrent(item(3, 3))).toBeDefined()
    expect(stillCurrent(item(3, 4))).toBeUndefined()
  })

  it('reads every item at once in check mode', () => {
    const w = new AheadWindow(40, true)
    expect(w.take([])).toBe(40)
  })

  it('reads 8 items, doubles while nothing is written, drops to 1 after a write', () => {
    const w = new AheadWindow(100, false)
    expect([w.take([]), w.start]).toEqual([8, 0])
    expect(w.take(Array.from({ length: 8 }, () => item(0, 0)))).toBe(24)
    expect(w.take([item(0, 0), undefined, item(0, 1)])).toBe(25)
    expect(w.take([item(1, 1)])).toBe(27)
    expect(w.take([item(1, 1), item(1, 1)])).toBe(31)
  })
})

describe('a loop whose module gathers items together (gatherMany)', () => {
  // the CLI, so that TSPLAY_TRACE_FILE records every command; needs `npm run build` first, as `npm test` does
  it('reads all the keys of a sysctl loop with one command, and plans each item as alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-ahead-'))
    const conf = join(dir, 'sysctl.conf')
    writeFileSync(conf, 'kernel.ostype = Linux\n')
    writeFileSync(join(dir, 'site.yml'), `- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - sysctl: name={{ item.k }} value={{ item.v }} sysctl_file=${conf} reload=false
      loop: [{ k: kernel.ostype, v: Linux }, { k: kernel.pid_max, v: '1' }, { k: kernel.tsplay_no_such_key, v: '2' }]
`)
    const trace = join(dir, 'trace.jsonl')
    const { stdout } = await promisify(execFile)('node', [join(ROOT, 'bin/tsplay.js'), 'run', join(dir, 'site.yml'), '--check'], { env: { ...process.env, CI: 'true', TSPLAY_TRACE_FILE: trace } })
    const lines = readFileSync(trace, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { line: string }).line)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/sysctl -e +-- kernel\.ostype kernel\.pid_max kernel\.tsplay_no_such_key/)
    expect(stdout).toMatch(/ok: \[localhost\] => \(item=.*kernel\.ostype/)
    expect(stdout).toMatch(/changed: \[localhost\] => \(item=.*kernel\.pid_max/)
    expect(stdout).toMatch(/localhost\s+: ok=1\s+changed=1/)
  })
})
