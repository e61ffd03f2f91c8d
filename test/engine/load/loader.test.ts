// The typed model the loader builds: module argument forms, aliases, roles and imports.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { handlerNames, loadPlaybook } from '../../../engine/load/playbook.js'
import { flattenTasks, type Play, type Task } from '../../../engine/load/model.js'
import { parseKeyValues, splitArgs } from '../../../engine/load/args.js'

function loadPlay(yaml: string, files: Record<string, string> = {}): Play {
  const dir = mkdtempSync(join(tmpdir(), 'loader-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  writeFileSync(join(dir, 'site.yml'), yaml)
  return loadPlaybook(join(dir, 'site.yml')).plays[0]!
}

const tasksOf = (play: Play): Task[] => flattenTasks([...play.preTasks, ...play.tasks, ...play.postTasks])

describe('splitArgs and parseKeyValues', () => {
  it('keeps quotes and jinja together', () => {
    expect(splitArgs(`msg="hi {{ a | default('x y') }}" other='b c' d={{ e }}`)).toEqual([`msg="hi {{ a | default('x y') }}"`, `other='b c'`, 'd={{ e }}'])
  })
  it('free-form text keeps words that are not known keys', () => {
    expect(parseKeyValues('ls -l a=b chdir=/tmp', 'cmd', new Set(['chdir', 'cmd']))).toEqual({ args: { chdir: '/tmp', cmd: 'ls -l a=b' } })
  })
  it('reports the first stray word of a module without free form', () => {
    expect(parseKeyValues('a=1 oops', undefined, new Set()).stray).toBe('oops')
  })
})

describe('free-form text over several lines, as ansible parse_kv reads it', () => {
  // ansible's own parser, from the installed ansible-core
  const ansibleParseKv = (text: string): Record<string, string> =>
    JSON.parse(execFileSync('/usr/bin/python3', ['-c', 'import json, sys; from ansible.parsing.splitter import parse_kv; print(json.dumps(parse_kv(sys.argv[1], check_raw=True)))', text], { encoding: 'utf8' })) as Record<string, string>
  it.each([
    'echo this is a \\\n"multiline echo" \\\n"with a new line\nin quotes" \\\n| cat\necho "second line"\n',
    'executable=/bin/bash\ncreates=/tmp/x\necho "test"\n',
    'echo a\n\necho b',
  ])('%j', (text) => {
    const theirs = ansibleParseKv(text)
    const ours = parseKeyValues(text, '_raw_params', new Set(['executable', 'creates', '_raw_params'])).args
    expect(ours).toEqual(theirs)
  })
})

describe('loadPlaybook', () => {
  it('reads dict, k=v, args:, FQCN and local_action forms', () => {
    const play = loadPlay(`- hosts: all
  tasks:
    - ansible.builtin.debug: msg=hello
    - name: with args
      command: ls
      args:
        chdir: /tmp
    - local_action: command echo {{ x }}
    - action:
        module: copy
        content: c
        dest: /tmp/d
`)
    const [a, b, c, d] = tasksOf(play)
    expect([a!.action, a!.args, a!.name]).toEqual(['debug', { msg: 'hello' }, 'ansible.builtin.debug'])
    expect([b!.action, b!.args, b!.name]).toEqual(['command', { chdir: '/tmp', cmd: 'ls' }, 'with args'])
    expect([c!.action, c!.args, c!.keywords['delegate_to']]).toEqual(['command', { cmd: 'echo {{ x }}' }, 'localhost'])
    expect([d!.action, d!.args]).toEqual(['copy', { content: 'c', dest: '/tmp/d' }])
  })

  it('keeps parsed arguments of untemplated tasks for reuse', () => {
    const [t] = tasksOf(loadPlay('- hosts: all\n  tasks:\n    - debug: msg=static\n'))
    expect(t!.staticArgs).toEqual({ msg: 'static', verbosity: 0 })
  })

  it('puts roles first in tasks, dependencies before the role, and role handlers before the play handlers', () => {
    const play = loadPlay(`- hosts: all
  roles: [app]
  tasks:
    - debug: msg="play task"
  handlers:
    - name: play handler
      debug: msg=x
`, {
      'roles/app/tasks/main.yml': '- name: app task\n  debug: msg=a\n',
      'roles/app/meta/main.yml': 'dependencies: [base]\n',
      'roles/app/handlers/main.yml': '- name: app handler\n  debug: msg=h\n  listen: app events\n',
      'roles/base/tasks/main.yaml': '- name: base task\n  debug: msg=b\n',
      'roles/base/defaults/main.yml': 'port: 80\n',
    })
    expect(tasksOf(play).map((t) => t.name)).toEqual(['base task', 'app task', 'debug'])
    expect(play.roles.map((r) => [r.name, r.defaults])).toEqual([['base', { port: 80 }], ['app', {}]])
    expect(play.handlers.map(handlerNames)).toEqual([['app events', 'app handler', 'app : app handler'], ['play handler']])
  })

  it('runs a role once per play unless its parameters differ', () => {
    const play = loadPlay('- hosts: all\n  roles:\n    - r\n    - r\n    - {role: r, x: 1}\n', { 'roles/r/tasks/main.yml': '- debug: msg={{ x | default(0) }}\n' })
    // the repeat is loaded (--list-tasks lists it, as ansible does) but marked, and the runner skips it
    expect(play.tasks.map((b) => b.kind === 'block' && b.repeat === true)).toEqual([false, true, false])
    expect(play.tasks.filter((b) => !(b.kind === 'block' && b.repeat)).flatMap((b) => (b.kind === 'block' ? b.block : [b]))).toHaveLength(2)
  })

  it('flattens import_tasks under the import keywords and vars', () => {
    const play = loadPlay('- hosts: all\n  tasks:\n    - import_tasks: more.yml\n      when: a\n      vars: {v: 1}\n', { 'more.yml': '- debug: msg=one\n- debug: msg=two\n' })
    const tasks = tasksOf(play)
    expect(tasks).toHaveLength(2)
    expect(tasks[0]!.scope.keywords['when']).toBe('a')
    expect(tasks[0]!.scope.params).toEqual({ level: 'include_params', vars: { v: 1 } })
  })

  it('follows import_playbook', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loader-'))
    writeFileSync(join(dir, 'other.yml'), '- hosts: b\n  tasks: []\n')
    writeFileSync(join(dir, 'site.yml'), '- hosts: a\n  tasks: []\n- import_playbook: other.yml\n')
    expect(loadPlaybook(join(dir, 'site.yml')).plays.map((p) => p.hosts)).toEqual(['a', 'b'])
  })
})
