import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../engine/cli/main.js'
import { builtinModules } from '../../../modules/index.js'
import { FIXTURES } from '../../differential/harness.js'

const dir = join(FIXTURES, 'cli')
const inventory = join(FIXTURES, 'inventory.ini')

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await main(argv, (s) => void (out += s), (s) => void (err += s))
  return { code, out, err }
}

describe('tsplay cli', () => {
  it('runs a playbook: exit 0 and the recap', async () => {
    const r = await cli('run', join(dir, 'ok.yml'), '-i', inventory, '-e', 'greeting=hello')
    expect(r.code).toBe(0)
    expect(r.out).toContain('ok: [h1] => {\n    "msg": "hello"\n}')
    expect(r.out).toContain('h1                         : ok=2    changed=1    unreachable=0    failed=0    skipped=1    rescued=0    ignored=0   ')
  })

  it('exit 2 when a host failed', async () => {
    const r = await cli('run', join(dir, 'ok.yml'), '-i', inventory, '-e', '{"fail_h2": true}')
    expect(r.code).toBe(2)
    expect(r.out).toContain('fatal: [h2]: FAILED! => {"changed": false, "msg": "bad"}')
  })

  it('no_log hides the result', async () => {
    const r = await cli('run', join(dir, 'ok.yml'), '-i', inventory, '-v')
    expect(r.out).toContain(`changed: [h1] => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result", "changed": true}`)
    expect(r.out).not.toContain('hidden"')
  })

  it('exit 4 when a host is unreachable, even if another failed', async () => {
    const r = await cli('run', join(dir, 'unreachable.yml'), '-i', join(dir, 'unreachable.ini'), '-T', '2')
    expect(r.code).toBe(4)
    expect(r.out).toMatch(/fatal: \[gone\]: UNREACHABLE! => \{"changed": false, "msg": ".+", "unreachable": true\}/)
    expect(r.out).toContain('gone                       : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   ')
    expect(r.out).toContain('ok1                        : ok=1    changed=1    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   ')
  })

  it('exit 4 and a located message on a playbook error, before any host is touched', async () => {
    const r = await cli('run', join(dir, 'bad.yml'), '-i', inventory)
    expect(r.code).toBe(4)
    expect(r.out).toBe('')
    expect(r.err).toBe(`${join(dir, 'bad.yml').replace(process.cwd() + '/', '')}:5:7: unknown keyword or module 'notifi' (did you mean 'notify'?)\n          notifi: h\n          ^\n`)
  })

  it('exit 2 on bad options, as ansible-playbook (argparse)', async () => {
    expect((await cli('run', join(dir, 'ok.yml'), '--bogus')).err).toContain("tsplay: unknown option '--bogus'")
    expect((await cli('run', join(dir, 'ok.yml'), '--bogus')).code).toBe(2)
    expect((await cli('run', join(dir, 'ok.yml'), '-f', 'zero')).code).toBe(2)
    expect((await cli('run')).err).toContain('tsplay: missing PLAYBOOK')
    expect((await cli('frobnicate')).code).toBe(2)
  })

  it('--syntax-check and --list-tasks do not run anything', async () => {
    expect((await cli('run', join(dir, 'ok.yml'), '--syntax-check')).out).toBe(`\nplaybook: ${join(dir, 'ok.yml')}\n`)
    const r = await cli('run', join(dir, 'ok.yml'), '-i', inventory, '--list-tasks', '--list-hosts')
    expect(r.out).toContain("  play #1 (web): cli\tTAGS: []\n    pattern: ['web']\n    hosts (2):\n      h1\n      h2\n    tasks:\n      say\tTAGS: [say]\n      secret\tTAGS: []")
  })

  it('--tags limits the tasks', async () => {
    const r = await cli('run', join(dir, 'ok.yml'), '-i', inventory, '--tags', 'say')
    expect(r.out).not.toContain('TASK [secret]')
    expect(r.code).toBe(0)
  })

  it('--json prints a machine-readable report', async () => {
    const r = await cli('run', join(dir, 'ok.yml'), '-i', inventory, '--json', '--limit', 'h1')
    const report = JSON.parse(r.out) as { stats: Record<string, { ok: number }>; plays: Array<{ tasks: Array<{ name: string; hosts: Record<string, { status: string }> }> }> }
    expect(report.stats['h1']!.ok).toBe(2)
    expect(report.plays[0]!.tasks.map((t) => [t.name, t.hosts['h1']!.status])).toEqual([['say', 'ok'], ['secret', 'changed'], ['fail on h2', 'skipped']])
  })

  it('doc lists modules and describes one from its schema', async () => {
    expect((await cli('doc', '--list')).out).toMatch(/^debug\s+native\s+Print a message/m)
    const r = await cli('doc', 'debug')
    expect(r.out).toContain('verbosity [default: 0]\n      Print only at this -v level or above')
    expect((await cli('doc', 'debgu')).err).toContain("unknown module 'debgu' (did you mean 'debug'?)")
    for (const name of Object.keys(builtinModules)) expect((await cli('doc', name)).out, name).toMatch(/\nExample:\n {2}\S/)
  })
})
