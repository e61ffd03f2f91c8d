// user's expires and generate_ssh_key: the plan against shadow expiry days and probed keys, the gather script, and
// the key generation run for real on this machine (absolute key path, hostile comment and passphrase as data).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type Command, type Connection, connectLocal, type ExecResult } from '../../engine/connection/index.js'
import { parseGroups, parsePasswd } from '../../modules/lib/getent.js'
import { parseSshKey, sshKeyGenerate, type SshKeyState } from '../../modules/lib/user-sshkey.js'
import { parseUserState, planUser, user, type UserState } from '../../modules/user.js'
import { makeContext } from '../helpers/module-context.js'

const passwdText = 'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n'
const state = (extra: Partial<UserState> = {}): UserState => ({ user: parsePasswd(passwdText)[0]!, groups: parseGroups('alice:x:1000:\n'), hash: null, ...extra })
const plan = (args: Record<string, unknown>, s: UserState, check = false) => planUser(user.args.parse({ name: 'alice', ...args }), s, check)
const flags = (args: Record<string, unknown>, s: UserState): readonly string[] => plan(args, s).changes[0]?.flags ?? []
const JAN_1_2030 = 1893456000
const key = (extra: Partial<SshKeyState> = {}): SshKeyState => ({ path: '/home/alice/.ssh/id_rsa', homeExists: true, key: false, pub: false, fingerprint: '', publicKey: null, ...extra })

describe('user expires', () => {
  it('gives useradd the UTC day, or an empty -e for a negative time', () => {
    expect(flags({ expires: JAN_1_2030 + 86399.9 }, state({ user: null }))).toEqual(['-e', '2030-01-01', '-m'])
    expect(flags({ expires: -1 }, state({ user: null }))).toEqual(['-e', '', '-m'])
  })

  it('changes an expiry only when the day differs, and removes one only when set, as Ansible', () => {
    expect(plan({ expires: JAN_1_2030 + 3600 }, state({ expire: 21915 })).changes).toEqual([])
    expect(plan({ expires: JAN_1_2030 }, state({ expire: 21701 })).changes[0]).toMatchObject({ flags: ['-e', '2030-01-01'], summary: 'change user alice: expires 2029-06-01 → 2030-01-01' })
    expect(flags({ expires: JAN_1_2030 }, state({ expire: -1 }))).toEqual(['-e', '2030-01-01'])
    expect(plan({ expires: -1 }, state({ expire: -1 })).changes).toEqual([])
    expect(plan({ expires: -1 }, state({ expire: 21701 })).changes[0]).toMatchObject({ flags: ['-e', ''], summary: 'change user alice: expires 2029-06-01 → never' })
  })

  it('reads the shadow expiry field, empty meaning never', () => {
    const head = `--tsplay-passwd--\n${passwdText}--tsplay-groups--\nalice:x:1000:\n`
    expect(parseUserState(`${head}--tsplay-expire--\n21915\n`, 'alice').expire).toBe(21915)
    expect(parseUserState(`${head}--tsplay-expire--\n\n`, 'alice').expire).toBe(-1)
    expect(parseUserState(head, 'alice').expire).toBeUndefined()
  })

  it('reads shadow hash, expiry and key in the one gather command, as commands and not as quoted words', async () => {
    const commands: string[] = []
    const conn: Connection = { host: 'fake', with: () => conn, exec: async (command: Command): Promise<ExecResult> => (commands.push(command), { command, stdout: '', stderr: '', exitCode: 0 }) } as unknown as Connection
    await user.gather(makeContext({ conn }), user.args.parse({ name: 'alice', password: '$6$x', expires: 1, generate_ssh_key: true }))
    expect(commands).toHaveLength(1)
    expect(commands[0]).toContain("\necho --tsplay-shadow--; getent shadow -- alice | cut -d: -f2\n")
    expect(commands[0]).toContain("\necho --tsplay-expire--; getent shadow -- alice | cut -d: -f8\n")
    expect(commands[0]).toContain('\necho --tsplay-sshkey--\nh=$(getent passwd -- alice | cut -d: -f6); f="$h"/.ssh/id_rsa\n')
  })
})

