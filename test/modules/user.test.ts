import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseGroups, parsePasswd, splitSections } from '../../modules/lib/getent.js'
import { group, planGroup } from '../../modules/group.js'
import { parseUserState, planUser, user, type UserState } from '../../modules/user.js'

// Shaped like real `getent` output of a Debian host.
const groupText = 'root:x:0:\nsudo:x:27:alice\ndocker:x:998:alice,bob\netcd:x:997:\nalice:x:1000:\n'
const passwdText = 'alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n'
const state = (extra: Partial<UserState> = {}): UserState => ({ user: parsePasswd(passwdText)[0]!, groups: parseGroups(groupText), hash: '$6$old', ...extra })
const plan = (args: Record<string, unknown>, s: UserState) => planUser(user.args.parse(args), s)

describe('getent parsing', () => {
  it('reads passwd and group entries and gather sections', () => {
    expect(parsePasswd(passwdText)).toEqual([{ name: 'alice', uid: 1000, gid: 1000, comment: 'Alice,,,', home: '/home/alice', shell: '/bin/bash' }])
    expect(parseGroups(groupText)[2]).toEqual({ name: 'docker', gid: 998, members: ['alice', 'bob'] })
    expect(splitSections('--tsplay-a--\nx\ny\n--tsplay-b--\n')).toEqual(new Map([['a', 'x\ny'], ['b', '']]))
    const parsed = parseUserState(`--tsplay-passwd--\n${passwdText}--tsplay-groups--\n${groupText}--tsplay-shadow--\n$6$abc\n`, 'alice')
    expect(parsed).toMatchObject({ user: { uid: 1000 }, hash: '$6$abc' })
  })
})

describe('user plan', () => {
  it('adds a missing user with every requested attribute as separate words', () => {
    const planned = plan({ name: 'etcd', system: true, shell: '/usr/sbin/nologin', home: '/var/lib/etcd', create_home: false, group: 'etcd', groups: 'docker' }, state({ user: null }))
    expect(planned.changes).toEqual([{ kind: 'useradd', summary: 'add user etcd', flags: ['-g', 'etcd', '-G', 'docker', '-s', '/usr/sbin/nologin', '-d', '/var/lib/etcd', '-r', '-M'] }])
  })

  it('sets password ageing with chage, only the values that differ from the shadow entry', () => {
    const parsed = parseUserState(`--tsplay-passwd--\n${passwdText}--tsplay-groups--\n${groupText}--tsplay-aging--\n0:99999:7\n`, 'alice')
    expect(parsed.aging).toEqual([0, 99999, 7])
    expect(plan({ name: 'alice', password_expire_min: 0, password_expire_max: '90' }, parsed).changes).toEqual([{ kind: 'chage', summary: 'set password ageing of alice: -M 90', flags: ['-M', '90'] }])
    expect(plan({ name: 'alice', password_expire_min: 0, password_expire_max: 99999, password_expire_warn: 7 }, parsed).changes).toEqual([])
    expect(plan({ name: 'new', password_expire_max: 30 }, state({ user: null })).changes.map((c) => c.kind)).toEqual(['useradd', 'chage'])
  })

  it('changes only what differs, in one usermod', () => {
    expect(plan({ name: 'alice', shell: '/bin/bash', groups: ['sudo', 'docker'] }, state()).changes).toEqual([])
    const planned = plan({ name: 'alice', shell: '/bin/zsh', groups: ['sudo'], uid: 1001 }, state())
    expect(planned.changes[0]).toMatchObject({ kind: 'usermod', flags: ['-u', '1001', '-G', 'sudo', '-s', '/bin/zsh'], summary: 'change user alice: uid 1000 → 1001, groups sudo,docker → sudo, shell /bin/bash → /bin/zsh' })
    expect(plan({ name: 'alice', groups: ['sudo'], append: true }, state()).changes).toEqual([])
    expect(plan({ name: 'alice', groups: ['etcd'], append: true }, state()).changes[0]).toMatchObject({ flags: ['-a', '-G', 'etcd'] })
    expect(plan({ name: 'alice', password: '$6$new' }, state()).changes[0]).toMatchObject({ flags: ['-p', '$6$new'] })
    expect(plan({ name: 'alice', password: '$6$new', update_password: 'on_create' }, state()).changes).toEqual([])
  })

  it('removes users and fails on unknown groups like ansible-core', () => {
    expect(plan({ name: 'alice', state: 'absent', remove: true }, state()).changes[0]).toMatchObject({ kind: 'userdel', flags: ['-r'] })
    expect(plan({ name: 'ghost', state: 'absent' }, state({ user: null })).changes).toEqual([])
    expect(() => plan({ name: 'alice', groups: ['nope'] }, state())).toThrow('Group nope does not exist')
    expect(() => plan({ name: 'new', group: 'nope' }, state({ user: null }))).toThrow('Group nope does not exist')
    // In check mode a new user's groups may come from an earlier task that did not run.
    expect(planUser(user.args.parse({ name: 'new', group: 'nope' }), state({ user: null }), true).changes[0]).toMatchObject({ kind: 'useradd', flags: ['-g', 'nope', '-m'] })
    expect(user.args.safeParse({ name: '-o' }).success).toBe(false)
  })
})

describe('group plan', () => {
  const groups = parseGroups(groupText)
  const g = (args: Record<string, unknown>, name: string) => planGroup(group.args.parse(args), groups.find((x) => x.name === name) ?? null)
  it('adds, changes the gid of, and removes groups', () => {
    expect(g({ name: 'etcd' }, 'etcd').changes).toEqual([])
    expect(g({ name: 'etcd', gid: 997 }, 'etcd')).toMatchObject({ changes: [], values: { name: 'etcd', gid: 997, state: 'present', system: false } })
    expect(g({ name: 'etcd', gid: 500 }, 'etcd').changes.map((c) => c.summary)).toEqual(['change gid of etcd 997 → 500'])
    expect(g({ name: 'kube', system: true }, 'kube').changes.map((c) => c.summary)).toEqual(['add group kube'])
    expect(g({ name: 'docker', state: 'absent' }, 'docker').changes.map((c) => c.kind)).toEqual(['groupdel'])
    expect(g({ name: 'kube', state: 'absent' }, 'kube').changes).toEqual([])
  })
})

describe('getent on output captured from a lab host', () => {
  const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/output/user', name), 'utf8')
  it('reads every real entry', () => {
    const passwd = parsePasswd(fixture('getent-passwd.txt'))
    expect(passwd.find((u) => u.name === 'root')).toEqual({ name: 'root', uid: 0, gid: 0, comment: 'root', home: '/root', shell: '/bin/bash' })
    expect(passwd.every((u) => Number.isInteger(u.uid) && u.home.startsWith('/'))).toBe(true)
    const groups = parseGroups(fixture('getent-group.txt'))
    expect(groups.find((g) => g.name === 'sudo')).toMatchObject({ gid: 27 })
    expect(groups.length).toBe(fixture('getent-group.txt').trimEnd().split('\n').length)
  })
})
