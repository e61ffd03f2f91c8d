// Vaulted data decrypted as ansible-playbook does: a vars file encrypted whole and an inline `!vault` value of
// another vault id, with --vault-password-file and --vault-id; without secrets, one clear located error.
import { describe, expect, it } from 'vitest'
import { expectSameOutcome, runAnsible, runTsplay } from './harness.js'

describe('vault', () => {
  it('decrypts vaulted files and !vault values as ansible-playbook', async () => {
    const args = ['--vault-password-file', 'vault-pass.txt', '--vault-id', 'prod@prod-pass.txt']
    const [ansible, tsplay] = await Promise.all([runAnsible('vault', args), runTsplay('vault', args)])
    expectSameOutcome(tsplay, ansible)
    expect(tsplay.files['secrets.txt']).toBe('s3cret-from-vaulted-file 5432 inline-secret-value\n')
  })

  it('refuses vaulted data without secrets, naming the file', async () => {
    const tsplay = await runTsplay('vault')
    expect(tsplay.code).not.toBe(0)
    expect(tsplay.raw).toMatch(/vars\.yml:1:1: found vault-encrypted data but no vault secrets were given/)
  })

  it('names the vault ids tried when the password is wrong', async () => {
    const tsplay = await runTsplay('vault', ['--vault-password-file', 'prod-pass.txt', '--vault-id', 'prod@prod-pass.txt'])
    expect(tsplay.code).not.toBe(0)
    expect(tsplay.raw).toMatch(/vars\.yml:1:1: .*cannot decrypt/)
    expect(tsplay.raw).not.toMatch(/s3cret/)
  })
})
