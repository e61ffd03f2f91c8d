// Issue 16's crashes and hangs on bad input, one regression test each: a clear located error (exit code as
// ansible-playbook 2.14 gives for the same input, measured), never a stack trace, nothing run; and the run-time
// ones (a NUL byte in a command, a bad environment name) fail only their task.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { main } from '../../../engine/cli/index.js'

const PLAY = (tasks: string, extra = ''): string => `- hosts: all\n  gather_facts: false\n${extra}  tasks:\n${tasks}`

async function run(files: Record<string, string | Buffer>, ...args: string[]): Promise<{ code: number; out: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-input-'))
  for (const [name, content] of Object.entries({ 'hosts.ini': 'h1 ansible_connection=local\n', ...files })) {
    mkdirSync(join(dir, name, '..'), { recursive: true })
    writeFileSync(join(dir, name), typeof content === 'string' ? content.replaceAll('DIR', dir) : content)
  }
  const chunks: string[] = []
  const code = await main(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), ...args], (s) => void chunks.push(s), (s) => void chunks.push(s))
  const out = chunks.join('')
  expect(out).not.toMatch(/internal error|^\s+at /m)
  return { code, out, dir }
}

const TOUCH = '    - command: touch DIR/ran\n'

describe('bad input is refused before anything runs', () => {
  const cases: Array<[string, Record<string, string | Buffer>, number, RegExp]> = [
    ['an empty playbook', { 'site.yml': '' }, 4, /site\.yml:1:1: empty playbook, nothing to do/],
    ['hosts: null', { 'site.yml': `- hosts: null\n  tasks:\n${TOUCH}` }, 4, /site\.yml:1:10: hosts list cannot be empty/],
    ['<<: merging a scalar', { 'site.yml': PLAY(TOUCH, '  vars:\n    <<: 3\n') }, 4, /site\.yml:4:9: yaml syntax error: expected a mapping or list of mappings for merging/],
    ['an undefined alias', { 'site.yml': PLAY(TOUCH, '  vars:\n    port: *http_port\n') }, 4, /site\.yml:4:11: yaml syntax error: found undefined alias 'http_port'/],
    ['a NUL byte', { 'site.yml': PLAY(`${TOUCH}    - debug: msg=a\0b\n`) }, 4, /site\.yml:5:19: yaml: unacceptable character #x0000/],
    ['bytes that are not UTF-8', { 'site.yml': Buffer.concat([Buffer.from(PLAY(`${TOUCH}    - debug: msg=`)), Buffer.from([0xff, 0xfe, 0x0a])]) }, 4, /site\.yml:5:18: invalid utf-8 byte 0xff/],
    ['an import_tasks cycle', { 'site.yml': PLAY(`${TOUCH}    - import_tasks: a.yml\n`), 'a.yml': '- import_tasks: b.yml\n', 'b.yml': '- import_tasks: a.yml\n' }, 4, /b\.yml:1:3: import_tasks: recursive import: .*a\.yml -> .*b\.yml -> .*a\.yml/],
    ['a role dependency cycle', { 'site.yml': PLAY(`${TOUCH}    - import_role: {name: r1}\n`), 'roles/r1/meta/main.yml': 'dependencies: [r2]\n', 'roles/r2/meta/main.yml': 'dependencies: [r1]\n' }, 4, /meta\/main\.yml:1:\d+: role 'r1': recursive import/],
    ['an inventory children cycle', { 'site.yml': PLAY(TOUCH), 'hosts.ini': '[a:children]\nb\n[b:children]\na\n[a]\nh1 ansible_connection=local\n' }, 4, /hosts\.ini:4:1: adding group 'a' as child to 'b' creates a recursive dependency loop/],
    ['a host range of a hundred million hosts', { 'site.yml': PLAY(TOUCH), 'hosts.ini': 'host[0:99999999]\n' }, 4, /hosts\.ini:1:1: host range 'host\[0:99999999\]' makes 100000000 hosts, more than the 100000/],
    ['an alias bomb', { 'site.yml': PLAY(TOUCH, `  vars:\n    a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 8 }, (_, i) => `    a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]\n`).join('')}`) }, 4, /site\.yml:\d+:\d+: yaml: aliases expand this file to more than 100000 values/],
    ['nesting 5000 levels deep', { 'site.yml': PLAY(TOUCH, `  vars:\n    x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`) }, 4, /site\.yml:4:\d+: yaml/],
  ]
  for (const [what, files, code, message] of cases) {
    it(what, async () => {
      const r = await run(files)
      expect(r.out).toMatch(message)
      expect(r.code).toBe(code)
      expect(existsSync(join(r.dir, 'ran'))).toBe(false)
    })
  }

  it('a vars_files YAML error keeps its reason and line', async () => {
    const r = await run({ 'site.yml': PLAY(TOUCH, '  vars_files: [vars.yml]\n'), 'vars.yml': 'a: 1\nb: [\n' })
    expect(r.out).toMatch(/vars\.yml:3:1: yaml syntax error/)
    expect(r.code).toBe(4)
  })

  it('CR-only line endings are read as PyYAML reads them', async () => {
    const r = await run({ 'site.yml': PLAY(TOUCH).replaceAll('\n', '\r') })
    expect(r.code).toBe(0)
    expect(existsSync(join(r.dir, 'ran'))).toBe(true)
  })
})

