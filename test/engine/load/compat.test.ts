// Content ansible-core 2.14 loads that tsplay refused or misread (issue 13): templated k=v keys, the old include:,
// free-form import_role, import_playbook vars, play vars as a list, vars folders in roles, role params reaching
// dependencies, aliases as tasks, invalid register names.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadPlaybook } from '../../../engine/load/playbook.js'
import { flattenTasks, type Play, type Task } from '../../../engine/load/model.js'
import { parseKeyValues } from '../../../engine/load/args.js'

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'compat-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  return dir
}
const plays = (files: Record<string, string>): readonly Play[] => loadPlaybook(join(project(files), 'site.yml')).plays
const tasksOf = (play: Play): Task[] => flattenTasks([...play.preTasks, ...play.tasks, ...play.postTasks])
const PLAY = '- hosts: all\n  gather_facts: false\n'

describe('loader compatibility with ansible-core', () => {
  it('takes a templated key in k=v text, as parse_kv does (the module names it at run time)', () => {
    expect(parseKeyValues('{{ item.key }}=v{{ item.value }} a="b c"', undefined, new Set()).args).toEqual({ '{{ item.key }}': 'v{{ item.value }}', a: 'b c' })
    const [task] = tasksOf(plays({ 'site.yml': `${PLAY}  tasks:\n    - set_fact: "{{ item.key }}={{ item.value }}"\n      loop: []\n` })[0]!)
    expect(task!.args).toEqual({ '{{ item.key }}': '{{ item.value }}' })
  })

  it('reads the old include: statically as import_tasks, its k=v words as variables', () => {
    const [play] = plays({ 'site.yml': `${PLAY}  tasks:\n    - include: more.yml x=1\n`, 'more.yml': '- debug: msg="{{ x }}"\n' })
    const [task] = tasksOf(play!)
    expect(task!.action).toBe('debug')
    expect(play!.tasks[0]).toMatchObject({ kind: 'block', params: { level: 'include_params', vars: { x: '1' } } })
  })

  it('reads free-form import_role with handlers_from, and names a role from import_playbook vars', () => {
    const [first, second] = plays({
      'site.yml': '- import_playbook: inner.yml\n  vars:\n    which: r\n' + `${PLAY}  tasks:\n    - import_role: name=r handlers_from=other\n`,
      'inner.yml': `${PLAY}  vars:\n    which: overridden\n  tasks:\n    - import_role:\n        name: "{{ which }}"\n`,
      'roles/r/tasks/main.yml': '- debug: msg=r\n',
      'roles/r/handlers/other.yml': '- name: from other\n  debug: msg=h\n',
    })
    expect(first!.vars).toEqual({ which: 'r' })
    expect(tasksOf(first!).map((t) => t.args)).toEqual([{ msg: 'r' }])
    expect(second!.handlers.map((h) => h.name)).toEqual(['from other'])
  })

  it('merges play vars given as a list of mappings', () => {
    expect(plays({ 'site.yml': `${PLAY}  vars:\n    - a: 1\n    - b: 2\n      a: 3\n  tasks: []\n` })[0]!.vars).toEqual({ a: 3, b: 2 })
  })

  it('reads defaults/main/ and vars/main/ folders: every file, sorted, later ones winning', () => {
    const [play] = plays({
      'site.yml': `${PLAY}  roles: [r]\n`,
      'roles/r/tasks/main.yml': '- debug: msg=r\n',
      'roles/r/defaults/main/b.yml': 'x: b\nonly_b: 1\n',
      'roles/r/defaults/main/a.yml': 'x: a\nonly_a: 1\n',
      'roles/r/defaults/main/.hidden.yml': 'x: hidden\n',
      'roles/r/vars/main/sub/c.yaml': 'v: c\n',
    })
    expect(play!.roles[0]!.defaults).toEqual({ x: 'b', only_a: 1, only_b: 1 })
    expect(play!.roles[0]!.vars).toEqual({ v: 'c' })
  })

  it("gives a role's parameters to its dependencies", () => {
    const [play] = plays({
      'site.yml': `${PLAY}  roles:\n    - role: parent\n      pp: param\n`,
      'roles/parent/tasks/main.yml': '- debug: msg=parent\n',
      'roles/parent/meta/main.yml': 'dependencies: [dep]\n',
      'roles/dep/tasks/main.yml': '- debug: msg="{{ pp }}"\n',
    })
    const dep = tasksOf(play!)[0]!
    const params = []
    for (let s: Task['scope'] | undefined = dep.scope; s; s = s.parent) if (s.params) params.push(s.params.vars)
    expect(params).toContainEqual({ pp: 'param' })
  })

  it('runs a task given as a YAML alias', () => {
    const tasks = tasksOf(plays({ 'site.yml': `${PLAY}  tasks:\n    - &t\n      name: twice\n      debug: msg=x\n    - *t\n` })[0]!)
    expect(tasks.map((t) => t.name)).toEqual(['twice', 'twice'])
  })

  it('refuses a register name that is not a variable name, as ansible does', () => {
    expect(() => plays({ 'site.yml': `${PLAY}  tasks:\n    - command: echo\n      register: 200\n` })).toThrow("register: invalid variable name '200'")
  })

  it('lets a role import itself for another tasks file, and refuses the same file again', () => {
    const role = (tasks: string) => ({ 'site.yml': `${PLAY}  roles: [r]\n`, 'roles/r/tasks/main.yml': '- import_role: {name: r, tasks_from: other.yml}\n', 'roles/r/tasks/other.yml': tasks })
    expect(tasksOf(plays(role('- debug: msg=hi\n'))[0]!).map((t) => t.action)).toEqual(['debug'])
    expect(() => plays(role('- import_role: {name: r, tasks_from: other.yml}\n'))).toThrow(/recursive import/)
  })
})
