import { describe, expect, it } from 'vitest'
import { LineCounter, parseDocument, type Scalar } from 'yaml'
import {
  decryptVault, decryptVaultNode, isVaultNode, VAULT_YAML_TAGS, decryptVaultScalar, decryptVaultText, encryptVaultText, isVaultText, VaultDecryptError, VaultFormatError, VaultSecret, VaultSecrets,
} from '../../../engine/vault/index.js'

// Both made by ansible-vault 2.14: `ansible-vault encrypt --vault-password-file pw f` (pw: secret1) and
// `ansible-vault encrypt --vault-id prod@pw f` (pw: secret2).
const ANSIBLE_11 = `$ANSIBLE_VAULT;1.1;AES256
32316366346139373831636662353266353563616338666261646462363163303630643261383963
3638623930313261323134306163633663656663316533640a343836383765343562306631383432
62326266323138306236623462303266326432323761333966613637656236303336616561323264
3637313630666531310a643566623532636161326537613430623530386166316531336161333134
39313437656339626536633438333961326438306338313633633431663238633462
`
const ANSIBLE_12 = `$ANSIBLE_VAULT;1.2;AES256;prod
39393461343034623533343666316136316339353137636137326631633261626264303262646535
3862666430383834626261346466376464363663313430310a626362653630616561313836613730
32393633653439623939323062326232613463346533326163346137316566366138623164306663
3434383666353937350a356333666233333362386530333337646134663433313165356330346334
3562
`

/** Vault text with one hex digit of payload field `field` (0 salt, 1 hmac, 2 ciphertext) changed, or re-encoded as it is. */
function tamper(vaultText: string, field: number, change = true): string {
  const [header, ...hex] = vaultText.trimEnd().split('\n')
  const fields = Buffer.from(hex.join(''), 'hex').toString('latin1').split('\n')
  const digits = [...fields[field]!]
  if (change) digits[7] = digits[7] === 'a' ? 'b' : 'a'
  fields[field] = digits.join('')
  const outer = Buffer.from(fields.join('\n'), 'latin1').toString('hex')
  return `${header}\n${outer.match(/.{1,80}/g)!.join('\n')}\n`
}

const secrets = (...pairs: [string, string][]): VaultSecrets => new VaultSecrets(pairs.map(([id, pw]) => new VaultSecret(id, pw)))

