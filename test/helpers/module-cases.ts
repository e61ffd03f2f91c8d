import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import type { Plan } from '../../engine/module.js'
import type { FileState } from '../../modules/lib/file-state.js'
import { sha1 } from '../../modules/lib/write-file.js'

/** One file-editing case run through ansible's own module by test/fixtures/output/run-ansible-module.py. */
export interface AnsibleCase {
  readonly name: string
  readonly text: string | null
  readonly args: Record<string, unknown>
  readonly expected: { readonly text: string | null; readonly changed: boolean; readonly msg: string; readonly failed: boolean }
}

/** The cases of a fixture under test/fixtures/output (e.g. `replace/ansible-2.14.json`). */
export const ansibleCases = (fixture: string): AnsibleCase[] => JSON.parse(readFileSync(new URL(`../fixtures/output/${fixture}`, import.meta.url), 'utf8')) as AnsibleCase[]

/** The probed state of `/f` holding `text` (root's, 0644), or of no file when `text` is null. */
export const fileHolding = (text: string | null): FileState =>
  text === null ? { path: '/f', exists: false } : { path: '/f', exists: true, type: 'file', mode: '0644', uid: 0, gid: 0, owner: 'root', group: 'root', checksum: sha1(text), content: Buffer.from(text) }

/** The probed state of an existing directory `/`, the parent of `/f`. */
export const rootDirectory: FileState = { path: '/', exists: true, type: 'directory' }

/**
 * Assert that a plan for `c` (made by `plan`, which may throw as ansible fails) matches what ansible did: the
 * failure message, whether it changed, its msg, and the text the file holds afterwards (after `normal`).
 */
export function expectPlanAsAnsible(plan: () => Plan, c: AnsibleCase, normal = (text: string | null): string | null => text): void {
  if (c.expected.failed) {
    expect(plan).toThrow(c.expected.msg.replace('<path>', '/f'))
    return
  }
  const p = plan()
  expect(p.changes.length > 0).toBe(c.expected.changed)
  expect(p.values?.['msg']).toBe(c.expected.msg)
  expect(normal(p.diff?.[0]?.after ?? c.text)).toBe(c.expected.text)
}
