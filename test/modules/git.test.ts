import { describe, expect, it } from 'vitest'
import { git, type GitState, planGit } from '../../modules/git.js'

const HEAD = 'a'.repeat(40)
const DEV = 'b'.repeat(40)
const TAG = 'c'.repeat(40)
const PEELED = 'd'.repeat(40)
const refs = new Map([['HEAD', HEAD], ['refs/heads/main', HEAD], ['refs/heads/dev', DEV], ['refs/tags/v2', TAG], ['refs/tags/v2^{}', PEELED]])
const fresh: GitState = { git: true, repo: false, mods: false, localBranch: false, refs }
const checkout = (over: Partial<GitState>): GitState => ({ ...fresh, repo: true, before: HEAD, url: 'file:///srv/src', headBranch: 'main', ...over })
const args = (a: Record<string, unknown>) => git.args.parse({ repo: '/srv/src', dest: '/srv/w', ...a })

describe('git plan', () => {
  it('clones into an empty dest: the remote HEAD, a branch, a peeled tag, a commit as given', () => {
    expect(planGit(args({}), fresh, false).values).toEqual({ before: null, after: HEAD })
    expect(planGit(args({ version: 'dev' }), fresh, false).values).toEqual({ before: null, after: DEV })
    expect(planGit(args({ version: 'v2' }), fresh, false).values).toEqual({ before: null, after: PEELED })
    expect(planGit(args({ version: 'abc123' }), fresh, true).values).toEqual({ before: null, after: 'abc123' })
    expect(planGit(args({}), fresh, false).diff).toEqual([{ before: '', after: '', prepared: `>> Newly checked out ${HEAD}` }])
  })

  it('changes nothing when the checkout is at the remote revision with the same URL', () => {
    const plan = planGit(args({}), checkout({}), false)
    expect(plan.changes).toEqual([])
    expect(plan.values).toEqual({ before: HEAD, after: HEAD, remote_url_changed: false })
  })

  it('updates a checkout that is behind or whose remote moved, and resolves an abbreviated commit locally', () => {
    expect(planGit(args({ version: 'dev' }), checkout({}), false).changes.map((c) => c.kind)).toEqual(['update'])
    expect(planGit(args({}), checkout({ url: '/elsewhere' }), true).values).toMatchObject({ remote_url_changed: true })
    expect(planGit(args({ version: 'aaaa' }), checkout({ localVersion: HEAD }), false).changes).toEqual([])
  })

  it('fails on local modifications unless force, as ansible', () => {
    expect(() => planGit(args({}), checkout({ mods: true }), false)).toThrow('Local modifications exist in the destination: /srv/w (force=no).')
    expect(planGit(args({ force: true }), checkout({ mods: true }), false).values).toMatchObject({ msg: 'Local modifications exist in the destination: /srv/w' })
  })

  it('reports without cloning with clone=no, and leaves a checkout alone with update=no', () => {
    expect(planGit(args({ dest: undefined, clone: false }), fresh, false).changes.map((c) => c.kind)).toEqual(['none'])
    expect(planGit(args({ update: false, version: 'dev' }), checkout({}), false)).toMatchObject({ changes: [], values: { before: HEAD, after: HEAD } })
    expect(() => planGit(args({ dest: undefined }), fresh, false)).toThrow('the destination directory must be specified unless clone=no')
  })

  it('accepts name as an alias of repo and never takes an option-like version, remote or refspec', () => {
    expect(git.args.parse({ name: '/srv/src', dest: '/srv/w' }).repo).toBe('/srv/src')
    for (const key of ['version', 'remote', 'refspec']) expect(git.args.safeParse({ repo: '/srv/src', dest: '/srv/w', [key]: '--upload-pack=touch /tmp/x' }).success).toBe(false)
  })
})