describe('command-line errors exit as ansible-playbook', () => {
  const cases: Array<[string, string[], number, RegExp]> = [
    ['-e with broken JSON', ['-e', '{"a": '], 4, /--extra-vars:1:7: yaml syntax error/],
    ['-e with a list', ['-e', '[1, 2]'], 5, /'\[1, 2\]' could not be made into a dictionary/],
    ['-e with a path without @', ['-e', '/etc/passwd'], 5, /please prepend extra_vars filename/],
    ['-e @ a missing file', ['-e', '@/nonexistent.yml'], 1, /unable to retrieve file contents/],
    ['--limit with a broken regex', ['--limit', '~('], 1, /invalid host list pattern: ~\(/],
    ['--limit matching nothing', ['--limit', 'nomatch'], 1, /leaves us with no hosts to target/],
    ['--limit naming the implicit localhost only', ['--limit', 'localhost'], 1, /leaves us with no hosts to target/],
    ['--check=no', ['--check=no'], 2, /argument --check: ignored explicit argument 'no'/],
    ['an unknown option', ['--bogus'], 2, /unknown option '--bogus'/],
  ]
  for (const [what, args, code, message] of cases) {
    it(what, async () => {
      const r = await run({ 'site.yml': PLAY(TOUCH) }, ...args)
      expect(r.out).toMatch(message)
      expect(r.code).toBe(code)
      expect(existsSync(join(r.dir, 'ran'))).toBe(false)
    })
  }

  it('a missing playbook exits 1', async () => {
    const chunks: string[] = []
    expect(await main(['run', '/nonexistent/site.yml'], (s) => void chunks.push(s), (s) => void chunks.push(s))).toBe(1)
    expect(chunks.join('')).toContain('the playbook: /nonexistent/site.yml could not be found')
  })
})

describe('bad values at run time fail their task, not the run', () => {
  it('a NUL byte in a command argument fails the task; ignore_errors lets the play go on', async () => {
    const r = await run({ 'site.yml': PLAY(`    - command: "echo {{ x }}"\n      vars: {x: "a\\0b"}\n      ignore_errors: true\n${TOUCH}`) })
    expect(r.out).toMatch(/embedded null byte/)
    expect(r.code).toBe(0)
    expect(existsSync(join(r.dir, 'ran'))).toBe(true)
  })

  it('range() of a billion items fails the task instead of aborting the process', async () => {
    const r = await run({ 'site.yml': PLAY(`    - debug: msg="{{ range(1000000000) | list | length }}"\n`) })
    expect(r.out).toMatch(/range\(\) of 1000000000 items is more than the 100000 allowed/)
    expect(r.code).toBe(2)
  })

  it('an environment name with a space fails the task (exit 2)', async () => {
    const r = await run({ 'site.yml': PLAY(`    - command: "true"\n      environment: {"A B": "1"}\n`) })
    expect(r.out).toMatch(/environment: invalid variable name 'A B'/)
    expect(r.code).toBe(2)
  })
})
