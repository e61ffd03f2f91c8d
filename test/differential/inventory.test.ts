import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { loadInventory } from '../../engine/inventory/index.js'

/** What ansible-inventory --list reports: group → direct hosts and children, host → merged inventory vars. */
interface AnsibleList {
  _meta: { hostvars: Record<string, Record<string, unknown>> }
  [group: string]: { hosts?: string[]; children?: string[] } | AnsibleList['_meta']
}

function ansibleInventory(source: string): AnsibleList {
  const out = execFileSync('ansible-inventory', ['-i', source, '--list'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true' } })
  return JSON.parse(out) as AnsibleList
}

describe.each(['test/fixtures/inventory/typed.ini', 'test/fixtures/inventory/topology.ini', 'test/fixtures/inventory/topology.yaml'])(
  'inventory %s read by tsplay and by ansible-inventory',
  (source) => {
    const expected = ansibleInventory(source)
    const inv = loadInventory([source])

    it('has the same groups with the same direct hosts', () => {
      for (const [name, entry] of Object.entries(expected)) {
        if (name === '_meta') continue
        const group = inv.groups.get(name)
        expect(group, `group ${name}`).toBeDefined()
        const hosts = (entry as { hosts?: string[] }).hosts ?? []
        expect([...group!.hosts].sort(), `hosts of ${name}`).toEqual([...hosts].sort())
      }
    })

    it('merges the same inventory variables for every host (groups by depth and priority, then the host)', () => {
      const hostvars = expected._meta.hostvars
      expect([...inv.hosts.keys()].sort()).toEqual(Object.keys(hostvars).sort())
      for (const host of inv.hosts.keys()) {
        const merged: Record<string, unknown> = {}
        for (const group of inv.groupsOf(host)) Object.assign(merged, inv.groups.get(group)!.vars.vars)
        Object.assign(merged, inv.hosts.get(host)!.vars.vars)
        expect(merged, host).toEqual(hostvars[host] ?? {})
      }
    })
  },
)
