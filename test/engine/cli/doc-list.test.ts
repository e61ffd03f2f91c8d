import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { docList, docModule } from '../../../engine/cli/doc.js'
import { coreModulesDir } from '../../../engine/ansible/index.js'
import { builtinModules } from '../../../modules/index.js'

// a collection root holding one collection with one documented module
const root = mkdtempSync(join(tmpdir(), 'tsplay-doc-'))
const modules = join(root, 'ansible_collections', 'acme', 'tools', 'plugins', 'modules')
mkdirSync(modules, { recursive: true })
writeFileSync(join(modules, 'widget.py'), 'DOCUMENTATION = r"""\nmodule: widget\nshort_description: Manage widgets\n"""\n')
const env = { ...process.env, ANSIBLE_COLLECTIONS_PATH: root }

describe('tsplay doc: native or Ansible', () => {
  it('lists only native modules with --native, every one of them', () => {
    const rows = docList({ nativeOnly: true, env }).trimEnd().split('\n')
    expect(rows).toHaveLength(Object.keys(builtinModules).length)
    for (const row of rows) expect(row).toMatch(/^\w+\s+native\s+\S/)
    expect(rows.find((r) => r.startsWith('async_status '))).toMatch(/native\s+Report the status of an async task/)
  })

  it("lists ansible-core's modules without a native version as ansible, and the collections on the path", () => {
    const text = docList({ env })
    expect(text).toMatch(/^command\s+native\s+/m)
    // ansible-core has a command module too: the native one is the only row
    expect(text.match(/^command\s/gm)).toHaveLength(1)
    if (coreModulesDir() !== undefined) expect(text).toMatch(/^expect\s+ansible\s+Executes a command and responds to prompts$/m)
    expect(text).toMatch(new RegExp(`^acme\\.tools\\s+1 module \\s+${root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/ansible_collections/acme/tools$`, 'm'))
  })

  it('says how one module runs', () => {
    expect(docModule('ansible.builtin.command', env)).toContain("Runs: native (tsplay's own implementation")
    expect(docModule('acme.tools.widget', env)).toBe(
      `acme.tools.widget: Manage widgets\n\nRuns: as Ansible's own module (${modules}/widget.py), packed by ansible-core on the controller and run by the host's Python\nArguments: as ansible-doc acme.tools.widget describes them\n`,
    )
    if (coreModulesDir() !== undefined) expect(docModule('expect', env)).toContain(`Runs: as Ansible's own module (${coreModulesDir()}/expect.py)`)
    expect(() => docModule('acme.tools.nothing', env)).toThrow("unknown module 'acme.tools.nothing'")
  })
})
