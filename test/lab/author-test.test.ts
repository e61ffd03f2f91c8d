// `tsplay init role` then `tsplay test` on fresh lab hosts (issue 15's acceptance): the skeleton passes every step;
// a non-idempotent role fails at idempotence naming the task and its file:line; a role whose verify fails reports
// the failing assertion. tsplay test takes hosts from its own range (TSPLAY_TEST_HOSTS, else lab101-lab200) and
// never the lab's lab1…labN, so the hosts of other lab tests are untouched: checked at the end.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../engine/cli/index.js'
import { existingHosts, hostStatus } from '../../engine/lab/index.js'

async function tsplay(...argv: string[]): Promise<{ code: number; out: string }> {
  const chunks: string[] = []
  const code = await main(argv, (s) => chunks.push(s), (s) => chunks.push(s))
  return { code, out: chunks.join('') }
}

const FIXTURES = 'test/fixtures/author/roles'
const running = (): string[] => existingHosts().filter((h) => hostStatus(h).state === 'running')

describe('tsplay test on lab hosts', () => {
  it('passes the skeleton of tsplay init role demo, step by step, and removes its host', async () => {
    const before = running()
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-author-'))
    expect((await tsplay('init', 'role', 'demo', '--path', join(dir, 'roles'))).code).toBe(0)
    const { code, out } = await tsplay('test', join(dir, 'roles/demo'))
    const steps = out.split('\n').filter((l) => /^(create|converge|idempotence|check|verify|destroy) /.test(l))
    expect(steps.map((l) => l.split(/\s+/).slice(0, 2).join(' ')), out).toEqual(['create ok', 'converge ok', 'idempotence ok', 'check ok', 'verify ok', 'destroy ok'])
    // the skeleton's 4 tasks and the argument validation ansible puts in front of a role with argument_specs
    expect(out).toMatch(/^converge +ok +5 tasks on 1 host, 2 changed \(/m)
    expect(out).toMatch(/^verify +ok +.*tests\/verify\.yml: 2 tasks passed/m)
    expect(out).toContain('test passed: create, converge, idempotence, check, verify, destroy\n')
    expect(code).toBe(0)
    const host = /^tsplay test .* on (lab\d+)/m.exec(out)![1]!
    expect(existingHosts()).not.toContain(host)
    // the hosts that ran before (other tests' lab1…labN) still run
    expect(running()).toEqual(expect.arrayContaining(before.filter((h) => h !== host)))
  }, 300_000)

  it('fails a role that changes something on its second run at idempotence, naming the task and its file:line', async () => {
    const { code, out } = await tsplay('test', `${FIXTURES}/stamp`)
    expect(out).toMatch(new RegExp(`^idempotence +failed +not idempotent: the second run changed: task 'stamp : record the date' \\(${FIXTURES}/stamp/tasks/main\\.yml:9:3\\) on lab\\d+: `, 'm'))
    expect(out).not.toContain("task 'stamp : create the stamp directory'")
    expect(out).toMatch(/^check +skipped +idempotence failed$/m)
    expect(out).toMatch(/^destroy +ok +removed lab\d+/m)
    expect(out).toContain('test failed at idempotence\n')
    expect(code).toBe(2)
  }, 300_000)

  it('tests a playbook with a scenario file: two hosts in its group, its variables, its verify task list', async () => {
    const { code, out } = await tsplay('test', 'test/fixtures/author/playbook/site.yml', '--scenario', 'test/fixtures/author/playbook/scenario.yml')
    expect(out).toMatch(/^tsplay test test\/fixtures\/author\/playbook\/site\.yml on lab\d+, lab\d+ \(scenario test\/fixtures\/author\/playbook\/scenario\.yml\)$/m)
    expect(out).toMatch(/^converge +ok +1 task on 2 hosts, 2 changed/m)
    expect(out).toMatch(/^verify +ok +test\/fixtures\/author\/playbook\/verify\.yml: 2 tasks passed/m)
    expect(code).toBe(0)
  }, 300_000)

  it('reports the failing assertion of a role whose verify fails', async () => {
    const { code, out } = await tsplay('test', `${FIXTURES}/wrong_mode`)
    expect(out).toMatch(/^idempotence +ok +second run: 2 tasks, nothing changed/m)
    expect(out).toMatch(new RegExp(`^verify +failed +verify \\(${FIXTURES}/wrong_mode/tests/verify\\.yml\\) failed: task 'the marker is world-readable' \\(${FIXTURES}/wrong_mode/tests/verify\\.yml:7:3\\) on lab\\d+: marker mode is 0600, expected 0644`, 'm'))
    expect(out).toContain('test failed at verify\n')
    expect(code).toBe(2)
  }, 300_000)
})
