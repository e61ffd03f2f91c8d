import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PlaybookError } from '../../../engine/errors.js'
import { expandHostRange, splitPattern } from '../../../engine/inventory/host-patterns.js'
import { loadInventory, readVarsFile } from '../../../engine/inventory/inventory.js'
import { literalEval, shlexSplit } from '../../../engine/python/index.js'

const FIX = 'test/fixtures/inventory'

function inventoryFrom(text: string, name = 'hosts.ini') {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-inv-'))
  writeFileSync(join(dir, name), text)
  return loadInventory([join(dir, name)])
}

function errorOf(text: string): string {
  try {
    inventoryFrom(text)
  } catch (error) {
    if (error instanceof PlaybookError) return `${error.location.line}:${error.location.col}: ${error.detail}`
    throw error
  }
  throw new Error('no error')
}

describe('INI inventory', () => {
  it('types inline host vars as Python literals and keeps [g:vars] raw text, as ansible-core 2.14', () => {
    const inv = loadInventory([`${FIX}/typed.ini`])
    const web01 = inv.hosts.get('web01')!.vars.vars
    expect(web01).toEqual({ http_port: 80, flag: 'true', big: true, s: 1, l: [1, 2], q: 'x' })
    expect(inv.hosts.get('db1')!.vars.vars).toEqual({ ansible_port: 2222, ansible_host: '10.0.0.5' })
    expect(inv.groups.get('web')!.vars.vars).toEqual({ a: 1, b: 'false # not a comment?', c: 'spaced value' })
    expect(inv.groups.get('all')!.vars.vars).toEqual({ z: 'ZZ' })
  })

  it('expands ranges and builds groups, children, all and ungrouped', () => {
    const inv = loadInventory([`${FIX}/topology.ini`])
    expect([...inv.hosts.keys()]).toEqual(['cp1', 'cp2', 'cp3', 'node01', 'node03', 'edge.example.com'])
    const groups = inv.groupsVar()
    expect(groups['etcd']).toEqual(['cp1', 'cp2', 'cp3'])
    expect(groups['k8s_cluster']).toEqual(['cp1', 'cp2', 'cp3', 'node01', 'node03', 'edge.example.com'])
    expect(groups['ungrouped']).toEqual([])
    expect(inv.hosts.get('edge.example.com')!.vars.vars).toEqual({ ansible_port: 2201 })
    expect(inv.groupNames('cp1')).toEqual(['etcd', 'k8s_cluster', 'kube_control_plane'])
  })

  it('orders a host groups by depth, priority, then name for variable merging', () => {
    const inv = loadInventory([`${FIX}/topology.ini`])
    // Checked with ansible-core 2.14: children (depth 2) win over parents; at equal depth k8s_cluster's
    // priority 5 makes it merge after etcd's default 1.
    expect(inv.groupsOf('node01')).toEqual(['all', 'k8s_cluster', 'kube_node'])
    expect(inv.groupsOf('cp1')).toEqual(['all', 'etcd', 'k8s_cluster', 'kube_control_plane'])
  })

  it('puts hosts before any section into ungrouped, and a host joining a group leaves it', () => {
    const inv = inventoryFrom('h0\nh1\n[g]\nh1\n')
    expect(inv.groupsVar()['ungrouped']).toEqual(['h0'])
    expect(inv.groupNames('h0')).toEqual(['ungrouped'])
    expect(inv.groupNames('h1')).toEqual(['g'])
  })

  it.each([
    ['[g]\nh1 foo\n', "2:4: expected key=value host variable assignment, got: foo"],
    ['[g]\nh1\n[g:children]\nmissing\n', '4:1: section [g:children] includes undefined group: missing'],
    ['[g:vars]\nx=1\n', '1:1: section [g:vars] not valid for undefined group: g'],
    ['[g]\nh1\n[g:vars]\nnovalue\n', '4:1: expected key=value, got: novalue'],
    ['[g:weird]\n', '1:1: section [g:weird] has unknown type: weird'],
    ['[g]\n  h1 "unclosed\n', "2:3: error parsing host definition 'h1 \"unclosed': no closing quotation"],
    ['[g]\nweb[3:1]\n', "2:1: host range '[3:1]' goes backwards"],
    ['[my group]\n', "1:1: invalid section entry: '[my group]' (no spaces are allowed in a section header)"],
  ])('reports %j at the offending line', (text, expected) => {
    expect(errorOf(text)).toBe(expected)
  })

  it('accepts a child group declared after its parent section', () => {
    const inv = inventoryFrom('[p:children]\nc\n[c]\nh1\n')
    expect(inv.groupsVar()['p']).toEqual(['h1'])
  })

  it('takes a comma list of hosts as an inventory source', () => {
    const inv = loadInventory(['a.example,b.example,'])
    expect([...inv.hosts.keys()]).toEqual(['a.example', 'b.example'])
  })
})

