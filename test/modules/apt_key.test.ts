import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { apt_key, parseKeyIds, splitKeyId } from '../../modules/apt_key.js'
import { makeContext } from '../helpers/module-context.js'

const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/output/apt_key', name), 'utf8')

describe('apt_key parsing', () => {
  it('reads key ids from apt-key listings and gpg --with-colons', () => {
    expect(parseKeyIds(fixture('list-public-keys.txt'))).toEqual(['884DEFCF83141CF8'])
    expect(parseKeyIds(fixture('gpg-with-colons.txt'))).toEqual(['884DEFCF83141CF8'])
    expect(parseKeyIds('pub   rsa4096/AAAABBBBCCCCDDDD 2015-01-01 [SC] [expired: 2020-01-01]\n')).toEqual([])
  })

  it('splits ids as Ansible: short, 16-digit, whole', () => {
    expect(splitKeyId('0xcc281ef8716b62efa18133d9884defcf83141cf8')).toEqual(['83141CF8', '884DEFCF83141CF8', 'CC281EF8716B62EFA18133D9884DEFCF83141CF8'])
    expect(() => splitKeyId('12345')).toThrow('Invalid key_id')
  })

  it('refuses conflicting sources and a keyserver without id', () => {
    expect(apt_key.args.safeParse({ url: 'http://x', data: 'y' }).error?.issues[0]?.message).toBe('parameters are mutually exclusive: data|url')
    expect(apt_key.args.safeParse({ keyserver: 'keyserver.ubuntu.com' }).error?.issues[0]?.message).toBe('Missing key_id, required with keyserver.')
  })
})

// Real apt-key and gpg on this machine, always with a throwaway keyring (the system's trust is never touched).
describe.runIf(existsSync('/usr/bin/apt-key') && existsSync('/usr/bin/gpg'))('apt_key with a throwaway keyring', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-aptkey-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('adds a key from data, re-applies with no change, predicts in check mode, removes it', async () => {
    const env = { ...process.env, GNUPGHOME: join(dir, 'gnupg') }
    execFileSync('mkdir', ['-m', '0700', '-p', env.GNUPGHOME])
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'tsplay test <t@example.invalid>', 'ed25519', 'sign', 'never'], { env, stdio: 'pipe' })
    const data = execFileSync('gpg', ['--armor', '--export', 't@example.invalid'], { env, encoding: 'utf8' })
    const keyring = join(dir, 'test.gpg')
    const conn = connectLocal('controller')
    const run = (args: Record<string, unknown>, check = false) => runModule(apt_key, makeContext({ conn, check }), apt_key.args.parse({ keyring, ...args }))

    const predicted = await run({ data }, true)
    expect(predicted).toMatchObject({ status: 'changed', changes: [expect.stringMatching(/^add key [0-9A-F]{16} to /)] })
    expect(existsSync(keyring)).toBe(false)
    const added = await run({ data })
    expect(added).toMatchObject({ status: 'changed', changes: predicted.changes })
    const id = added.values.key_id as string
    expect(await run({ data })).toMatchObject({ status: 'ok' })
    expect(await run({ id, state: 'absent' }, true)).toMatchObject({ status: 'changed', changes: [`remove key ${id} from ${keyring}`] })
    expect(await run({ id, state: 'absent' })).toMatchObject({ status: 'changed' })
    expect(await run({ id, state: 'absent' })).toMatchObject({ status: 'ok' })
    expect(await run({ file: join(dir, 'missing.asc') })).toMatchObject({ status: 'failed', msg: `Unable to extract key from '${join(dir, 'missing.asc')}'` })
  })
})
