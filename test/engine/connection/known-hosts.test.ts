import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { checkHostKey, fingerprint, hostKeyName, keyTypeOf, knownHostsLine, knownKeyTypes } from '../../../engine/connection/known-hosts.js'

const blob = (type: string, body: string): Buffer => {
  const t = Buffer.from(type)
  const b = Buffer.from(body)
  const out = Buffer.alloc(8 + t.length + b.length)
  out.writeUInt32BE(t.length, 0)
  t.copy(out, 4)
  out.writeUInt32BE(b.length, 4 + t.length)
  b.copy(out, 8 + t.length)
  return out
}
const ed = blob('ssh-ed25519', 'key-one')
const ed2 = blob('ssh-ed25519', 'key-two')
const rsa = blob('ssh-rsa', 'rsa-key')
const line = (names: string, key: Buffer): string => `${names} ${keyTypeOf(key)} ${key.toString('base64')}`
const hashed = (name: string, salt: Buffer): string => `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`

describe('known_hosts', () => {
  it('names non-standard ports in brackets', () => {
    expect(hostKeyName('web1', 22)).toBe('web1')
    expect(hostKeyName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222')
  })

  it('finds a known key among plain, listed and wildcard names', () => {
    expect(checkHostKey(line('web1,10.0.0.1', ed), '10.0.0.1', 22, ed)).toEqual({ status: 'known' })
    expect(checkHostKey(line('*.example.com', ed), 'a.example.com', 22, ed)).toEqual({ status: 'known' })
    expect(checkHostKey(line('[10.0.0.1]:2222', ed), '10.0.0.1', 2222, ed)).toEqual({ status: 'known' })
    expect(checkHostKey(line('10.0.0.1', ed), '10.0.0.1', 2222, ed)).toEqual({ status: 'unknown', otherTypes: [] })
  })

  it('lets a matching negated pattern veto the line', () => {
    expect(checkHostKey(line('*.example.com,!db.example.com', ed), 'db.example.com', 22, ed)).toEqual({ status: 'unknown', otherTypes: [] })
  })

  it('matches hashed names', () => {
    const salt = Buffer.from('0123456789abcdefghij')
    expect(checkHostKey(line(hashed('[h]:2200', salt), ed), 'h', 2200, ed)).toEqual({ status: 'known' })
    expect(checkHostKey(line(hashed('other', salt), ed), 'h', 2200, ed).status).toBe('unknown')
  })

  it('reports a different key of the same type as changed, with its line', () => {
    const text = `# first\n${line('web1', rsa)}\n${line('web1', ed2)}\n`
    expect(checkHostKey(text, 'web1', 22, ed)).toEqual({ status: 'changed', line: 3, keyType: 'ssh-ed25519' })
    expect(checkHostKey(line('web1', rsa), 'web1', 22, ed)).toEqual({ status: 'unknown', otherTypes: ['ssh-rsa'] })
    expect(knownKeyTypes(text, 'web1', 22)).toEqual(['ssh-rsa', 'ssh-ed25519'])
  })

  it('refuses revoked keys', () => {
    expect(checkHostKey(`@revoked * ${keyTypeOf(ed)} ${ed.toString('base64')}\n${line('web1', ed)}`, 'web1', 22, ed)).toEqual({ status: 'revoked', line: 1 })
  })

  it('writes lines it can read back, hashed or plain', () => {
    expect(knownHostsLine('web1', 2222, ed)).toBe(`[web1]:2222 ssh-ed25519 ${ed.toString('base64')}\n`)
    const hashedLine = knownHostsLine('web1', 2222, ed, true)
    expect(hashedLine).toMatch(/^\|1\|/)
    expect(checkHostKey(hashedLine, 'web1', 2222, ed)).toEqual({ status: 'known' })
    expect(fingerprint(ed)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
  })
})
