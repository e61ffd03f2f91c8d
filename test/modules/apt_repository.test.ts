import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { apt_repository, parseSourceLine, suggestFilename } from '../../modules/apt_repository.js'
import { makeContext } from '../helpers/module-context.js'

const ctx = makeContext({ conn: connectLocal('controller') })
const parse = (args: Record<string, unknown>) => apt_repository.args.parse(args)
const plan = (args: Record<string, unknown>, files: Record<string, string>) => apt_repository.plan(parse(args), new Map(Object.entries(files)), ctx)

describe('apt_repository', () => {
  it('parses lines as Ansible: disabled, comments, collapsed whitespace', () => {
    expect(parseSourceLine('deb   http://x  bookworm main # note')).toEqual({ valid: true, enabled: true, source: 'deb http://x bookworm main', comment: 'note' })
    expect(parseSourceLine('#deb-src http://x bookworm main')).toMatchObject({ valid: true, enabled: false })
    expect(parseSourceLine('# just words')).toMatchObject({ valid: false, enabled: false, source: 'just words' })
  })

  it('suggests the file name Ansible does', () => {
    expect(suggestFilename('deb http://dl.google.com/linux/chrome/deb/ stable main', undefined)).toBe('dl_google_com_linux_chrome_deb.list')
    expect(suggestFilename('deb [arch=amd64 signed-by=/k.gpg] https://user:pw@download.docker.com/linux/debian bookworm stable', undefined)).toBe('download_docker_com_linux_debian.list')
    expect(suggestFilename('deb http://x y', 'mine')).toBe('mine.list')
  })

  it('adds a new line in its own file, and nothing when it is there already', () => {
    const repo = 'deb http://deb.debian.org/debian bookworm-backports main'
    const p = plan({ repo }, { '/etc/apt/sources.list': 'deb http://deb.debian.org/debian bookworm main\n' })
    expect(p.changes.map((c) => c.summary)).toEqual(['create /etc/apt/sources.list.d/deb_debian_org_debian.list'])
    expect(p.diff).toEqual([{ before: '', after: `${repo}\n`, beforeHeader: '/dev/null', afterHeader: '/etc/apt/sources.list.d/deb_debian_org_debian.list' }])
    expect(plan({ repo: `deb  http://deb.debian.org/debian  bookworm-backports main` }, { '/etc/apt/sources.list.d/b.list': `${repo} # kept\n` }).changes).toEqual([])
  })

  it('re-enables a commented-out line in place, normalising that file only', () => {
    const p = plan({ repo: 'deb http://x bookworm main' }, { '/etc/apt/sources.list': '#comment\n#deb http://x bookworm main\n', '/etc/apt/sources.list.d/o.list': '#other\n' })
    expect(p.changes).toMatchObject([{ path: '/etc/apt/sources.list', after: '# comment\ndeb http://x bookworm main\n' }])
  })

  it('removes the line from every file, deleting files left empty', () => {
    const line = 'deb http://x bookworm main'
    const p = plan({ repo: line, state: 'absent' }, { '/etc/apt/sources.list': `${line}\ndeb http://y bookworm main\n`, '/etc/apt/sources.list.d/x.list': `${line}\n` })
    expect(p.changes.map((c) => [c.summary, c.after])).toEqual([['update /etc/apt/sources.list', 'deb http://y bookworm main\n'], ['remove /etc/apt/sources.list.d/x.list', '']])
  })

  it('refuses invalid lines before touching a host', () => {
    expect(apt_repository.args.safeParse({ repo: 'http://x bookworm' }).error?.issues[0]?.message).toBe('Invalid repository string: http://x bookworm')
    expect(apt_repository.args.safeParse({ repo: 'ppa:foo/bar' }).error?.issues[0]?.message).toBe('PPA repositories are Ubuntu-only and not supported')
  })

  it('reads this machine in check mode and predicts without writing', async () => {
    const result = await runModule(apt_repository, makeContext({ conn: connectLocal('controller'), check: true }), parse({ repo: 'deb [trusted=yes] file:/nonexistent/tsplay ./', filename: 'tsplay-check-only' }))
    expect(result).toMatchObject({ status: 'changed', changes: ['create /etc/apt/sources.list.d/tsplay-check-only.list'] })
  })
})
