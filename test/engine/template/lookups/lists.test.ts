import { describe, expect, it } from 'vitest'
import { groupsPattern } from '../../../../engine/run/lookups.js'
import { renderValue } from '../../../../engine/template/index.js'
import { ansiblePrinted, comparable, debugTasks, fixture, play, tsplayPrinted } from './compare.js'

const VARS = `  vars:
    users:
      - name: alice
        keys: [a1, a2]
        mysql: {hosts: ['%', localhost]}
      - name: bob
        keys: [b1]
        mysql: {hosts: [db1]}
      - name: carol
    d: {x: 1, y: [2]}
    n: 3
`

// Every list-shaped lookup and its with_ form; the same playbook under ansible-playbook 2.14 and tsplay.
const LOOKUPS = [
  "lookup('items', [1, [2, [3]]], 4)",
  "query('items', [1, [2, [3]]], 4)",
  "lookup('list', [1, 2])",
  "query('list', [1, 2], 'a')",
  "lookup('dict', d)",
  "query('dict', d, {'z': 0})",
  "lookup('dict', 'notadict')",
  "lookup('indexed_items', ['a', 'b'])",
  "query('nested', ['a', 'b'], [1, 2], ['x'])",
  "query('together', ['a', 'b', 'c'], [1, 2])",
  "lookup('flattened', [1, [2, [3, [4]]]], [[5]])",
  "query('community.general.flattened', [1, 'None', 2])",
  "query('subelements', users, 'keys', {'skip_missing': True})",
  "query('subelements', users, 'mysql.hosts', {'skip_missing': True})",
  "query('subelements', users, 'keys')",
  "query('subelements', users)",
  "lookup('random_choice', 'only')",
  "lookup('inventory_hostnames', 'all')",
  "lookup('sequence', 'start=1 end=10 stride=2')",
  "lookup('sequence', 'start=0 end=32 format=testuser%02x')",
  "query('sequence', 'count=4')",
  "query('sequence', 'start=10 end=0 stride=-3')",
  "query('sequence', '4-8/2:host%02d')",
  "query('sequence', '5')",
  "query('sequence', '0x0f-0x12:%04x')",
  "query('sequence', 'start=0x0f00 count=4 format=%04x')",
  "query('sequence', 'start=1 count=5 stride=2')",
  "query('sequence', 'count=0')",
  "query('sequence', 'start=5 end=1')",
  "query('sequence', 'start=1 end=3 bogus=1')",
  "query('sequence', 'end=3 count=3')",
  "query('sequence', 'start=010 end=12')",
  "query('sequence', 'end=3 format=%d%d')",
  "query('sequence', 'start=1 end=' ~ n)",
  "lookup('ansible.builtin.items', [])",
]

const WITH = `    - debug: {msg: "{{ item }}"}
      with_items: [1, [2, [3]], 4]
    - debug: {msg: "{{ item }}"}
      with_list: [[1, 2], 3]
    - debug: {msg: "{{ item.key }}={{ item.value }}"}
      with_dict: "{{ d }}"
    - debug: {msg: "{{ item }}"}
      with_indexed_items: [a, [b, c]]
    - debug: {msg: "{{ item }}"}
      with_nested: [[a, b], [1, 2]]
    - debug: {msg: "{{ item }}"}
      with_together: [[a, b, c], [1, 2]]
    - debug: {msg: "{{ item }}"}
      with_flattened: [1, [2, [3, [4]]]]
    - debug: {msg: "{{ item.0.name }} {{ item.1 }}"}
      with_subelements: ["{{ users }}", keys, {skip_missing: true}]
    - debug: {msg: "{{ item.0 }}"}
      with_subelements: ["{{ users }}", mysql.hosts, {skip_missing: yes}]
    - debug: {msg: "{{ item }}"}
      with_sequence: start=1 end={{ n }} format=n%d
    - debug: {msg: "{{ item }}"}
      with_sequence: 4-8/2:host%02d
    - debug: {msg: "{{ item }}"}
      with_sequence: count=0
    - debug: {msg: "{{ item }}"}
      with_random_choice: [only]
    - debug: {msg: "{{ item }}"}
      with_inventory_hostnames: all:!nothing
`

describe('list lookups and their with_ loops', () => {
  it('print what ansible-playbook prints', { timeout: 180_000 }, async () => {
    const dir = fixture({ 'site.yml': play(debugTasks(LOOKUPS) + WITH, VARS) })
    const [ansible, tsplay] = await Promise.all([ansiblePrinted(dir), tsplayPrinted(dir)])
    expect(tsplay.map(comparable)).toEqual(ansible.map(comparable))
    expect(ansible.length).toBe(LOOKUPS.length + 14)
  })

  it('states why a sequence or subelements term is wrong', () => {
    expect(() => renderValue("{{ query('sequence', 'start=1 end=3 bogus=1') }}", {})).toThrow("unrecognized arguments to with_sequence: ['bogus']")
    expect(() => renderValue("{{ query('sequence', 'start=5 end=1') }}", {})).toThrow('to count backwards make stride negative')
    expect(() => renderValue("{{ query('sequence', 'start=010 end=12') }}", {})).toThrow("can't parse start=010 as integer")
    expect(() => renderValue("{{ query('subelements', [{'a': 1}], 'k') }}", {})).toThrow("could not find 'k' key in iterated item '{'a': 1}'")
  })
})

describe('inventory_hostnames patterns', () => {
  // ansible 2.14 with an inventory of these groups: `web:&db` → b, `all:!web` → c, `web[1]` → b, `~^[ab]$` → a, b
  it('reads the whole host pattern language over the groups variable', () => {
    const groups = { all: ['a', 'b', 'c'], web: ['a', 'b'], db: ['b', 'c'], ungrouped: [] }
    expect(groupsPattern('web:&db', groups)).toEqual(['b'])
    expect(groupsPattern('all:!web', groups)).toEqual(['c'])
    expect(groupsPattern('web[1]', groups)).toEqual(['b'])
    expect(groupsPattern('~^[ab]$', groups)).toEqual(['a', 'b'])
    expect(groupsPattern(['db', 'web'], groups)).toEqual(['b', 'c', 'a'])
  })
})
