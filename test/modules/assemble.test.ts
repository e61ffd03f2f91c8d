import { describe, expect, it } from 'vitest'
import { assemble, assembleFragments, decodeEscapes, planAssemble } from '../../modules/assemble.js'
import type { FileState } from '../../modules/lib/file-state.js'

const frag = (name: string, text: string) => ({ name, content: Buffer.from(text) })
const FRAGMENTS = [frag('20-b', 'b\n'), frag('10-a', 'a'), frag('.hidden', 'h\n'), frag('30-c.conf', 'c\n')]
const MISSING: FileState = { path: '/etc/app.conf', exists: false }

describe('assemble', () => {
  it('concatenates in name order, adding the newline a fragment lacks', () => {
    expect(assembleFragments(FRAGMENTS, {}).toString()).toBe('h\na\nb\nc\n')
    expect(assembleFragments(FRAGMENTS, { ignoreHidden: true, regexp: '^[0-9]+-[ab]$' }).toString()).toBe('a\nb\n')
  })

  it('puts the decoded delimiter between fragments only, always followed by a newline', () => {
    expect(assembleFragments(FRAGMENTS, { delimiter: '### part', ignoreHidden: true }).toString()).toBe('a\n### part\nb\n### part\nc\n')
    expect(assembleFragments(FRAGMENTS, { delimiter: '--\\n\\n', ignoreHidden: true }).toString()).toBe('a\n--\n\nb\n--\n\nc\n')
    expect(decodeEscapes('a\\tb\\x41\\101\\q')).toEqual(Buffer.from('a\tbAA\\q'))
  })

  it("writes a missing dest with ansible's results, and is skipped in check mode as ansible does", () => {
    const state = { source: { fragments: FRAGMENTS }, dest: MISSING, umask: 0o022 }
    const p = planAssemble(assemble.args.parse({ src: '/etc/app.d', dest: '/etc/app.conf' }), state)
    expect(p.changes.map((c) => c.summary)).toEqual(['create /etc/app.conf'])
    expect(p.values).toMatchObject({ src: '/etc/app.d', dest: '/etc/app.conf', checksum: expect.stringMatching(/^[0-9a-f]{40}$/), md5sum: expect.any(String), msg: 'OK', mode: '0644' })
    expect(p.diff).toEqual([])
    expect(planAssemble(assemble.args.parse({ src: '/etc/app.d', dest: '/etc/app.conf' }), state, { check: true })).toEqual({ changes: [], skip: 'check mode is not supported for this task.' })
  })

  it('fails as ansible does on a missing or non-directory src and a bad regexp', () => {
    const a = assemble.args.parse({ src: '/etc/app.d', dest: '/etc/app.conf' })
    expect(() => planAssemble(a, { source: { error: 'missing' }, dest: MISSING, umask: 0o022 })).toThrow('Source (/etc/app.d) does not exist')
    expect(() => planAssemble(a, { source: { error: 'notdir' }, dest: MISSING, umask: 0o022 })).toThrow('Source (/etc/app.d) is not a directory')
    expect(() => assembleFragments(FRAGMENTS, { regexp: '(' })).toThrow('Invalid Regexp')
  })
})
