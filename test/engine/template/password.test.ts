import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { controllerPython } from '../../../engine/python/index.js'
import { renderValue } from '../../../engine/template/template.js'
import { shaCrypt } from '../../../engine/template/password.js'

// Expected strings come from glibc's crypt(3) through Python's crypt module.
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
  // ansible-core's own hashing (utils/encrypt.py passlib_or_crypt) on this controller, which has no passlib:
  // the implicit rounds (656000, 535000) are left out and crypt(3) uses 5000; other rounds are shown
  it.each([
    ["'x' | password_hash('sha512', 'salt')", 'sha512_crypt', 'x', 'salt', 'None'],
    ["'x' | password_hash('sha512', 'salt', rounds=656000)", 'sha512_crypt', 'x', 'salt', '656000'],
    ["'pw' | password_hash('sha256', 'abcdefgh', rounds=10000)", 'sha256_crypt', 'pw', 'abcdefgh', '10000'],
    ["'pw' | password_hash('sha256_crypt', 'abcdefgh')", 'sha256_crypt', 'pw', 'abcdefgh', 'None'],
    ["'pw' | password_hash('md5', 'abcdefgh')", 'md5_crypt', 'pw', 'abcdefgh', 'None'],
  ])('%s as ansible-core', (expression, scheme, secret, salt, rounds) => {
    const script = `from ansible.utils.encrypt import passlib_or_crypt\nprint(passlib_or_crypt(${JSON.stringify(secret)}, ${JSON.stringify(scheme)}, salt=${JSON.stringify(salt)}, rounds=${rounds}))`
    const ansible = execFileSync(controllerPython(), ['-c', script], { encoding: 'utf8' }).trim()
    expect(renderValue(`{{ ${expression} }}`, {})).toBe(ansible)
  })

  it('draws a random salt when none is given, and refuses other hash types', () => {
    const a = renderValue("{{ 'x' | password_hash('sha256', rounds=1000) }}", {}) as string
    expect(a).toMatch(/^\$5\$rounds=1000\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{43}$/)
    expect(renderValue("{{ 'x' | password_hash('sha256', rounds=1000) }}", {})).not.toBe(a)
    expect(() => renderValue("{{ 'x' | password_hash('nope') }}", {})).toThrow("password_hash: passlib does not support 'nope' algorithm")
  })
})
