import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import type { FileState } from '../../modules/lib/file-state.js'
import { sha1 } from '../../modules/lib/write-file.js'
import { lineinfile } from '../../modules/lineinfile.js'
import { makeContext } from '../helpers/module-context.js'

interface Case {
  readonly name: string
  readonly text: string
  readonly args: Record<string, unknown>
  readonly expected: { readonly text: string; readonly changed: boolean; readonly msg: string }
}

// Each case was run through ansible-core 2.14's lineinfile on a real file (see generate.py beside it).
const cases = JSON.parse(readFileSync(new URL('../fixtures/output/lineinfile/ansible-2.14.json', import.meta.url), 'utf8')) as Case[]
const conn = connectLocal('local')
const existing = (text: string): FileState => ({ path: '/f', exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', checksum: sha1(text), content: Buffer.from(text) })
const dir: FileState = { path: '/', exists: true, type: 'directory' }

describe('lineinfile plan against ansible-core 2.14', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const plan = lineinfile.plan(lineinfile.args.parse({ path: '/f', ...c.args }), { file: existing(c.text), parent: dir, umask: 0o022 }, makeContext({ conn }))
    expect(plan.changes.length > 0).toBe(c.expected.changed)
    expect(plan.values?.['msg']).toBe(c.expected.msg)
    const after = plan.diff?.[0]?.after ?? c.text
    expect(after).toBe(c.expected.text)
  })
})

describe('lineinfile arguments', () => {
  it.each([
    [{ path: '/f' }, 'line is required with state=present'],
    [{ path: '/f', state: 'absent' }, 'one of line, search_string, or regexp is required with state=absent'],
    [{ path: '/f', line: 'x', regexp: 'a', search_string: 'b' }, 'parameters are mutually exclusive: regexp|search_string'],
    [{ path: '/f', line: 'x', backrefs: true }, 'regexp is required with backrefs=true'],
    [{ path: '/f', line: 'x', insertafter: 'a', insertbefore: 'b' }, 'parameters are mutually exclusive: insertafter|insertbefore'],
  ])('%j → %s', (a, message) => {
    const result = lineinfile.args.safeParse(a)
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.message)).toContain(message)
  })

  it('warns, in ansible-core 2.14\'s words, that an empty pattern matches every line', () => {
    const warned = (a: Record<string, unknown>) => lineinfile.plan(lineinfile.args.parse({ path: '/f', line: 'x', ...a }), { file: existing('a\n'), parent: dir, umask: 0o022 }, makeContext({ conn })).values?.['warnings']
    expect(warned({ regexp: '' })).toEqual(["The regular expression is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending. If this is desired, use '^' to match every line in the file and avoid this warning."])
    expect(warned({ search_string: '' })).toEqual(['The search string is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.'])
    expect(warned({ regexp: '^' })).toBeUndefined()
  })

  it('accepts dest and regex as aliases', () => {
    expect(lineinfile.args.parse({ dest: '/f', regex: '^a', line: 'a' })).toMatchObject({ path: '/f', regexp: '^a' })
  })
})

describe('lineinfile on this machine', () => {
  const run = (a: Record<string, unknown>, check = false) => runModule(lineinfile, makeContext({ conn, check, diff: true }), lineinfile.args.parse(a))

  it('edits once, then not again; check mode predicts and touches nothing', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsplay-lif-')), 'sysctl.conf')
    writeFileSync(path, '#net.ipv4.ip_forward=0\nother=1\n')
    const a = { path, regexp: '^#?net.ipv4.ip_forward', line: "net.ipv4.ip_forward=1 $(touch x) '`;'" }
    const checked = await run(a, true)
    expect(checked.changes).toEqual([`line replaced in ${path}`])
    expect(readFileSync(path, 'utf8')).toBe('#net.ipv4.ip_forward=0\nother=1\n')
    expect((await run(a)).changes).toEqual(checked.changes)
    expect(readFileSync(path, 'utf8')).toBe("net.ipv4.ip_forward=1 $(touch x) '`;'\nother=1\n")
    expect((await run(a)).changed).toBe(false)
    expect((await run(a, true)).changed).toBe(false)
  })

  it('creates the file and its directory with create, and fails without it', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsplay-lif-')), 'new/dir/conf')
    const missing = await run({ path, line: 'a' })
    expect(missing.status).toBe('failed')
    expect(missing.msg).toBe(`Destination ${path} does not exist !`)
    const a = { path, line: 'a', create: true, mode: '0600' }
    const checked = await run(a, true)
    expect(existsSync(path)).toBe(false)
    // The content diff, then the attributes as their own diff, as ansible-core 2.14 prints them (in check
    // mode without the attributes of a file that is not there yet).
    const content = { before: '', after: 'a\n', beforeHeader: `${path} (content)`, afterHeader: `${path} (content)` }
    const header = `${path} (file attributes)`
    expect(checked.diff).toEqual([content])
    const applied = await run(a)
    expect(applied.diff).toEqual([content, { before: '{\n    "mode": "0644"\n}\n', after: '{\n    "mode": "0600"\n}\n', beforeHeader: header, afterHeader: header }])
    expect(applied.changes).toEqual(checked.changes)
    expect(readFileSync(path, 'utf8')).toBe('a\n')
    expect((await run(a)).changed).toBe(false)
  })
})
