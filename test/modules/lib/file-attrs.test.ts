import { describe, expect, it } from 'vitest'
import { octal, planAttrs, resolveMode } from '../../../modules/lib/file-attrs.js'

describe('resolveMode, as Ansible computes modes', () => {
  it.each([
    ['0644', 0o755, false, '0644'],
    ['755', 0o644, false, '0755'],
    ['1777', 0o755, true, '1777'],
    ['u+x', 0o644, false, '0744'],
    ['u+x,g-r', 0o644, false, '0704'],
    ['u=rw,g=r,o=r', 0o777, false, '0644'],
    ['a+X', 0o644, false, '0644'],
    ['a+X', 0o644, true, '0755'],
    ['a+X', 0o744, false, '0755'],
    ['go-rwx', 0o755, false, '0700'],
    ['+x', 0o644, false, '0755'],
    ['+w', 0o644, false, '0644'],
    ['u+s', 0o755, false, '4755'],
    ['g+s', 0o755, true, '2755'],
    ['o+t', 0o777, true, '1777'],
    ['u=', 0o4755, false, '0055'],
    ['g=u', 0o740, false, '0770'],
    ['o=g', 0o750, false, '0755'],
  ])('%s on %s (dir %s) → %s', (mode, current, dir, expected) => {
    expect(octal(resolveMode(mode, current, dir, 0o022))).toBe(expected)
  })
})

describe('planAttrs', () => {
  const state = { path: '/p', exists: true, type: 'file' as const, mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root' }
  it('plans nothing when everything matches, by name or id', () => {
    expect(planAttrs({ mode: '0644', owner: 'root', group: '0' }, state, 0o022)).toEqual([])
    expect(planAttrs({ mode: 'u=rw,go=r' }, state, 0o022)).toEqual([])
  })
  it('plans each differing attribute with a summary', () => {
    expect(planAttrs({ mode: '0600', owner: 'nobody', group: 'root' }, state, 0o022).map((c) => c.summary)).toEqual([
      'set owner of /p root → nobody',
      'set mode of /p 0644 → 0600',
    ])
  })
})
