import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { blockinfile } from '../../modules/blockinfile.js'
import type { FileState } from '../../modules/lib/file-state.js'
import { sha1 } from '../../modules/lib/write-file.js'
import { makeContext } from '../helpers/module-context.js'

interface Case {
  readonly name: string
  readonly text: string | null
  readonly args: Record<string, unknown>
  readonly expected: { readonly text: string | null; readonly changed: boolean; readonly msg: string }
}

// Each case was run through ansible-core 2.14's blockinfile on a real file (test/fixtures/output/edit-cases.py).
const cases = JSON.parse(readFileSync(new URL('../fixtures/output/blockinfile/ansible-2.14.json', import.meta.url), 'utf8')) as Case[]
const conn = connectLocal('local')
const fileState = (text: string | null): FileState =>
  text === null ? { path: '/f', exists: false } : { path: '/f', exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', checksum: sha1(text), content: Buffer.from(text) }

describe('blockinfile plan against ansible-core 2.14', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const state = { file: fileState(c.text), parent: { path: '/', exists: true, type: 'directory' as const }, umask: 0o022 }
    const plan = blockinfile.plan(blockinfile.args.parse({ path: '/f', ...c.args }), state, makeContext({ conn }))
    expect(plan.changes.length > 0).toBe(c.expected.changed)
    expect(plan.values?.['msg']).toBe(c.expected.msg.replace(/\/tmp\/\w+\/f/, '/f'))
    if (c.expected.text !== null) expect(plan.diff?.[0]?.after ?? c.text).toBe(c.expected.text)
  })
})

describe('blockinfile on this machine', () => {
  const run = (a: Record<string, unknown>, check = false) => runModule(blockinfile, makeContext({ conn, check, diff: true }), blockinfile.args.parse(a))

  it('inserts once, updates, then changes nothing; check mode predicts and touches nothing', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'tsplay-bif-')), 'hosts')
    writeFileSync(path, '127.0.0.1 localhost\n')
    const a = { path, marker: '# {mark} k8s', block: "10.0.0.1 m1 $(id) `id` ';'\n10.0.0.2 n1\n", backup: true }
    const checked = await run(a, true)
    expect(checked.changes).toEqual([`block inserted in ${path}`])
    expect(checked.diff[0]).toMatchObject({ before: '127.0.0.1 localhost\n', beforeHeader: `${path} (content)` })
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n')
    const first = await run(a)
    expect(first.changes).toEqual(checked.changes)
    expect(readFileSync(first.values['backup_file'] as string, 'utf8')).toBe('127.0.0.1 localhost\n')
    expect(readFileSync(path, 'utf8')).toBe("127.0.0.1 localhost\n# BEGIN k8s\n10.0.0.1 m1 $(id) `id` ';'\n10.0.0.2 n1\n# END k8s\n")
    expect((await run(a)).changed).toBe(false)
    expect((await run({ path, marker: '# {mark} k8s', state: 'absent' })).changed).toBe(true)
    expect(readFileSync(path, 'utf8')).toBe('127.0.0.1 localhost\n')
  })
})
