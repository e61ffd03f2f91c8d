import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { deb822_repository, renderSources, repoSlug } from '../../modules/deb822_repository.js'
import { makeContext } from '../helpers/module-context.js'

const parse = (args: Record<string, unknown>) => deb822_repository.args.parse(args)
const none = { asc: null, gpg: null }
const ctx = makeContext({ conn: connectLocal('controller') })

describe('deb822_repository', () => {
  it('derives the file name from the name as Ansible does', () => {
    expect(repoSlug('Docker CE_stable!')).toBe('docker-ce-stable')
  })

  it('renders fields in Ansible order with its names, booleans and lists', () => {
    const a = parse({ name: 'debian', uris: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'], components: 'main,contrib', enabled: 'yes', date_max_future: '60' })
    expect(renderSources(a, '/usr/share/keyrings/debian-archive-keyring.gpg')).toBe(
      'Components: main contrib\nDate-Max-Future: 60\nEnabled: yes\nX-Repolib-Name: debian\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\nSuites: bookworm bookworm-updates\nTypes: deb\nURIs: http://deb.debian.org/debian\n')
  })

  it('indents an inline key, with "." for its blank lines', () => {
    const key = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEYCQjIxYJ\n-----END PGP PUBLIC KEY BLOCK-----\n'
    expect(renderSources(parse({ name: 'x', uris: 'http://x' }), key)).toBe(
      'X-Repolib-Name: x\nSigned-By:\n    -----BEGIN PGP PUBLIC KEY BLOCK-----\n    .\n    mDMEYCQjIxYJ\n    -----END PGP PUBLIC KEY BLOCK-----\nTypes: deb\nURIs: http://x\n')
  })

  it('plans the key file for a URL, the sources file, then nothing when both match', () => {
    const a = parse({ name: 'Example', uris: 'http://example.org/debian', suites: 'stable', components: 'main', signed_by: 'http://example.org/key.gpg' })
    const key = Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n-----END PGP PUBLIC KEY BLOCK-----\n')
    const fresh = deb822_repository.plan(a, { content: null, mode: null, keyIsFile: false, downloadedKey: key, keyrings: none }, ctx)
    expect(fresh.changes.map((c) => c.summary)).toEqual(['write the signing key /etc/apt/keyrings/example.asc', 'create /etc/apt/sources.list.d/example.sources'])
    expect(fresh.values).toMatchObject({ dest: '/etc/apt/sources.list.d/example.sources', key_filename: '/etc/apt/keyrings/example.asc' })
    const repo = fresh.values!.repo as string
    expect(repo).toContain('Signed-By: /etc/apt/keyrings/example.asc\n')
    expect(deb822_repository.plan(a, { content: repo, mode: '0644', keyIsFile: false, downloadedKey: key, keyrings: { asc: key, gpg: null } }, ctx).changes).toEqual([])
    expect(deb822_repository.plan(a, { content: repo, mode: '0600', keyIsFile: false, downloadedKey: key, keyrings: { asc: key, gpg: null } }, ctx).changes.map((c) => c.summary)).toEqual(['set mode of /etc/apt/sources.list.d/example.sources 0600 → 0644'])
  })

  it('removes the sources file and its keys with state absent', () => {
    const a = parse({ name: 'example', state: 'absent' })
    expect(deb822_repository.plan(a, { content: 'x', mode: '0644', keyIsFile: false, keyrings: { asc: null, gpg: Buffer.from('k') } }, ctx).changes.map((c) => c.summary)).toEqual(['remove /etc/apt/sources.list.d/example.sources', 'remove /etc/apt/keyrings/example.gpg'])
    expect(deb822_repository.plan(a, { content: null, mode: null, keyIsFile: false, keyrings: none }, ctx).changes).toEqual([])
  })

  it('reads the host in check mode without writing (this machine)', async () => {
    const result = await runModule(deb822_repository, makeContext({ conn: connectLocal('controller'), check: true }), parse({ name: 'tsplay-check-only', uris: 'file:///nonexistent', suites: './', signed_by: '/etc/hostname' }))
    expect(result).toMatchObject({ status: 'changed', changes: ['create /etc/apt/sources.list.d/tsplay-check-only.sources'], values: { key_filename: '/etc/hostname' } })
    expect(result.values.repo).toContain('Signed-By: /etc/hostname\n')
  })
})
