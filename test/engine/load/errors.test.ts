// Every load-time error: exact message, location and offending line, before any host is touched.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PlaybookError } from '../../../engine/errors.js'
import { loadPlaybook } from '../../../engine/load/playbook.js'

function load(yaml: string, files: Record<string, string> = {}): { error: PlaybookError; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'loader-errors-'))
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), text)
  }
  const file = join(dir, 'site.yml')
  writeFileSync(file, yaml)
  try {
    loadPlaybook(file)
  } catch (error) {
    if (error instanceof PlaybookError) return { error, file }
    throw error
  }
  throw new Error('expected a PlaybookError')
}

const play = (tasks: string): string => `- hosts: all\n  tasks:\n${tasks}`

describe('loader errors', () => {
  it('yaml syntax error', () => {
    const { error, file } = load('- hosts: all\n  tasks:\n  - debug: msg=x\n   - bad\n')
    expect(error.explain()).toBe(`${file}:4:4: yaml syntax error: all sequence items must start at the same column\n       - bad\n       ^`)
  })

  it('a playbook that is not a list', () => {
    const { error, file } = load('hosts: all\n')
    expect(error.message).toBe(`${file}:1:1: a playbook must be a list of plays`)
  })

  it('unknown play keyword with a hint', () => {
    const { error, file } = load('- hosts: all\n  gather_fact: false\n')
    expect(error.message).toBe(`${file}:2:3: play: unknown keyword 'gather_fact' (did you mean 'gather_facts'?)`)
    expect(error.explain()).toBe(`${file}:2:3: play: unknown keyword 'gather_fact' (did you mean 'gather_facts'?)\n      gather_fact: false\n      ^`)
  })

  it('play without hosts', () => {
    const { error, file } = load('- name: x\n  tasks: []\n')
    expect(error.message).toBe(`${file}:1:3: play: missing 'hosts'`)
  })

  it('unknown task keyword with a hint', () => {
    const { error, file } = load(play('    - debug: msg=x\n      whne: true\n'))
    expect(error.message).toBe(`${file}:4:7: unknown keyword or module 'whne' (did you mean 'when'?)`)
  })

  it('unknown module with a hint', () => {
    const { error, file } = load(play('    - comand: ls\n'))
    expect(error.message).toBe(`${file}:3:7: unknown keyword or module 'comand' (did you mean 'command'?)`)
  })

  it('two modules in one task', () => {
    const { error, file } = load(play('    - command: ls\n      shell: ls\n'))
    expect(error.message).toBe(`${file}:4:7: conflicting action statements: command, shell`)
  })

  it('a task without a module', () => {
    const { error, file } = load(play('    - name: nothing\n'))
    expect(error.message).toBe(`${file}:3:7: task has no action: expected a module name such as command, copy or debug`)
  })

  it('unknown module argument with a hint', () => {
    const { error, file } = load(play('    - copy:\n        content: x\n        dset: /tmp/x\n'))
    expect(error.message).toBe(`${file}:5:9: copy: unknown argument 'dset' (did you mean 'dest'?)`)
  })

  it('unknown argument in k=v form', () => {
    const { error, file } = load(play('    - debug: msg=x verbosty=1\n'))
    expect(error.message).toBe(`${file}:3:7: debug: unknown argument 'verbosty' (did you mean 'verbosity'?)`)
  })

  it('mistyped argument value', () => {
    const { error, file } = load(play('    - debug:\n        msg: x\n        verbosity: lots\n'))
    expect(error.message).toBe(`${file}:5:20: debug: argument 'verbosity': expected an integer`)
  })

  it('templated values are checked at run time, not at load', () => {
    const dir = mkdtempSync(join(tmpdir(), 'loader-ok-'))
    writeFileSync(join(dir, 'site.yml'), play('    - debug:\n        msg: x\n        verbosity: "{{ level }}"\n'))
    expect(loadPlaybook(join(dir, 'site.yml')).plays[0]!.tasks).toHaveLength(1)
  })

  it('words that are not k=v for a module without free form', () => {
    const { error, file } = load(play('    - debug: hello\n'))
    expect(error.message).toBe(`${file}:3:14: debug: expected key=value arguments, got 'hello'`)
  })

  it('notify naming no handler', () => {
    const { error, file } = load('- hosts: all\n  tasks:\n    - command: "true"\n      notify: restrat nginx\n  handlers:\n    - name: restart nginx\n      command: "true"\n')
    expect(error.message).toBe(`${file}:4:15: notify: no handler named 'restrat nginx' (did you mean 'restart nginx'?)`)
  })

  it('unknown meta action', () => {
    const { error, file } = load(play('    - meta: flush_handler\n'))
    expect(error.message).toBe(`${file}:3:13: meta: unknown action 'flush_handler' (did you mean 'flush_handlers'?)`)
  })

  it('role not found', () => {
    const { error, file } = load('- hosts: all\n  roles:\n    - nosuchrole\n')
    expect(error.message).toMatch(new RegExp(`^${file}:3:7: the role 'nosuchrole' was not found in `))
  })

  it('unknown block keyword', () => {
    const { error, file } = load(play('    - block:\n        - debug: msg=x\n      rescu:\n        - debug: msg=y\n'))
    expect(error.message).toBe(`${file}:5:7: block: unknown keyword 'rescu' (did you mean 'rescue'?)`)
  })

  it('unknown loop_control key', () => {
    const { error, file } = load(play('    - debug: msg={{ x }}\n      loop: [1]\n      loop_control:\n        loopvar: x\n'))
    expect(error.message).toBe(`${file}:6:9: loop_control: unknown keyword 'loopvar' (did you mean 'loop_var'?)`)
  })

  it('unsupported with_ lookup', () => {
    const { error, file } = load(play('    - debug: msg=x\n      with_firstfound: [a]\n'))
    expect(error.message).toMatch(new RegExp(`^${file}:4:7: unsupported loop 'with_firstfound' \\(tsplay supports with_config, `))
  })

  it('import_tasks with a templated file name', () => {
    const { error, file } = load(play('    - import_tasks: "{{ x }}.yml"\n'))
    expect(error.message).toBe(`${file}:3:7: import_tasks: the file name cannot be templated; use include_tasks`)
  })

  it('errors in an imported task file point into that file', () => {
    const { error, file } = load(play('    - import_tasks: more.yml\n'), { 'more.yml': '- debug: msg=x\n- shel: ls\n' })
    expect(error.message).toBe(`${file.replace('site.yml', 'more.yml')}:2:3: unknown keyword or module 'shel' (did you mean 'shell'?)`)
  })

  it('errors in a role point into the role', () => {
    const { error, file } = load('- hosts: all\n  roles: [r]\n', { 'roles/r/tasks/main.yml': '- debug:\n    mgs: x\n' })
    expect(error.message).toBe(`${file.replace('site.yml', 'roles/r/tasks/main.yml')}:2:5: debug: unknown argument 'mgs' (did you mean 'msg'?)`)
  })

  it('a missing playbook', () => {
    expect(() => loadPlaybook('/nonexistent/site.yml')).toThrow('/nonexistent/site.yml:1:1: cannot read file: ENOENT')
  })
})

describe('loader errors, notify', () => {
  it('a notify entry that YAML read as a mapping', () => {
    const { error, file } = load(play('    - command: "true"\n      notify: [a, b : c]\n'))
    expect(error.message).toBe(`${file}:4:19: notify: expected a handler name or a list of names (quote names containing ": ")`)
  })
})
