import { describe, expect, it } from 'vitest'
import { labSources, mainMirror, parseDeb822, parseOneLine, reachableSources, sourcesList } from '../../../engine/lab/mirror.js'

// /etc/apt/sources.list.d/debian.sources as Debian 12 images ship it (snapshot comments included)
const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
`

describe('control host apt sources', () => {
  it('reads deb822 stanzas, skipping deb-src and comments', () => {
    expect(parseDeb822(DEB822)).toEqual([
      { uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'], components: ['main'] },
      { uri: 'http://deb.debian.org/debian-security', suites: ['bookworm-security'], components: ['main'] },
    ])
  })

  it('skips deb822 stanzas marked Enabled: no', () => {
    expect(parseDeb822('Types: deb\nEnabled: no\nURIs: http://m/debian\nSuites: bookworm\nComponents: main\n')).toEqual([])
  })

  it('reads one-line sources with options and comments', () => {
    const text = '# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\ndeb-src http://x/debian bookworm main\n'
    expect(parseOneLine(text)).toEqual([{ uri: 'http://mirror.example/debian', suites: ['bookworm'], components: ['main', 'contrib'] }])
  })

  it('gives lab hosts the bookworm suites and debootstrap the main mirror', () => {
    const sources = labSources(parseDeb822(DEB822), 'bookworm')
    expect(mainMirror(sources, 'bookworm')).toBe('http://deb.debian.org/debian')
    expect(sourcesList(sources).split('\n').slice(1)).toEqual([
      'deb http://deb.debian.org/debian bookworm main',
      'deb http://deb.debian.org/debian bookworm-updates main',
      'deb http://deb.debian.org/debian-security bookworm-security main',
      '',
    ])
  })

  it('falls back to the main mirror with the lab suite when the control host runs another release', () => {
    const trixie = parseOneLine('deb http://m.example/debian-security trixie-security main\ndeb http://m.example/debian trixie main\n')
    expect(labSources(trixie, 'bookworm')).toEqual([{ uri: 'http://m.example/debian', suites: ['bookworm'], components: ['main'] }])
  })

  it('drops companion suites the proxy cannot fetch, never the lab suite itself', async () => {
    const asked: string[] = []
    const reachable = async (url: string): Promise<boolean> => {
      asked.push(url)
      return !url.includes('security')
    }
    const sources = await reachableSources(labSources(parseDeb822(DEB822), 'bookworm'), 'bookworm', reachable)
    expect(sources).toEqual([{ uri: 'http://deb.debian.org/debian', suites: ['bookworm', 'bookworm-updates'], components: ['main'] }])
    expect(asked.sort()).toEqual([
      'http://deb.debian.org/debian-security/dists/bookworm-security/InRelease',
      'http://deb.debian.org/debian/dists/bookworm-updates/InRelease',
    ])
  })

  it('refuses a control host without an http mirror', () => {
    expect(() => labSources(parseOneLine('deb file:/srv/debian bookworm-x main\n'), 'trixie')).toThrow(/no http Debian mirror/)
  })
})
