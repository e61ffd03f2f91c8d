import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { renderValue } from '../../../../engine/template/index.js'
import { searchCandidates } from '../../../../engine/template/lookups/search.js'
import { ansiblePrinted, comparable, debugTasks, fixture, play, tsplayPrinted } from './compare.js'

// A role with files/, templates/ and vars/, a dependency reached through include_role, files next to the playbook;
// the same playbook runs under ansible-playbook 2.14 and tsplay and every task must print the same.
const ROLE_TASKS = `${debugTasks([
  "lookup('first_found', ['nope.txt', 'rfile.txt'])",
  "lookup('first_found', ['pbfile.txt'])",
  "lookup('first_found', {'files': ['a.yml', 'rvars.yml'], 'paths': ['vars']})",
  "lookup('first_found', 'x.txt', 'nothing', skip=True)",
  "lookup('first_found', files=['x.txt', 'rfile.txt'])",
  "lookup('first_found', 'a,rfile.txt;b')",
  "lookup('first_found', 'x.txt')",
  "lookup('file', 'rfile.txt') ~ ' ' ~ (lookup('file', 'pbfile.txt', rstrip=False) | length)",
  "lookup('file', 'pbfile.txt', lstrip=True)",
  "lookup('file', 'missing.txt')",
  "lookup('fileglob', '*.txt')",
  "query('fileglob', 'sub/*.cfg') | sort",
  "lookup('fileglob', 'sub/*.none')",
  "lookup('template', 't.j2', template_vars={'who': 'tv'})",
  "lookup('template', 'custom.j2', variable_start_string='[%', variable_end_string='%]')",
  "lookup('template', 'list.j2')",
  "lookup('template', 'list.j2', convert_data=False)",
  "lookup('template', 'nope.j2')",
], '')}- debug:
    msg: "{{ item }}"
  with_first_found:
    - files: ["{{ undefined_thing }}.yml", "rfile.txt"]
  ignore_errors: true
- debug:
    msg: "{{ item }}"
  with_first_found: ["{{ undefined_thing }}.yml", "rfile.txt"]
- template: src="{{ item }}" dest=/dev/null
  check_mode: true
  with_first_found: ["{{ nope }}", "t2.j2"]
- include_vars: "{{ item }}"
  with_first_found: [rvars.yml]
- debug:
    msg: "{{ item }}"
  with_first_found:
    - files: [zzz]
      skip: true
- debug:
    msg: "{{ item }}"
  with_file: [rfile.txt, pbfile.txt]
- debug:
    msg: "{{ item | basename }}"
  with_fileglob: ["sub/a.*"]
- include_tasks: "{{ lookup('first_found', files) }}"
  vars:
    files: ["{{ ansible_os_family | default('none') | lower }}.yml", default.yml]
- include_tasks: "{{ item }}"
  with_first_found: ["{{ ansible_os_family | lower }}.yml", "{{ ansible_distribution }}.yml", default.yml]
- include_role: name=dep
`

const FILES = {
  'site.yml': play(debugTasks(["lookup('first_found', ['pbfile.txt'])", "lookup('file', 'pbfile.txt')", "lookup('first_found', ['rfile.txt'])"]), '  roles: [r]\n'),
  'roles/r/tasks/main.yml': ROLE_TASKS,
  'roles/dep/tasks/main.yml': debugTasks(["lookup('first_found', ['depfile.txt'])", "lookup('first_found', ['rfile.txt'])"], ''),
  'roles/dep/files/depfile.txt': 'dep\n',
  'roles/r/tasks/default.yml': debugTasks(["'included ' ~ lookup('first_found', ['rfile.txt'])"], ''),
  'roles/r/files/rfile.txt': 'role file\n\n',
  'roles/r/files/sub/a.cfg': 'x\n',
  'roles/r/files/sub/b.cfg': 'y\n',
  'files/pbfile.txt': '  pb file  \n',
  'roles/r/vars/rvars.yml': 'x: 1\n',
  'roles/r/templates/t.j2': 'hello {{ who | default("nobody") }} from {{ template_path }}\n',
  'roles/r/templates/t2.j2': 'plain\n',
  'roles/r/templates/custom.j2': 'a [% who | default("c") %] {{ raw }}\n',
  'roles/r/templates/list.j2': '[1, 2]\n',
}

describe('file lookups in roles and playbooks', () => {
  it('print what ansible-playbook prints', { timeout: 180_000 }, async () => {
    const dir = fixture(FILES)
    const [ansible, tsplay] = await Promise.all([ansiblePrinted(dir), tsplayPrinted(dir)])
    expect(tsplay.map(comparable)).toEqual(ansible.map(comparable))
    expect(ansible.length).toBeGreaterThan(25)
  })
})

describe('search path', () => {
  // Expected lists come from ansible's own DataLoader.path_dwim_relative_stack on the same folders.
  it('tries the folders ansible`s DataLoader tries, in its order', () => {
    const dir = fixture({ 'roles/r/tasks/main.yml': '[]\n', 'roles/r/tasks/sub/main.yml': '[]\n', 'roles/r/tasks/deep/x.yml': '[]\n', 'tasks/t.yml': '[]\n' })
    const stacks = [[`${dir}/roles/r`, `${dir}/roles/r/tasks`, dir], [`${dir}/roles/r/tasks/sub`], [`${dir}/roles/r/tasks/deep`], [`${dir}/tasks`, dir], [`${dir}/roles/r/`]]
    const script = `
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.errors import AnsibleFileNotFound
l = DataLoader(); l.set_basedir(sys.argv[1])
out = []
for stack in json.loads(sys.argv[2]):
    try:
        l.path_dwim_relative_stack(stack, 'templates', 'zz')
    except AnsibleFileNotFound as e:
        out.append(e.paths)
print(json.dumps(out))`
    const expected = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, dir, JSON.stringify(stacks)], { encoding: 'utf8' })) as string[][]
    expect(stacks.map((stack) => searchCandidates(stack, 'templates', 'zz', dir))).toEqual(expected)
  })

  it('reads a vaulted file through the vault hook, which needs the run\'s vault secrets', () => {
    const dir = fixture({ 'files/v.txt': '$ANSIBLE_VAULT;1.1;AES256\n6162\n' })
    expect(() => renderValue("{{ lookup('unvault', 'v.txt') }}", { playbook_dir: dir })).toThrow('no vault secrets were given')
    expect(() => renderValue("{{ lookup('file', 'v.txt') }}", { playbook_dir: dir })).toThrow('no vault secrets were given')
    expect(() => renderValue("{{ lookup('unvault', 'none.txt') }}", { playbook_dir: dir })).toThrow('Unable to find file matching "none.txt"')
  })
})

describe('template lookup', () => {
  it('reads custom comment markers, and Jinja2`s own markers as plain text under custom ones', () => {
    const dir = fixture({ 'templates/c.j2': 'a <# hidden #> {# shown #} [[ x ]] {{ y }}\n' })
    const options = "comment_start_string='<#', comment_end_string='#>', variable_start_string='[[', variable_end_string=']]'"
    expect(renderValue(`{{ lookup('template', 'c.j2', ${options}) }}`, { playbook_dir: dir, x: 1 })).toBe('a  {# shown #} 1 {{ y }}\n')
  })
})
