// Scenario files, the test host range, and the step sequence of `tsplay test` (no lab hosts needed).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadScenario, testRange } from '../../../engine/author/index.js'
import { describeOutcomes, runSteps, StepFailure, type PlannedStep } from '../../../engine/author/steps.js'

const scenario = (text: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'tsplay-scenario-')), 'scenario.yml')
  writeFileSync(file, text)
  return file
}

describe('scenario files', () => {
  it('fills in defaults and resolves verify next to the scenario', () => {
    const file = scenario('hosts: 3\ngroups: [etcd]\nvars: {a: 1}\nverify: scenario.yml\n')
    expect(loadScenario(file, undefined)).toMatchObject({ hosts: 3, distribution: 'debian-bookworm', groups: ['etcd'], vars: { a: 1 }, verify: file })
    expect(loadScenario(undefined, undefined)).toEqual({ hosts: 1, distribution: 'debian-bookworm', groups: [], vars: {}, verify: undefined, file: undefined })
  })

  it('points at the bad value with file:line:col', () => {
    expect(() => loadScenario(scenario('hosts: 1\nhostz: 2\n'), undefined)).toThrow(/scenario\.yml:2:8: unknown scenario key 'hostz' \(did you mean 'hosts'\?\)$/)
    expect(() => loadScenario(scenario('hosts: 0\n'), undefined)).toThrow(/scenario\.yml:1:8: hosts: expected a whole number from 1 to 10, got 0$/)
    expect(() => loadScenario(scenario('distribution: rocky-9\n'), undefined)).toThrow(/scenario\.yml:1:15: distribution 'rocky-9': the lab can provide debian-bookworm/)
    expect(() => loadScenario(scenario('verify: nope.yml\n'), undefined)).toThrow(/scenario\.yml:1:9: verify: nope\.yml: no such file$/)
  })
})

describe('test host range', () => {
  it('reads TSPLAY_TEST_HOSTS forms and refuses others', () => {
    expect(testRange('lab11-lab13')).toEqual([11, 12, 13])
    expect(testRange('11-12')).toEqual([11, 12])
    expect(testRange('lab101-lab200')).toHaveLength(100)
    expect(() => testRange('lab20-lab11')).toThrow("TSPLAY_TEST_HOSTS: expected a range of lab hosts such as lab101-lab200, got 'lab20-lab11'")
    expect(() => testRange('lab0-lab3')).toThrow(/expected a range/)
  })
})

describe('steps', () => {
  const ok = (detail: string): PlannedStep['body'] => async () => detail
  const show = (_name: string, run: (p: (t: string) => void) => Promise<unknown>) => run(() => undefined) as never

  it('skips everything after a failure except destroy, and says why', async () => {
    const steps: PlannedStep[] = [
      { name: 'create', body: ok('booted') },
      { name: 'converge', body: ok('2 changed') },
      { name: 'idempotence', body: async () => { throw new StepFailure('not idempotent') } },
      { name: 'check', body: ok('never') },
      { name: 'verify', body: { skip: 'no verify playbook' } },
      { name: 'destroy', body: ok('removed') },
    ]
    const results = await runSteps(steps, show)
    expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ['create', 'ok', 'booted'],
      ['converge', 'ok', '2 changed'],
      ['idempotence', 'failed', 'not idempotent'],
      ['check', 'skipped', 'idempotence failed'],
      ['verify', 'skipped', 'idempotence failed'],
      ['destroy', 'ok', 'removed'],
    ])
  })

  it('reports a bug in a step as a failure and still destroys', async () => {
    const results = await runSteps([{ name: 'converge', body: async () => { throw new TypeError('boom') } }, { name: 'destroy', body: ok('removed') }], show)
    expect(results[0]!.detail).toMatch(/^internal error, please report it\nTypeError: boom/)
    expect(results[1]!.status).toBe('ok')
  })

  it('names each task once with its place and hosts', () => {
    const outcomes = [
      { host: 'lab11', task: 'stamp : record the date', where: 'roles/stamp/tasks/main.yml:9:3', detail: 'ran date' },
      { host: 'lab12', task: 'stamp : record the date', where: 'roles/stamp/tasks/main.yml:9:3', detail: 'ran date' },
    ]
    expect(describeOutcomes(outcomes)).toBe("task 'stamp : record the date' (roles/stamp/tasks/main.yml:9:3) on lab11, lab12: ran date")
  })
})
