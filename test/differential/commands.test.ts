// Command and system modules against ansible-playbook on the controller's local hosts: registered values
// (without timings), sysctl and fstab files byte for byte, and the check-mode verdicts.
import { describe, expect, it } from 'vitest'
import { runAnsible, runTsplay } from './harness.js'

describe('commands', () => {
  it('behaves as ansible-playbook', async () => {
    const ansible = await runAnsible('commands')
    const tsplay = await runTsplay('commands')
    expect(tsplay.log, tsplay.raw).toEqual(ansible.log)
    expect(tsplay.recap).toEqual(ansible.recap)
    expect(tsplay.files).toEqual(ansible.files)
    expect(tsplay.code).toBe(ansible.code)
    expect(Object.keys(tsplay.files)).toContain('h1/registered')
  })

  it('predicts the same in check mode', async () => {
    const ansible = await runAnsible('commands', ['--check'])
    const tsplay = await runTsplay('commands', ['--check'])
    expect(tsplay.log, tsplay.raw).toEqual(ansible.log)
    expect(tsplay.recap).toEqual(ansible.recap)
  })
})
