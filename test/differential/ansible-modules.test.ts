// Modules tsplay has no native version of run as Ansible's own (engine/ansible/): a collection module, a module of
// the playbook's library/ folder, check mode, a failure; the same verdicts, recap and files as ansible-playbook.
import { describe, it } from 'vitest'
import { expectSameOutcome, runAnsible, runTsplay } from './harness.js'

describe('ansible modules', () => {
  it.each([[[]], [['--check']]] as const)('runs them as ansible-playbook does %j', async (args) => {
    const [ansible, tsplay] = await Promise.all([runAnsible('ansible-modules', args), runTsplay('ansible-modules', args)])
    expectSameOutcome(tsplay, ansible)
  })
})
