// tsplay's vault and the real ansible-vault 2.14 must read each other's files and strings, both ways.
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { LineCounter, parseDocument, type Scalar } from 'yaml'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { decryptVaultNode, decryptVaultText, isVaultNode, loadVaultSecrets, VAULT_YAML_TAGS } from '../../../engine/vault/index.js'
import { ansibleVault, loadWithAnsible, tsplayVault, workspace } from './ansible.js'

let dir = ''
let remove = (): void => undefined
beforeEach(() => ({ dir, remove } = workspace()))
afterEach(() => remove())

const file = (name: string, content?: string): string => {
  if (content !== undefined) writeFileSync(join(dir, name), content)
  return join(dir, name)
}
const read = (name: string): string => readFileSync(join(dir, name), 'utf8')

describe('files made by ansible-vault open in tsplay', { timeout: 60_000 }, () => {
  it('1.1 with a password file, 1.2 with labels and several ids', async () => {
    file('a.yml', 'a: 1\n')
    file('b.yml', 'b: 2\n')
    expect((await ansibleVault(['encrypt', '--vault-password-file', 'pw1', 'a.yml'], dir)).code).toBe(0)
    expect((await ansibleVault(['encrypt', '--vault-id', 'dev@pw1', '--vault-id', 'prod@pw2', '--encrypt-vault-id', 'prod', 'b.yml'], dir)).code).toBe(0)
    expect(read('a.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.1;AES256')
    expect(read('b.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;prod')
    const view = await tsplayVault(['view', '--vault-id', 'dev@pw1', '--vault-id', 'prod@pw2', 'a.yml', 'b.yml'], dir)
    expect(view).toMatchObject({ code: 0, stdout: 'a: 1\nb: 2\n', stderr: '' })
    const secrets = await loadVaultSecrets({ vaultIds: ['prod@pw2'] }, { cwd: dir })
    expect(decryptVaultText(read('b.yml'), secrets, file('b.yml'))).toBe('b: 2\n')
  })

  it('with a password script and a client script', async () => {
    writeFileSync(file('pass.sh'), '#!/bin/sh\necho secret-one\n')
    writeFileSync(file('keys-client.sh'), '#!/bin/sh\n[ "$2" = prod ] && echo secret-two && exit 0\nexit 2\n')
    chmodSync(file('pass.sh'), 0o755)
    chmodSync(file('keys-client.sh'), 0o755)
    file('c.yml', 'c: 3\n')
    expect((await ansibleVault(['encrypt', '--vault-id', 'prod@keys-client.sh', 'c.yml'], dir)).code).toBe(0)
    const wrongScript = await tsplayVault(['view', '--vault-password-file', 'pass.sh', 'c.yml'], dir)
    expect(wrongScript.code).toBe(1)
    expect(await tsplayVault(['view', '--vault-id', 'prod@keys-client.sh', 'c.yml'], dir)).toMatchObject({ code: 0, stdout: 'c: 3\n' })
    file('d.yml', 'd: 4\n')
    expect((await ansibleVault(['encrypt', '--vault-password-file', 'pass.sh', 'd.yml'], dir)).code).toBe(0)
    expect(await tsplayVault(['decrypt', '--vault-password-file', 'pass.sh', 'd.yml'], dir)).toMatchObject({ code: 0, stdout: '' })
    expect(read('d.yml')).toBe('d: 4\n')
  })

  it('encrypt_string output, parsed as YAML and decrypted as an inline !vault value', async () => {
    const made = await ansibleVault(['encrypt_string', '--vault-id', 'prod@pw2', '-n', 'token', 's3cr3t value'], dir)
    expect(made.code).toBe(0)
    const text = `# made by ansible-vault\n${made.stdout}\n`
    const lines = new LineCounter()
    const doc = parseDocument(text, { lineCounter: lines, customTags: [...VAULT_YAML_TAGS] })
    expect(doc.warnings).toEqual([])
    const node = doc.get('token', true)
    expect(isVaultNode(node)).toBe(true)
    const secrets = await loadVaultSecrets({ vaultIds: ['prod@pw2'] }, { cwd: dir })
    expect(decryptVaultNode(node as Scalar<string>, text, lines, 'vars.yml', secrets)).toBe('s3cr3t value')
    const wrong = await loadVaultSecrets({ vaultIds: ['prod@pw1'] }, { cwd: dir })
    expect(() => decryptVaultNode(node as Scalar<string>, text, lines, 'vars.yml', wrong)).toThrow("vars.yml:3:11: cannot decrypt vault labelled 'prod'")
  })
})

describe('files made by tsplay open in ansible-vault', { timeout: 60_000 }, () => {
  it('encrypt: 1.1 for a password file, 1.2 for a label, mode 0600', async () => {
    file('a.yml', 'a: 1\n')
    chmodSync(file('a.yml'), 0o644)
    expect(await tsplayVault(['encrypt', '--vault-password-file', 'pw1', 'a.yml'], dir)).toMatchObject({ code: 0, stdout: '', stderr: '' })
    expect(read('a.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.1;AES256')
    expect(statSync(file('a.yml')).mode & 0o777).toBe(0o600)
    expect(await ansibleVault(['view', '--vault-password-file', 'pw1', 'a.yml'], dir)).toMatchObject({ code: 0, stdout: 'a: 1\n' })
    file('b.yml', 'b: 2\n')
    expect((await tsplayVault(['encrypt', '--vault-id', 'dev@pw1', '--vault-id', 'prod@pw2', '--encrypt-vault-id', 'prod', 'b.yml'], dir)).code).toBe(0)
    expect(read('b.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;prod')
    expect(await ansibleVault(['view', '--vault-id', 'prod@pw2', 'b.yml'], dir)).toMatchObject({ code: 0, stdout: 'b: 2\n' })
    expect((await ansibleVault(['view', '--vault-id', 'prod@pw1', 'b.yml'], dir)).code).toBe(1)
  })

  it('encrypt_string: ansible’s own YAML loader reads every block back', async () => {
    const made = await tsplayVault(['encrypt_string', '--vault-id', 'prod@pw2', '-n', 'one', '-n', 'two', 'first', 'second: {{ x }}'], dir)
    expect(made.code).toBe(0)
    file('vars.yml', `${made.stdout}\n`)
    expect(await loadWithAnsible(file('vars.yml'), ['prod@secret-two'])).toEqual({ one: 'first', two: 'second: {{ x }}' })
  })

  it('rekey and edit keep a file ansible-vault can open, with its mode', async () => {
    file('r.yml', 'r: 1\n')
    expect((await ansibleVault(['encrypt', '--vault-password-file', 'pw1', 'r.yml'], dir)).code).toBe(0)
    chmodSync(file('r.yml'), 0o640)
    const rekeyed = await tsplayVault(['rekey', '--vault-password-file', 'pw1', '--new-vault-id', 'ops@pw2', 'r.yml'], dir)
    expect(rekeyed).toMatchObject({ code: 0, stdout: '', stderr: 'Rekey successful\n' })
    expect(read('r.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;ops')
    expect(statSync(file('r.yml')).mode & 0o777).toBe(0o640)
    expect(await ansibleVault(['view', '--vault-password-file', 'pw2', 'r.yml'], dir)).toMatchObject({ code: 0, stdout: 'r: 1\n' })
    writeFileSync(file('append.sh'), '#!/bin/sh\nprintf "edited: yes\\n" >> "$1"\n')
    chmodSync(file('append.sh'), 0o755)
    const edited = await tsplayVault(['edit', '--vault-password-file', 'pw2', 'r.yml'], dir, { env: { EDITOR: `${file('append.sh')}` } })
    expect(edited).toMatchObject({ code: 0, stdout: '', stderr: '' })
    expect(read('r.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;ops')
    expect(statSync(file('r.yml')).mode & 0o777).toBe(0o640)
    expect(await ansibleVault(['view', '--vault-password-file', 'pw2', 'r.yml'], dir)).toMatchObject({ code: 0, stdout: 'r: 1\nedited: yes\n' })
  })

  it('create writes a 0600 vault file from what the editor saved', async () => {
    writeFileSync(file('write.sh'), '#!/bin/sh\nprintf "created: 1\\n" > "$1"\n')
    chmodSync(file('write.sh'), 0o755)
    const created = await tsplayVault(['create', '--vault-id', 'x@pw1', 'sub/new.yml'], dir, { env: { EDITOR: `'${file('write.sh')}'` } })
    expect(created.code).toBe(0)
    expect(created.stderr).toBe(`[WARNING]: ${join(dir, 'sub')} does not exist, creating...\n`)
    expect(read('sub/new.yml').split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;x')
    expect(statSync(file('sub/new.yml')).mode & 0o777).toBe(0o600)
    expect(await ansibleVault(['view', '--vault-password-file', 'pw1', 'sub/new.yml'], dir)).toMatchObject({ code: 0, stdout: 'created: 1\n' })
  })
})