describe('YAML inventory', () => {
  it('reads groups, nested children, ranges and typed vars', () => {
    const inv = loadInventory([`${FIX}/topology.yaml`])
    expect([...inv.hosts.keys()]).toEqual(['solo', 'web1', 'web2', 'db1'])
    expect(inv.groupsVar()['db']).toEqual(['db1', 'web1', 'web2'])
    expect(inv.hosts.get('db1')!.vars.vars).toEqual({ ansible_host: '10.0.0.9', replicas: ['a', 'b'] })
    expect(inv.hosts.get('web1')!.vars.vars).toEqual({ http_port: 8080 })
    expect(inv.groups.get('all')!.vars.vars).toEqual({ ntp: 'pool.ntp.org' })
    expect(inv.groupNames('solo')).toEqual(['ungrouped'])
  })

  it('rejects a misspelt group key at the key', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tsplay-inv-')), 'hosts.yml')
    writeFileSync(file, 'all:\n  children:\n    web:\n      hostz:\n        w1:\n')
    expect(() => loadInventory([file])).toThrow(/hosts\.yml:4:7: invalid key 'hostz' in group 'web': expected hosts, vars or children$/)
  })
})

describe('group_vars and host_vars beside the inventory', () => {
  it('reads files and folders, merging folder files in name order', () => {
    const inv = loadInventory([`${FIX}/withvars/hosts.ini`])
    const [dirs] = inv.varsDirs
    expect(dirs!.groups.get('all')!.vars).toEqual({ everyone: true, from_ini: 'all-file' })
    expect(dirs!.groups.get('web')!.vars).toEqual({ port: 8080, extra: [1, 2] })
    expect(dirs!.hosts.get('w1')!.vars).toEqual({ inline: 'host_vars' })
    expect(dirs!.groups.get('web')!.source).toBe(`${FIX}/withvars/group_vars/web/10-main.yml`)
  })
})

describe('host patterns', () => {
  const inv = loadInventory([`${FIX}/typed.ini`])

  it.each([
    ['web[0:2]', ['web01', 'web02', 'web03']],
    ['web[1:]', ['web02', 'web03', 'db1']],
    ['web[-1]', ['db1']],
    ['dbs:!web', ['db-a', 'db-b', 'db-c']],
    ['prod:&dbs', ['db1', 'db-a', 'db-b', 'db-c']],
    ['~db.*', ['db1', 'db-a', 'db-b', 'db-c']],
    ['db-*,web01', ['db-a', 'db-b', 'db-c', 'web01']],
    ['all:!prod', []],
    ['nope', []],
    ['web01:localhost', ['web01', 'localhost']],
  ])('%s selects what ansible selects', (pattern, hosts) => {
    expect(inv.select(pattern)).toEqual(hosts)
  })

  it('splits on commas first, else on colons outside brackets', () => {
    expect(splitPattern('a:&b:!c[1:2]')).toEqual(['a', '&b', '!c[1:2]'])
    expect(splitPattern('a:b,c')).toEqual(['a:b', 'c'])
  })
})

describe('helpers', () => {
  it('expands ranges with leading zeros, strides and letters', () => {
    expect(expandHostRange('n[08:11]')).toEqual(['n08', 'n09', 'n10', 'n11'])
    expect(expandHostRange('n[1:5:2]x[a:b]')).toEqual(['n1xa', 'n1xb', 'n3xa', 'n3xb', 'n5xa', 'n5xb'])
  })

  it('evaluates Python literals like ast.literal_eval and refuses non-literals', () => {
    expect(literalEval("{'a': [1, 2.5, True, None], 'b': ('x',)}")).toEqual({ a: [1, 2.5, true, null], b: ['x'] })
    expect(literalEval('0x1F')).toBe(31)
    expect(literalEval('-3')).toBe(-3)
    expect(literalEval('0644')).toBeUndefined()
    expect(literalEval('true')).toBeUndefined()
    expect(literalEval("'a' 'b'")).toBe('ab')
  })

  it('splits words like Python shlex in POSIX mode', () => {
    expect(shlexSplit(`a "b c" 'd e' f\\ g x="y z"#c`, { comments: true })).toEqual(['a', 'b c', 'd e', 'f g', 'x=y z'])
    expect(shlexSplit(`say "a \\"q\\" \\$x"`)).toEqual(['say', 'a "q" \\$x'])
    expect(shlexSplit(`empty '' ""`)).toEqual(['empty', '', ''])
  })
})

describe('readVarsFile', () => {
  it("reads a list of mappings only for a play's vars_files, later over earlier, as ansible's preprocess_vars", () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tsplay-vf-')), 'vars.yml')
    writeFileSync(file, '- {a: 1, b: 1}\n- {b: 2}\n')
    expect(readVarsFile(file, true)).toEqual({ a: 1, b: 2 })
    expect(() => readVarsFile(file)).toThrow('a variables file must be a mapping of names to values')
    writeFileSync(file, '- {a: 1}\n- x\n')
    expect(() => readVarsFile(file, true)).toThrow('variable files must contain either a dictionary of variables, or a list of dictionaries')
  })
})
