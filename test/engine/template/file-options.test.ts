import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { renderText } from '../../../engine/template/template.js'
import type { Whitespace } from '../../../engine/template/environment.js'
import { encodeText } from '../../../modules/lib/text-encoding.js'
import { templateVars } from '../../../modules/lib/template-vars.js'

// The same text through Python's Jinja2 with the same environment options, as ansible's template action sets them.
function jinja2(text: string, options: Record<string, unknown>, vars: Record<string, unknown>): string {
  const script = 'import json,sys,jinja2\na=json.load(sys.stdin)\nsys.stdout.write(jinja2.Environment(**a["o"]).from_string(a["t"]).render(**a["v"]))'
  return execFileSync('python3', ['-c', script], { input: JSON.stringify({ t: text, o: options, v: vars }), encoding: 'utf8' })
}

const TEXT = 'Before\n[# a comment #]\n{# kept? #}\n  {% if x %}\n  [[ x ]] {{ x }}\n  {% endif %}\nAfter\n'

describe('template environment arguments', () => {
  it.each<[Record<string, unknown>, Whitespace]>([
    [{ trim_blocks: true, comment_start_string: '[#', comment_end_string: '#]' }, { trimBlocks: true, lstripBlocks: false, tags: { commentStart: '[#', commentEnd: '#]' } }],
    [{ trim_blocks: false }, { trimBlocks: false, lstripBlocks: false }],
    [{ trim_blocks: true, lstrip_blocks: true }, { trimBlocks: true, lstripBlocks: true }],
    [{ trim_blocks: true, variable_start_string: '[[', variable_end_string: ']]' }, { trimBlocks: true, lstripBlocks: false, tags: { variableStart: '[[', variableEnd: ']]' } }],
  ])('render as Jinja2 with %j', (python, ours) => {
    expect(renderText(TEXT, { x: 'v' }, 't.j2', ours)).toBe(jinja2(TEXT, { keep_trailing_newline: true, ...python }, { x: 'v' }))
  })

  it('lets a #jinja2: first line win over the arguments, as ansible-core does', () => {
    const body = '{% if x %}\n<# c #}x\n{% endif %}\nend\n'
    const text = `#jinja2: trim_blocks: False, comment_start_string: "<#"\n${body}`
    const ours = renderText(text, { x: 1 }, 't.j2', { trimBlocks: true, lstripBlocks: false, tags: { commentStart: '[#' } })
    expect(ours).toBe(jinja2(body, { keep_trailing_newline: true, trim_blocks: false, comment_start_string: '<#' }, { x: 1 }))
  })
})

describe('encodeText', () => {
  it('writes windows-1252 and latin-1 as Python encodes them, and fails on what they cannot hold', () => {
    const text = 'a € ‚ Ÿ é'
    const python = (codec: string) => execFileSync('python3', ['-c', `import sys;sys.stdout.buffer.write(sys.stdin.read().encode("${codec}"))`], { input: text })
    expect(encodeText(text, 'windows-1252')).toEqual(python('windows-1252'))
    expect(encodeText('é ÿ', 'latin-1')).toEqual(Buffer.from([0xe9, 0x20, 0xff]))
    expect(encodeText(text, '')).toEqual(Buffer.from(text))
    expect(() => encodeText('€', 'latin-1')).toThrow(/can't encode/)
  })
})

describe('templateVars', () => {
  it("gives a template ansible's template_* variables and the default ansible_managed", () => {
    const vars = templateVars('test/fixtures/playbooks/compat/templates/custom.j2', '/etc/x')
    expect(vars).toMatchObject({ template_path: 'test/fixtures/playbooks/compat/templates/custom.j2', template_destpath: '/etc/x', ansible_managed: 'Ansible managed' })
    expect(vars['template_run_date']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
  })
})
