import { describe, expect, it } from 'vitest'
import { renderValue } from '../../../../engine/template/index.js'
import { ansiblePrinted, comparable, debugTasks, fixture, play, tsplayPrinted } from './compare.js'

const EXPRESSIONS = [
  "lookup('pipe', 'pwd')",
  "lookup('pipe', 'printf \"a b  \\n\\n\"')",
  "lookup('pipe', 'echo one', 'echo two')",
  "query('pipe', 'cat marker.txt')",
  "lookup('pipe', 'exit 3')",
  "lookup('pipe', 'exit 3', errors='ignore')",
  "lookup('lines', 'printf \"x\\ny\\r\\nz\"')",
  "query('lines', 'printf \"x\\ny\\n\"', 'echo w')",
  "query('lines', 'true')",
  "lookup('lines', 'false')",
  // a term that is a template is rendered once more, as ansible's listify_lookup_plugin_terms does
  "lookup('pipe', 'echo {{ inventory_hostname }}')",
]

describe('pipe and lines', () => {
  it('print what ansible-playbook prints, run in the playbook`s folder', { timeout: 180_000 }, async () => {
    const dir = fixture({
      'sub/site.yml': play(`${debugTasks(EXPRESSIONS)}    - debug: {msg: "{{ item }}"}\n      with_lines: printf 'l1\\nl2\\n'\n`),
      'sub/marker.txt': 'marker\n',
    })
    const [ansible, tsplay] = await Promise.all([ansiblePrinted(dir, 'sub/site.yml'), tsplayPrinted(dir, 'sub/site.yml')])
    expect(tsplay.map(comparable)).toEqual(ansible.map(comparable))
    expect(ansible[0]!.msg).toBe(`${dir}/sub`)
    expect(ansible.length).toBe(EXPRESSIONS.length + 1)
  })

  it('names the command and its exit code', () => {
    expect(() => renderValue("{{ lookup('pipe', 'exit 3') }}", {})).toThrow("lookup('pipe'): lookup_plugin.pipe(exit 3) returned 3")
  })
})
