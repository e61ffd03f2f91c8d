// `--check` then a real run on the same hosts: the tasks reported changed must be the same, and a second
// real run changes nothing. Checked for tsplay, and the changed sets compared with ansible-playbook's.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../engine/cli/index.js'
import { FIXTURES } from './harness.js'

type Changed = string[]

async function changed(out: string, ...args: string[]): Promise<Changed> {
  let text = ''
  const code = await main(['run', '-i', join(FIXTURES, 'inventory.ini'), join(FIXTURES, 'converge', 'site.yml'), '-e', `out=${out}`, '--json', ...args], (s) => void (text += s), () => {})
  expect(code).toBe(0)
  const report = JSON.parse(text) as { plays: Array<{ tasks: Array<{ name: string; hosts: Record<string, { status: string }> }> }> }
  return report.plays.flatMap((p) => p.tasks.flatMap((t) => Object.entries(t.hosts).filter(([, r]) => r.status === 'changed').map(([h]) => `${t.name} ${h}`))).sort()
}

describe('check mode predicts the real run', () => {
  it('reports the same changed tasks with --check as the real run, then nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'converge-'))
    const predicted = await changed(out, '--check')
    const real = await changed(out)
    expect(predicted).toEqual(real)
    expect(real).toContain('a template h3')
    expect(real).toContain('restart app h1')
    expect(await changed(out)).toEqual([])
  })
})
