import { describe, expect, it } from 'vitest'
import { renderValue } from '../../../engine/template/template.js'
import { shaCrypt } from '../../../engine/template/password.js'

// Expected strings come from glibc's crypt(3) through Python's crypt module, and the last one from
// ansible-core 2.14.18's password_hash filter (passlib, default rounds).
describe('shaCrypt', () => {
  it.each([
    ['sha256', 'Hello world!', 'saltstring', 5000, '$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5'],
    ['sha512', 'Hello world!', 'saltstring', 5000, '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1'],
    ['sha512', 'Hello world!', 'saltstringsaltstring', 10000, '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.'],
    ['sha256', '', 'x', 1000, '$5$rounds=1000$x$kIBhdUvT3pHpfTjzR8s1XJu3y/HRJeFxMSffBtF8jx9'],
    ['sha256', 'pässwörd-long-'.repeat(5), 'abc', 5000, '$5$abc$jCCvfRWXGcDPY4TkbpcVBzCFTlSmt042.HIMvalEc8.'],
  ] as const)('%s of %j with salt %s', (kind, password, salt, rounds, expected) => {
    expect(shaCrypt(kind, password, salt, rounds)).toBe(expected)
  })
})

describe('password_hash', () => {
  it('matches ansible-core with passlib for a given salt', { timeout: 60_000 }, () => {
    expect(renderValue("{{ 'x' | password_hash('sha512', 'salt') }}", {})).toBe('$6$rounds=656000$salt$Nhj9miM5LyFMQWOXFOZ.zndy7nY3hKPsoz4ECuE/rA8wC02XK.NLzW8fho0uZbVx5D.6kJRZJz9FND.5Z.g6u0')
  })

  it('draws a random salt when none is given, and refuses other hash types', () => {
    const a = renderValue("{{ 'x' | password_hash('sha256', rounds=1000) }}", {}) as string
    expect(a).toMatch(/^\$5\$rounds=1000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{43}$/)
    expect(renderValue("{{ 'x' | password_hash('sha256', rounds=1000) }}", {})).not.toBe(a)
    expect(() => renderValue("{{ 'x' | password_hash('nope') }}", {})).toThrow("password_hash: passlib does not support 'nope' algorithm")
  })
})