describe('user generate_ssh_key', () => {
  it('reads the probed key: path, presence, fingerprint and public key', () => {
    const out = '--tsplay-sshkey--\n/home/alice/.ssh/id_rsa\nhome\nkey\npub\n--tsplay-sshfp--\n3072 SHA256:abc x (RSA)\n--tsplay-sshpub--\nssh-rsa AAA x\n'
    expect(parseSshKey(out)).toEqual(key({ key: true, pub: true, fingerprint: '3072 SHA256:abc x (RSA)', publicKey: 'ssh-rsa AAA x' }))
    expect(parseSshKey('--tsplay-sshkey--\n/k\nnohome\nnokey\nnopub\n--tsplay-sshfp--\n--tsplay-sshpub--\n@tsplay-nopub@\n')).toEqual(key({ path: '/k', homeExists: false }))
  })

  it('generates a key only when neither the key nor its .pub exists, or with force, and returns what is there', () => {
    expect(plan({ generate_ssh_key: true }, state({ sshKey: key() })).changes.map((c) => c.summary)).toEqual(['generate the SSH key /home/alice/.ssh/id_rsa'])
    const existing = key({ key: true, pub: true, fingerprint: '256 SHA256:abc x (ED25519)', publicKey: 'ssh-ed25519 AAA x' })
    expect(plan({ generate_ssh_key: true }, state({ sshKey: existing }))).toMatchObject({ changes: [], values: { ssh_fingerprint: '256 SHA256:abc x (ED25519)', ssh_key_file: '/home/alice/.ssh/id_rsa', ssh_public_key: 'ssh-ed25519 AAA x' } })
    expect(plan({ generate_ssh_key: true }, state({ sshKey: key({ pub: true }) })).changes).toEqual([])
    expect(plan({ generate_ssh_key: true, force: true }, state({ sshKey: existing })).changes.map((c) => c.summary)).toEqual(['replace the SSH key /home/alice/.ssh/id_rsa'])
    expect(plan({ generate_ssh_key: true }, state({ user: null })).changes.map((c) => c.kind)).toEqual(['useradd', 'ssh-keygen'])
  })

  it('fails without a home for a relative key path, except in check mode', () => {
    expect(() => plan({ generate_ssh_key: true }, state({ sshKey: key({ homeExists: false }) }))).toThrow('User alice home directory does not exist')
    expect(plan({ generate_ssh_key: true }, state({ sshKey: key({ homeExists: false }) }), true).changes).toHaveLength(1)
  })

  it('makes the key with the comment and passphrase as data, the directory 0700, and reports it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-sshkey-'))
    const owner = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim()
    const hostile = "a 'b' $(touch pwned) `id`; -x"
    const args = { name: owner, ssh_key_bits: 0, ssh_key_type: 'ed25519', ssh_key_file: join(dir, 'sub/key'), ssh_key_comment: hostile, ssh_key_passphrase: "p 'w' $(x)", force: false }
    const result = await connectLocal('local').exec(sshKeyGenerate(args))
    const made = parseSshKey(result.stdout)
    expect(made).toMatchObject({ path: join(dir, 'sub/key'), key: true, pub: true })
    expect(made.fingerprint).toMatch(new RegExp(`^256 SHA256:\\S+ ${hostile.replace(/[$()`'.;]/g, '\\$&')} \\(ED25519\\)$`))
    expect(made.publicKey).toBe(readFileSync(join(dir, 'sub/key.pub'), 'utf8').trim())
    expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700)
    expect(() => execFileSync('ssh-keygen', ['-y', '-P', '', '-f', join(dir, 'sub/key')], { stdio: 'pipe' })).toThrow()
    expect(execFileSync('ssh-keygen', ['-y', '-P', "p 'w' $(x)", '-f', join(dir, 'sub/key')], { encoding: 'utf8' })).toMatch(/^ssh-ed25519 /)
    expect(() => statSync('pwned')).toThrow()
  })
})
