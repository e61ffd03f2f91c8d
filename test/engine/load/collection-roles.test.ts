import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPlaybook, type Block, type Item } from '../../../engine/load/index.js'

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'collroles-'))
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
  return dir
}

const roleNames = (items: readonly Item[]): string[] => items.flatMap((i) => (i.kind === 'block' ? [...(i.role ? [i.role.name] : []), ...roleNames((i as Block).block)] : []))

describe('roles in collections and relative dependencies', () => {
  const dir = tree({
    'site.yml': '- hosts: all\n  roles: [ns.coll.web, {role: dep/parent}]\n- hosts: all\n  collections: [ns.coll]\n  roles: [web]\n',
    'collections/ansible_collections/ns/coll/roles/web/tasks/main.yml': '- debug: msg=web\n',
    'collections/ansible_collections/ns/coll/roles/web/meta/main.yml': 'galaxy_info: {author: me}\ndependencies: [helper]\n',
    'collections/ansible_collections/ns/coll/roles/helper/tasks/main.yml': '- debug: msg=helper\n',
    'extra/dep/parent/meta/main.yml': 'dependencies: [dep/child]\n',
    'extra/dep/parent/tasks/main.yml': '- debug: msg=parent\n',
    'extra/dep/child/tasks/main.yml': '- debug: msg=child\n',
  })

  it('finds ns.coll.role under collections/ beside the playbook, its dependencies in its collection, relative dependencies', () => {
    const book = loadPlaybook(join(dir, 'site.yml'), { roles: [join(dir, 'extra')], collections: [] })
    expect(book.plays[0]!.roles.map((r) => r.name)).toEqual(['ns.coll.helper', 'ns.coll.web', 'dep/child', 'dep/parent'])
    expect(book.plays[0]!.roles[1]!.collections).toEqual(['ns.coll', 'ansible.legacy'])
    expect(roleNames(book.plays[1]!.tasks)).toEqual(['ns.coll.helper', 'ns.coll.web'])
  })

  it('says where it looked for a role it cannot find, as ansible', () => {
    expect(() => loadPlaybook(join(dir, 'site.yml'), { roles: [], collections: [] })).toThrow(/the role 'dep\/parent' was not found in .*\/roles:/)
  })
})