describe('vault format', () => {
  it('recognises vault text as ansible does: by the header at the very start', () => {
    expect(isVaultText(ANSIBLE_11)).toBe(true)
    expect(isVaultText(Buffer.from(ANSIBLE_12))).toBe(true)
    expect(isVaultText(` ${ANSIBLE_11}`)).toBe(false)
    expect(isVaultText('db_password: hunter2\n')).toBe(false)
  })

  it('decrypts 1.1 and labelled 1.2 files written by ansible-vault', () => {
    expect(decryptVaultText(ANSIBLE_11, secrets(['default', 'secret1']))).toBe('db_password: hunter2\n')
    const opened = decryptVault(ANSIBLE_12, secrets(['dev', 'secret1'], ['prod', 'secret2']))
    expect(opened.plaintext.toString()).toBe('token: abc\n')
    expect(opened.label).toBe('prod')
    expect(opened.secret.vaultId).toBe('prod')
  })

  it('tries every secret, not only the one whose id matches the label, as ansible does', () => {
    expect(decryptVaultText(ANSIBLE_12, secrets(['default', 'secret2']))).toBe('token: abc\n')
    expect(decryptVaultText(ANSIBLE_11, secrets(['a', 'nope'], ['b', 'secret1']))).toBe('db_password: hunter2\n')
  })

  it('tries the secret of the matching label first', () => {
    // both secrets have the right password; the one labelled like the blob must win
    const opened = decryptVault(ANSIBLE_12, secrets(['other', 'secret2'], ['prod', 'secret2']))
    expect(opened.secret.vaultId).toBe('prod')
  })

  it('names the vault ids it tried when no password fits, at the file', () => {
    const attempt = (): string => decryptVaultText(ANSIBLE_12, secrets(['dev', 'x'], ['prod', 'y']), 'group_vars/all/vault.yml')
    expect(attempt).toThrow(VaultDecryptError)
    expect(attempt).toThrow("group_vars/all/vault.yml:1:1: cannot decrypt vault labelled 'prod': tried vault ids dev, prod (wrong password, or the data was altered)")
    expect(() => decryptVaultText(ANSIBLE_12, secrets(['dev', 'x']))).toThrow("tried vault ids dev (no secret was given for vault id 'prod')")
    expect(() => decryptVaultText(ANSIBLE_11, new VaultSecrets())).toThrow('but no vault password was given')
  })

  it('rejects a tampered ciphertext or hmac even with the right password', () => {
    const right = secrets(['default', 'secret1'])
    for (const field of [1, 2]) {
      const tampered = tamper(ANSIBLE_11, field)
      expect(() => decryptVaultText(tampered, right)).toThrow(VaultDecryptError)
      expect(() => decryptVaultText(tampered, right)).toThrow('cannot decrypt vault: tried vault ids default (wrong password, or the data was altered)')
    }
    expect(decryptVaultText(tamper(ANSIBLE_11, 0, false), right)).toBe('db_password: hunter2\n')
  })

  it('round-trips through encryptVaultText with 1.1 for the default id and 1.2 for a label', () => {
    const dflt = new VaultSecret('default', 'pw')
    const text = encryptVaultText('a: 1\n', dflt)
    expect(text.split('\n')[0]).toBe('$ANSIBLE_VAULT;1.1;AES256')
    expect(text.split('\n').slice(1, -1).every((l) => l.length <= 80 && /^[0-9a-f]+$/.test(l))).toBe(true)
    expect(text.split('\n').slice(1, -2).every((l) => l.length === 80)).toBe(true)
    expect(text.endsWith('\n')).toBe(true)
    expect(decryptVaultText(text, new VaultSecrets([dflt]))).toBe('a: 1\n')
    const labelled = encryptVaultText(Buffer.from([0, 255, 16]), new VaultSecret('prod', 'pw'))
    expect(labelled.split('\n')[0]).toBe('$ANSIBLE_VAULT;1.2;AES256;prod')
    expect([...decryptVault(labelled, secrets(['x', 'pw'])).plaintext]).toEqual([0, 255, 16])
    expect(encryptVaultText('same', dflt)).not.toBe(encryptVaultText('same', dflt))
  })

  it('pads every length, a whole block included (PKCS7)', () => {
    const secret = new VaultSecret('default', 'pw')
    for (const length of [0, 1, 15, 16, 17, 32, 1000]) {
      const plaintext = 'x'.repeat(length)
      expect(decryptVaultText(encryptVaultText(plaintext, secret), new VaultSecrets([secret]))).toBe(plaintext)
    }
  })

  it('refuses to encrypt vault text again, and labels ansible cannot read back', () => {
    const secret = new VaultSecret('default', 'pw')
    expect(() => encryptVaultText(ANSIBLE_11, secret)).toThrow('input is already vault encrypted')
    expect(() => encryptVaultText('x', secret, 'a;b')).toThrow("vault id 'a;b' cannot contain")
  })

  it('reports a malformed envelope at its file, line and column', () => {
    const s = secrets(['default', 'secret1'])
    const bad = ANSIBLE_11.replace('3638623930313261', '36386239303132zz')
    expect(() => decryptVaultText(bad, s, 'vault.yml')).toThrow(VaultFormatError)
    expect(() => decryptVaultText(bad, s, 'vault.yml')).toThrow('vault.yml:3:15: vault payload: "z" is not a hexadecimal digit')
    expect(() => decryptVaultText('$ANSIBLE_VAULT;1.1\n00\n', s, 'v.yml')).toThrow("v.yml:1:1: vault header '$ANSIBLE_VAULT;1.1' lacks the version or the cipher")
    expect(() => decryptVaultText('$ANSIBLE_VAULT;1.1;AES\n00\n', s, 'v.yml')).toThrow("v.yml:1:20: unsupported vault cipher 'AES'")
    expect(() => decryptVaultText('$ANSIBLE_VAULT;1.1;AES256\n', s, 'v.yml')).toThrow('v.yml:2:1: vault payload is empty')
    const truncated = ANSIBLE_11.split('\n').slice(0, 3).join('\n')
    expect(() => decryptVaultText(truncated, s, 'v.yml')).toThrow('v.yml:2:1: vault payload holds 2 fields')
    expect(() => decryptVaultText(`${ANSIBLE_11.slice(0, -2)}\n`, s, 'v.yml')).toThrow('v.yml:6:1: vault payload has an odd number of hex digits')
    expect(() => decryptVaultText('db: 1\n', s, 'v.yml')).toThrow('v.yml:1:1: not vault encrypted data')
  })

  it('places errors in an inline !vault scalar at the scalar’s own lines and indentation', () => {
    const bad = ANSIBLE_12.replace('3862666430383834', '38626664303838 4')
    expect(() => decryptVaultScalar(bad, secrets(['prod', 'secret2']), { file: 'host_vars/a.yml', line: 8, col: 11 }))
      .toThrow('host_vars/a.yml:10:25: vault payload: " " is not a hexadecimal digit')
    expect(decryptVaultScalar(ANSIBLE_12, secrets(['prod', 'secret2']))).toBe('token: abc\n')
  })

  it('decrypts a !vault scalar of a parsed document and locates faults in it', () => {
    const indented = (vault: string): string => vault.trimEnd().split('\n').map((l) => `    ${l}`).join('\n')
    const text = `---\nuser: admin\npassword: !vault |\n${indented(ANSIBLE_12)}\nbroken: !vault-encrypted |\n${indented(ANSIBLE_12.replace('32393633', '3239g633'))}\n`
    const lines = new LineCounter()
    const doc = parseDocument(text, { lineCounter: lines, customTags: [...VAULT_YAML_TAGS] })
    const s = secrets(['prod', 'secret2'])
    const password = doc.get('password', true)
    expect(isVaultNode(password) && decryptVaultNode(password, text, lines, 'h.yml', s)).toBe('token: abc\n')
    const broken = doc.get('broken', true)
    expect(isVaultNode(broken)).toBe(true)
    expect(() => decryptVaultNode(broken as Scalar<string>, text, lines, 'h.yml', s)).toThrow('h.yml:14:9: vault payload: "g" is not a hexadecimal digit')
    expect(isVaultNode(doc.get('user', true))).toBe(false)
  })

  it('never shows a password when a secret is printed', () => {
    const secret = new VaultSecret('prod', 'hunter2', 'file /etc/pw')
    expect(`${secret} ${JSON.stringify({ secret })}`).not.toContain('hunter2')
    expect(String(secret)).toBe('VaultSecret(prod from file /etc/pw)')
    expect(() => new VaultSecret('x', '')).toThrow("empty vault password for vault id 'x'")
  })
})
