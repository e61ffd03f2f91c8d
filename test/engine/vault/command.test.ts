// `tsplay vault` against `ansible-vault` on the same command lines: output layout, stderr, exit codes.
import { lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ansibleVault, tsplayVault, workspace } from './ansible.js'

let dir = ''
let remove = (): void => undefined
beforeEach(() => ({ dir, remove } = workspace()))
afterEach(() => remove())

const file = (name: string, content: string): string => (writeFileSync(join(dir, name), content), join(dir, name))
const read = (name: string): string => readFileSync(join(dir, name), 'utf8')
/** Output with the random hex lines replaced, so two encryptions of the same input compare equal. */
const shape = (text: string): string => text.replace(/^( *)[0-9a-f]{2,80}$/gm, '$1HEX')

describe('tsplay vault prints what ansible-vault prints', { timeout: 120_000 }, () => {
  it('encrypt_string: the !vault | blocks, delimiters and name warnings', async () => {
    for (const argv of [
      ['encrypt_string', '--vault-password-file', 'pw1', 'hello'],
      ['encrypt_string', '--vault-id', 'dev@pw1', '-n', 'db_password', 'hunter2'],
      ['encrypt_string', '--vault-id', 'dev@pw1', '--vault-id', 'ops@pw2', '--encrypt-vault-id', 'ops', '--name', 'a', 'x', 'y', 'z'],
      ['encrypt_string', '--vault-password-file', 'pw1', '--stdin-name', 'from_stdin', 'arg'],
      ['encrypt_string', '--vault-password-file=pw1', '-nfirst', '--name=second', 'one', '-', '--', '-dash', 'extra'],
    ]) {
      const input = 'piped text\n'
      const [theirs, ours] = await Promise.all([ansibleVault(argv, dir, { input }), tsplayVault(argv, dir, { input })])
      expect(ours.code, argv.join(' ')).toBe(theirs.code)
      expect(shape(ours.stdout), argv.join(' ')).toBe(shape(theirs.stdout))
      expect(ours.stderr, argv.join(' ')).toBe(theirs.stderr)
    }
  })

  it('encrypt and decrypt through stdin and stdout (-)', async () => {
    const encrypted = await tsplayVault(['encrypt', '--vault-password-file', 'pw1', '--output', '-'], dir, { input: 'from stdin\n' })
    const reference = await ansibleVault(['encrypt', '--vault-password-file', 'pw1', '--output', '-'], dir, { input: 'from stdin\n' })
    expect(shape(encrypted.stdout)).toBe(shape(reference.stdout))
    const decrypted = await ansibleVault(['decrypt', '--vault-password-file', 'pw1', '-'], dir, { input: encrypted.stdout })
    expect(decrypted).toMatchObject({ code: 0, stdout: 'from stdin\n', stderr: '' })
    expect(await tsplayVault(['decrypt', '--vault-password-file', 'pw1'], dir, { input: reference.stdout })).toMatchObject({ code: 0, stdout: 'from stdin\n' })
    file('out-src', reference.stdout)
    expect((await tsplayVault(['decrypt', '--vault-password-file', 'pw1', 'out-src', '--output', 'plain.txt'], dir)).code).toBe(0)
    expect(read('plain.txt')).toBe('from stdin\n')
  })

  it('view adds a final newline; decrypt keeps the bytes exactly', async () => {
    const made = await ansibleVault(['encrypt', '--vault-password-file', 'pw1'], dir, { input: 'no newline' })
    file('v', made.stdout)
    expect((await tsplayVault(['view', '--vault-password-file', 'pw1', 'v'], dir)).stdout).toBe('no newline\n')
    expect((await tsplayVault(['decrypt', '--vault-password-file', 'pw1', 'v', '--output', '-'], dir)).stdout).toBe('no newline')
  })

  it('says "Encryption successful" and friends only when stdout is a terminal', async () => {
    file('t', 't\n')
    const tty = await tsplayVault(['encrypt', '--vault-password-file', 'pw1', 't'], dir, { tty: true })
    expect(tty.stderr).toBe('Encryption successful\n')
    expect((await tsplayVault(['decrypt', '--vault-password-file', 'pw1', 't'], dir, { tty: true })).stderr).toBe('Decryption successful\n')
    expect((await tsplayVault(['encrypt', '--vault-password-file', 'pw1', 't'], dir)).stderr).toBe('')
  })

  it('prompts for a new password twice when encrypting with --ask-vault-pass', async () => {
    file('p', 'p\n')
    const ran = await tsplayVault(['encrypt', '--ask-vault-pass', 'p'], dir, { answers: ['typed', 'typed'] })
    expect(ran.prompts).toEqual(['New Vault password: ', 'Confirm New Vault password: '])
    file('typed-pw', 'typed\n')
    expect(await ansibleVault(['view', '--vault-password-file', 'typed-pw', 'p'], dir)).toMatchObject({ code: 0, stdout: 'p\n' })
    const view = await tsplayVault(['view', 'p'], dir, { answers: ['typed'] })
    expect(view).toMatchObject({ code: 0, stdout: 'p\n', prompts: ['Vault password: '] })
  })

  it('writes atomically, follows symlinks, and leaves no temporary file', async () => {
    file('target.yml', 'secret: 1\n')
    symlinkSync('target.yml', join(dir, 'link.yml'))
    expect((await tsplayVault(['encrypt', '--vault-password-file', 'pw1', 'link.yml'], dir)).code).toBe(0)
    expect(lstatSync(join(dir, 'link.yml')).isSymbolicLink()).toBe(true)
    expect(read('target.yml')).toMatch(/^\$ANSIBLE_VAULT;1\.1;AES256\n/)
    const failed = await tsplayVault(['decrypt', '--vault-password-file', 'pw1', 'target.yml', '--output', 'no/such/dir/out'], dir)
    expect(failed).toMatchObject({ code: 1, stderr: `tsplay vault: ${join(dir, 'no/such/dir/out')}: cannot write: ENOENT\n` })
    expect(read('target.yml')).toMatch(/^\$ANSIBLE_VAULT/)
    expect(readdirSync(dir).filter((f) => f.includes('tsplay-vault'))).toEqual([])
  })

  it('names the ids it tried on a wrong password and exits 1, as ansible-vault', async () => {
    file('w', 'w\n')
    expect((await ansibleVault(['encrypt', '--vault-id', 'prod@pw1', 'w'], dir)).code).toBe(0)
    const argv = ['view', '--vault-id', 'dev@pw2', '--vault-id', 'ops@pw2', 'w']
    const [theirs, ours] = await Promise.all([ansibleVault(argv, dir), tsplayVault(argv, dir)])
    expect(theirs.code).toBe(1)
    expect(ours).toMatchObject({ code: 1, stdout: '' })
    expect(ours.stderr).toBe(`tsplay vault: ${join(dir, 'w')}:1:1: cannot decrypt vault labelled 'prod': tried vault ids dev, ops (no secret was given for vault id 'prod')\n`)
  })

  it('exits with ansible-vault’s code for each failure', async () => {
    file('plain', 'x: 1\n')
    file('exists', 'x\n')
    const locked = await ansibleVault(['encrypt', '--vault-password-file', 'pw1', '--output', '-'], dir, { input: 'x\n' })
    file('locked', locked.stdout)
    const cases: string[][] = [
      ['view', '--vault-password-file', 'pw2', 'locked'],
      ['view', '--vault-password-file', 'pw1', 'plain'],
      ['view', '--vault-password-file', 'missing', 'locked'],
      ['encrypt', '--vault-password-file', 'pw1', 'locked'],
      ['encrypt', '--vault-id', 'a@pw1', '--vault-id', 'b@pw2', 'plain'],
      ['encrypt', '--vault-id', 'a@pw1', '--encrypt-vault-id', 'zz', 'plain'],
      ['encrypt', '--vault-id', 'a;b@pw1', 'plain'],
      ['decrypt', '--vault-password-file', 'pw1', '--output', 'o', 'locked', 'plain'],
      ['view', '--bogus', 'locked'],
      ['view', '--vault-password-file'],
      ['frobnicate'],
      ['view', '--ask-vault-pass', '--vault-password-file', 'pw1', 'locked'],
      ['rekey', '--new-vault-id', 'a@pw1', '--new-vault-password-file', 'pw2', 'locked'],
      ['create', '--vault-password-file', 'pw1', 'exists'],
      ['create', '--vault-password-file', 'pw1', 'a', 'b'],
      ['encrypt_string', '--vault-password-file', 'pw1', ''],
      ['encrypt_string', '--vault-password-file', 'pw1', '-p'],
      ['decrypt', '--vault-password-file', 'pw1', 'nonexistent'],
      [],
    ]
    const env = { EDITOR: 'true' }
    const runs = await Promise.all(cases.map(async (argv) => [argv, await ansibleVault(argv, dir, { env }), await tsplayVault(argv, dir, { env })] as const))
    for (const [argv, theirs, ours] of runs) {
      expect(`${argv.join(' ')} -> ${ours.code}`).toBe(`${argv.join(' ')} -> ${theirs.code}`)
      expect(ours.stderr, argv.join(' ')).toMatch(/^(\[WARNING\]: .*\n)*tsplay vault: /)
      expect(ours.stderr).not.toContain('    at ')
    }
    expect(runs.map(([, theirs]) => theirs.code)).toEqual([1, 1, 1, 1, 5, 1, 5, 5, 2, 2, 2, 2, 2, 1, 5, 5, 5, 1, 2])
    expect(read('locked')).toBe(locked.stdout)
  })
})
