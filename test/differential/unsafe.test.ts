// tsplay against ansible-playbook on a host whose output holds templates: what each later expression gives
// (written to a file) must be the same, i.e. never templated on the controller.
import { describe, expect, it } from 'vitest'
import { expectSameOutcome, runAnsible, runTsplay } from './harness.js'

describe('unsafe data', () => {
  it('renders host output, facts copies and !unsafe literally, as ansible-playbook', async () => {
    const [ansible, tsplay] = await Promise.all([runAnsible('unsafe'), runTsplay('unsafe')])
    expectSameOutcome(tsplay, ansible)
    const text = Object.values(tsplay.files).join('')
    expect(text).toContain("{{ lookup('env', 'HOME') }}")
    expect(text).not.toContain(process.env['HOME'] ?? '/root')
  }, 120_000)
})
