// Package modules against ansible-playbook on the controller's local hosts: yum_repository's files byte for
// byte, and the apt family's check-mode verdicts and returned values (the controller is never changed).
import { describe, expect, it } from 'vitest'
import { runAnsible, runTsplay } from './harness.js'

describe('packages', () => {
  it('behaves as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible('packages'), runTsplay('packages')])
    expect(tsplay.log, tsplay.raw).toEqual(ansible.log)
    expect(tsplay.recap).toEqual(ansible.recap)
    expect(tsplay.files).toEqual(ansible.files)
    expect(tsplay.code).toBe(ansible.code)
    expect(Object.keys(tsplay.files)).toContain('repos-h1/h1.repo')
  })
})
