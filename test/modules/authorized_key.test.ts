import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { authorized_key, parseGathered, planAuthorizedKey, type AuthorizedKeyState } from '../../modules/authorized_key.js'
import { editKeyFile, parseOptions, type KeyRequest } from '../../modules/lib/authorized-keys.js'
import { makeContext } from '../helpers/module-context.js'

interface Case extends Partial<KeyRequest> {
  readonly existing: string
  readonly key: string
}

// The module's own functions decide the edit: check mode with a path needs no user and writes nothing.
const ORACLE = `
import json, sys, tempfile, os
from ansible_collections.ansible.posix.plugins.modules import authorized_key as ak
class Fail(Exception): pass
class M:
    check_mode = True
    _diff = True
    def fail_json(self, msg, **kw): raise Fail(msg)
out = []
for case in json.load(sys.stdin):
    fd, p = tempfile.mkstemp(); os.write(fd, case['existing'].encode()); os.close(fd)
    params = dict(user='nobody', key=case['key'], path=p, manage_dir=True, state=case.get('state', 'present'),
                  key_options=case.get('key_options'), exclusive=case.get('exclusive', False), comment=case.get('comment'), follow=False)
    try:
        r = ak.enforce_state(M(), params)
        out.append({'after': r['diff']['after'] if r.get('changed') else None})
    except Fail as e:
        out.append({'error': str(e)})
    except IndexError:
        out.append({'error': 'crash'})
    os.unlink(p)
print(json.dumps(out))
`

/** What ansible's authorized_key makes of each case: the new file text, null for no change, or its error. */
function ansibleEdits(cases: readonly Case[]): Array<{ after?: string | null; error?: string }> {
  const stdout = execFileSync('python3', ['-c', ORACLE], { input: JSON.stringify(cases), env: { ...process.env, PYTHONPATH: '/usr/lib/python3/dist-packages' } })
  return JSON.parse(stdout.toString()) as Array<{ after?: string | null; error?: string }>
}

const tsplayEdit = (c: Case): { after?: string | null; error?: string } => {
  try {
    return { after: editKeyFile(c.existing, { state: 'present', exclusive: false, ...c }) }
  } catch (error) {
    return { error: (error as Error).message }
  }
}

const A = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA1 alice@laptop'
const B = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQB2 bob@ci'
const C = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAI3'

const CASES: Case[] = [
  { existing: '', key: A },
  { existing: `${A}\n`, key: A },
  { existing: `${A}\n`, key: `${A}  ` },
  { existing: `${A}`, key: A },
  { existing: `${A}\n${B}\n`, key: A, comment: 'new comment' },
  { existing: `${A}\n${B}\n`, key: A, key_options: 'no-pty,from="10.0.0.1,10.0.0.2"' },
  { existing: `no-pty,from="10.0.0.1" ${A}\n`, key: A, key_options: 'from="10.0.0.1",no-pty' },
  { existing: `command="echo  hi" ${A}\n`, key: `command="echo  hi" ${A}` },
  { existing: `permitopen="a:1",permitopen="b:2" ${A}\n`, key: `permitopen="b:2",permitopen="a:1" ${A}` },
  { existing: `${A}\n${B}\n`, key: `${C}\n${A}\n# a comment\n\n${B} other` },
  { existing: `# keys\n\n\n${A}\n\n${B}\n`, key: C },
  { existing: `# keys\n${A}\n${B}\n`, key: B, state: 'absent' },
  { existing: `${A}\n`, key: B, state: 'absent' },
  { existing: `${A}\n# keys\n${B}\n${C} x\n`, key: `${C} y`, exclusive: true },
  { existing: `${A}\n${A} again\n`, key: B },
  { existing: `${C}\n`, key: C },
  { existing: 'garbage line\n', key: A },
  { existing: '', key: 'not a key' },
  { existing: '', key: 'ssh-rsa' },
  { existing: `\\# escaped\n${A}\r\n`, key: B },
  { existing: '', key: `${A}\n${A}` },
  { existing: `${B}\n`, key: `  # indented\n${A}` },
  { existing: `no-agent-forwarding ${A}\n`, key: A, key_options: 'a,,b' },
]

describe('authorized_key edit, against ansible.posix.authorized_key', () => {
  let expected: Array<{ after?: string | null; error?: string }> = []
  beforeAll(() => {
    expected = ansibleEdits(CASES)
  })
  it.each(CASES.map((c, i) => [i, c] as const))('case %i', (i, c) => {
    const want = expected[i]!
    if (want.error === undefined) expect(tsplayEdit(c)).toEqual({ after: want.after })
    // ansible crashes on a key type without a key; tsplay says the key is invalid
    else if (want.error === 'crash') expect(tsplayEdit(c).error).toBe(`invalid key specified: ${c.key}`)
    else expect(tsplayEdit(c).error).toBe(want.error)
  })

  it('splits options at commas outside quotes, as ansible', () => {
    expect(parseOptions('no-pty,from="a,b",command=\'x,y\'')).toEqual([['no-pty', null], ['from', '"a,b"'], ['command', "'x,y'"]])
    expect(parseOptions('')).toEqual([])
  })
})

