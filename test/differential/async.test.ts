// async, poll and async_status against ansible-playbook on the controller's local hosts: poll until done, poll 0
// with an async_status until-loop, cleanup, a job outliving its limit, guards, another module as a job, and an
// action without async; registered values compared (minus timings and job ids), and the check-mode refusal.
import { describe, expect, it } from 'vitest'
import { runAnsible, runTsplay } from './harness.js'

describe('async', () => {
  it('behaves as ansible-playbook', async () => {
    const ansible = await runAnsible('async')
    const tsplay = await runTsplay('async')
    expect(tsplay.log, tsplay.raw).toEqual(ansible.log)
    expect(tsplay.recap).toEqual(ansible.recap)
    expect(tsplay.files).toEqual(ansible.files)
    expect(tsplay.code).toBe(ansible.code)
    expect(Object.keys(tsplay.files)).toContain('h1/registered')
  }, 400_000)

  it('refuses async in check mode as ansible-playbook does', async () => {
    const ansible = await runAnsible('async', ['--check'])
    const tsplay = await runTsplay('async', ['--check'])
    expect(tsplay.log, tsplay.raw).toEqual(ansible.log)
    expect(tsplay.recap).toEqual(ansible.recap)
  }, 400_000)
})
