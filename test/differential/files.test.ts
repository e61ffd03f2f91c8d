// File modules against ansible-playbook on the controller's local hosts: every task twice (changed, then
// ok), the files written byte for byte, and what stat/slurp/fetch read.
import { describe, expect, it } from 'vitest'
import { runAnsible, runTsplay } from './harness.js'

describe('files', () => {
  it('behaves as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible('files'), runTsplay('files')])
    expect(tsplay.log, tsplay.raw).toEqual(ansible.log)
    expect(tsplay.recap).toEqual(ansible.recap)
    expect(tsplay.files).toEqual(ansible.files)
    expect(tsplay.code).toBe(ansible.code)
    expect(tsplay.files['h1/read.txt']).toMatch(/^stat True True 0640 /)
  })
})