const state = (over: Partial<AuthorizedKeyState> = {}): AuthorizedKeyState => ({
  passwd: { name: 'deploy', uid: 1001, gid: 1002, comment: '', home: '/home/deploy', shell: '/bin/sh' },
  keyfile: '/home/deploy/.ssh/authorized_keys',
  target: '/home/deploy/.ssh/authorized_keys',
  content: '',
  pathInfo: {},
  ...over,
})
const parse = (a: Record<string, unknown>) => authorized_key.args.parse({ user: 'deploy', key: A, ...a })

describe('authorized_key plan', () => {
  it('reads the gather output, content byte for byte after its marker', () => {
    const s = parseGathered(`--tsplay-pw--\ndeploy:x:1001:1002::/home/deploy:/bin/sh\n--tsplay-file--\n/k\n/real/k\n--tsplay-authkeys--\n${A}\n\n--tsplay-pw--\n`)
    expect(s).toEqual({ passwd: { name: 'deploy', uid: 1001, gid: 1002, comment: '', home: '/home/deploy', shell: '/bin/sh' }, keyfile: '/k', target: '/real/k', content: `${A}\n\n--tsplay-pw--\n` })
    expect(parseGathered('--tsplay-pw--\n--tsplay-file--\n/k\n/k\n--tsplay-authkeys--\n').passwd).toBeUndefined()
  })

  it('returns the arguments and keyfile as ansible, a diff naming both paths, and the owner for the write', () => {
    const plan = planAuthorizedKey(parse({}), state({ target: '/srv/keys' }), false)
    expect(plan.values).toEqual({ user: 'deploy', key: A, path: null, manage_dir: true, state: 'present', key_options: null, exclusive: false, comment: null, validate_certs: true, follow: false, keyfile: '/home/deploy/.ssh/authorized_keys' })
    expect(plan.diff).toEqual([{ before: '', after: `${A}\n`, beforeHeader: '/home/deploy/.ssh/authorized_keys', afterHeader: '/srv/keys' }])
    expect(plan.changes).toMatchObject([{ target: '/srv/keys', sshdir: '/home/deploy/.ssh', uid: 1001, gid: 1002 }])
    expect(planAuthorizedKey(parse({ path: '/etc/ssh/keys/deploy', manage_dir: false }), state(), false).changes).toMatchObject([{ sshdir: undefined }])
    expect(planAuthorizedKey(parse({}), state({ content: `${A}\n` }), false).changes).toEqual([])
    // ansible's exit_json describes a given path, its state overwriting the argument's
    expect(planAuthorizedKey(parse({ path: '/k' }), state({ content: `${A}\n`, pathInfo: { state: 'file', mode: '0600' } }), false).values).toMatchObject({ state: 'file', mode: '0600', path: '/k' })
  })

  it('fails as ansible for an unknown user, except in check mode with a path', () => {
    const none = state({ passwd: undefined })
    expect(() => planAuthorizedKey(parse({}), none, false)).toThrow(`Failed to lookup user deploy: "getpwnam(): name not found: 'deploy'"`)
    expect(() => planAuthorizedKey(parse({}), none, true)).toThrow('Either user must exist or you must provide full path to key file in check mode')
    expect(planAuthorizedKey(parse({ path: '/k' }), none, true).changes).toHaveLength(1)
    expect(() => planAuthorizedKey(parse({ key: 'https://github.com/deploy.keys' }), state(), false)).toThrow('not a URL')
  })

  it('refuses unknown arguments', () => {
    expect(authorized_key.args.safeParse({ user: 'u', key: A, keys: A }).success).toBe(false)
  })
})

describe('authorized_key on this machine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-authkey-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const run = (a: Record<string, unknown>, check = false) => runModule(authorized_key, makeContext({ conn: connectLocal('local'), check, diff: true }), authorized_key.args.parse({ user: userInfo().username, ...a }))

  it('creates the directory 0700 and the file 0600, then changes nothing', async () => {
    const path = join(dir, '.ssh', 'authorized_keys')
    expect((await run({ key: A, path }, true)).status).toBe('changed')
    expect(() => statSync(path)).toThrow()
    const first = await run({ key: `${A}\n${B}`, path })
    expect(first.status).toBe('changed')
    expect(readFileSync(path, 'utf8')).toBe(`${A}\n${B}\n`)
    expect(statSync(join(dir, '.ssh')).mode & 0o777).toBe(0o700)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect((await run({ key: B, path })).status).toBe('ok')
    expect((await run({ key: B, path, state: 'absent' })).status).toBe('changed')
    expect(readFileSync(path, 'utf8')).toBe(`${A}\n`)
  })

  it('replaces a symlink unless follow, then writes through it', async () => {
    const real = join(dir, 'real_keys')
    writeFileSync(real, `${B}\n`)
    const link = join(dir, 'link_keys')
    symlinkSync(real, link)
    const followed = await run({ key: A, path: link, follow: true, manage_dir: false })
    expect(followed.diff).toMatchObject([{ beforeHeader: link, afterHeader: real }])
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(readFileSync(real, 'utf8')).toBe(`${B}\n${A}\n`)
    await run({ key: C, path: link, manage_dir: false })
    expect(lstatSync(link).isSymbolicLink()).toBe(false)
    expect(readFileSync(real, 'utf8')).toBe(`${B}\n${A}\n`)
  })
})
