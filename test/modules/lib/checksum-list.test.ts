import { describe, expect, it } from 'vitest'
import { checksumFromList, parseChecksumArg } from '../../../modules/lib/checksum-list.js'

const A = 'a'.repeat(64)
const B = 'b'.repeat(64)

describe('get_url checksum lists, read as ansible-core 2.14 reads them', () => {
  it('tells a digest from a URL and normalises a digest', () => {
    expect(parseChecksumArg(`sha256:${A.toUpperCase()}\u200b`)).toEqual({ algorithm: 'sha256', digest: A })
    expect(parseChecksumArg('sha256:https://example.invalid/v1/SHA256SUMS')).toEqual({ algorithm: 'sha256', url: 'https://example.invalid/v1/SHA256SUMS' })
  })

  it('finds the line naming the file: text and binary markers, ./ prefixes, the first match', () => {
    const list = `${B}  other.tar.gz\n${A.toUpperCase()} *./app.tar.gz\n${B}  app.tar.gz\n`
    expect(checksumFromList(list, 'app.tar.gz')).toBe(A)
    expect(checksumFromList(`${A}  app.tar.gz`, 'app.tar.gz')).toBe(A)
    expect(checksumFromList(list, 'missing.tar.gz')).toBeUndefined()
    // A one-space separator is Python's split(' ', 1) too: the name is what follows.
    expect(checksumFromList(`${A} app.tar.gz\n${B} x\n`, 'app.tar.gz')).toBe(A)
  })

  it('takes a single line holding one word as the digest itself, whatever the name', () => {
    expect(checksumFromList(`${A}\n`, 'anything')).toBe(A)
    expect(checksumFromList(`${A}\n${B}\n`, 'anything')).toBeUndefined()
    expect(checksumFromList('', 'anything')).toBeUndefined()
  })
})
