import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { encryptVaultText, loadVaultSecrets, VaultSecret, VaultSecretError, type VaultSecretIO } from '../../../engine/vault/index.js'
import { workspace } from './ansible.js'

let dir = ''
let remove = (): void => undefined
beforeEach(() => ({ dir, remove } = workspace()))
afterEach(() => remove())

function script(name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

function io(answers: (string | undefined)[] = []): VaultSecretIO & { prompts: string[]; warnings: string[] } {
  const prompts: string[] = []
  const warnings: string[] = []
  return { prompts, warnings, cwd: dir, prompt: async (m) => (prompts.push(m), answers.shift()), warn: (m) => void warnings.push(m) }
}

const shown = (s: { secrets: readonly VaultSecret[] }): string[] => s.secrets.map((x) => `${x.vaultId}=${x.password.toString()}`)

describe('vault secrets from command-line sources', () => {
  it('reads password files whole, stripped of surrounding white space, as the id default', async () => {
    const secrets = await loadVaultSecrets({ vaultPasswordFiles: ['pw1', join(dir, 'pw2')] }, io())
    expect(shown(secrets)).toEqual(['default=secret-one', 'default=secret-two'])
  })

  it('orders identity list, --vault-id, password files, then the prompt, as ansible does', async () => {
    const asked = io(['  typed  '])
    const secrets = await loadVaultSecrets(
      { identityList: ['env@pw2'], vaultIds: ['dev@pw1', 'pw2'], vaultPasswordFiles: ['pw1'], askVaultPass: true, defaultPasswordFile: 'pw2' },
      asked,
    )
    expect(shown(secrets)).toEqual(['env=secret-two', 'dev=secret-one', 'default=secret-two', 'default=secret-one', 'default=secret-two', 'default=typed'])
    expect(asked.prompts).toEqual(['Vault password: '])
  })

  it('prompts by label for label@prompt, twice and confirmed for a new password', async () => {
    const asked = io(['a', 'b', 'b'])
    const secrets = await loadVaultSecrets({ vaultIds: ['dev@prompt', 'prod@prompt'], newPassword: false }, asked)
    expect(shown(secrets)).toEqual(['dev=a', 'prod=b'])
    expect(asked.prompts).toEqual(['Vault password (dev): ', 'Vault password (prod): '])
    const fresh = io(['n', 'n'])
    await loadVaultSecrets({ vaultIds: ['dev@prompt'], newPassword: true }, fresh)
    expect(fresh.prompts).toEqual(['New vault password (dev): ', 'Confirm new vault password (dev): '])
    const ask = io(['n', 'n'])
    await loadVaultSecrets({ autoPrompt: true, newPassword: true }, ask)
    expect(ask.prompts).toEqual(['New Vault password: ', 'Confirm New Vault password: '])
  })

  it('fails on mismatched, empty or ended prompts', async () => {
    await expect(loadVaultSecrets({ askVaultPass: true, newPassword: true }, io(['a', 'b']))).rejects.toThrow("the vault passwords for vault id 'default' do not match")
    await expect(loadVaultSecrets({ askVaultPass: true }, io(['  ']))).rejects.toThrow('empty vault password given at the prompt')
    await expect(loadVaultSecrets({ vaultIds: ['x@prompt'] }, io([undefined]))).rejects.toThrow("end of input at the vault password prompt for vault id 'x'")
  })

  it('does not prompt unless asked or nothing else was given with autoPrompt', async () => {
    const asked = io(['p'])
    expect(shown(await loadVaultSecrets({}, asked))).toEqual([])
    expect(shown(await loadVaultSecrets({ vaultPasswordFiles: ['pw1'], autoPrompt: true }, asked))).toEqual(['default=secret-one'])
    expect(asked.prompts).toEqual([])
  })

  it('runs an executable password file and uses its stdout, stripped of line ends only', async () => {
    script('pass.sh', 'printf " from script \\r\\n"')
    const secrets = await loadVaultSecrets({ vaultIds: ['ops@pass.sh'] }, io())
    expect(shown(secrets)).toEqual(['ops= from script '])
    expect(secrets.secrets[0]!.origin).toBe(`script ${join(dir, 'pass.sh')}`)
  })

  it('passes --vault-id LABEL to a *-client script and reports its "unknown id" exit 2', async () => {
    script('vault-client.py', 'echo "args:$*"')
    expect(shown(await loadVaultSecrets({ vaultIds: ['prod@vault-client.py'] }, io()))).toEqual(['prod=args:--vault-id prod'])
    expect(shown(await loadVaultSecrets({ vaultPasswordFiles: ['vault-client.py'] }, io()))).toEqual(['default=args:--vault-id default'])
    script('keys-client', 'echo "no such id $2" >&2; exit 2')
    await expect(loadVaultSecrets({ vaultIds: ['zz@keys-client'] }, io()))
      .rejects.toThrow(`vault password client script ${join(dir, 'keys-client')} has no secret for vault id 'zz': no such id zz`)
    script('broken.sh', 'exit 4')
    await expect(loadVaultSecrets({ vaultIds: ['broken.sh'] }, io())).rejects.toThrow(`vault password script ${join(dir, 'broken.sh')} exited with 4`)
  })

  it('warns about a failing source while another one works, and fails when none does', async () => {
    writeFileSync(join(dir, 'empty'), ' \n')
    const warned = io()
    const secrets = await loadVaultSecrets({ vaultIds: ['zz@missing', 'e@empty', 'ok@pw1'] }, warned)
    expect(shown(secrets)).toEqual(['ok=secret-one'])
    expect(warned.warnings).toEqual([
      `cannot read the vault password for vault id 'zz': vault password file ${join(dir, 'missing')} was not found`,
      `cannot read the vault password for vault id 'e': vault password file ${join(dir, 'empty')} is empty`,
    ])
    const failing = loadVaultSecrets({ vaultIds: ['zz@missing', 'e@empty'] }, io())
    await expect(failing).rejects.toThrow(VaultSecretError)
    await expect(loadVaultSecrets({ vaultIds: ['zz@missing', 'e@empty'] }, io())).rejects.toThrow(`vault password file ${join(dir, 'empty')} is empty`)
  })

  it('opens a vaulted password file with a secret given before it', async () => {
    writeFileSync(join(dir, 'inner'), encryptVaultText('inner-password\n', new VaultSecret('default', 'secret-one')))
    const secrets = await loadVaultSecrets({ vaultIds: ['outer@pw1', 'inner@inner'] }, io())
    expect(shown(secrets)).toEqual(['outer=secret-one', 'inner=inner-password'])
  })
})
