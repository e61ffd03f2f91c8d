import { describe, expect, it } from 'vitest'
import { emptyStats, type RunEvent } from '../../../engine/run/index.js'
import { banner, plainReporter, recapLine } from '../../../engine/report/report.js'
import { unifiedDiff } from '../../../engine/report/diff.js'
import { pyJson } from '../../../engine/python/index.js'

function render(events: RunEvent[], verbosity = 0, diff = false): string {
  let out = ''
  const report = plainReporter({ verbosity, color: false, diff, check: false, write: (s) => void (out += s) })
  for (const e of events) report(e)
  return out
}

describe('report', () => {
  it('pads banners to 80 columns like Ansible', () => {
    expect(banner('PLAY [demo]')).toBe(`\nPLAY [demo] ${'*'.repeat(68)}`)
    expect(banner(`TASK [${'x'.repeat(100)}]`).endsWith(' ***')).toBe(true)
  })

  it('formats PLAY RECAP lines exactly (captured from ansible-playbook 2.14)', () => {
    expect(recapLine('h1', { ...emptyStats(), ok: 6, changed: 2, skipped: 1, ignored: 1 })).toBe('h1                         : ok=6    changed=2    unreachable=0    failed=0    skipped=1    rescued=0    ignored=1   ')
  })

  it('dumps JSON as Python does, sorted, debug indented', () => {
    expect(pyJson({ b: 1, a: [true, null, 'x'] })).toBe('{"a": [true, null, "x"], "b": 1}')
    expect(pyJson({ msg: 'hi' }, 4)).toBe('{\n    "msg": "hi"\n}')
    expect(pyJson([], 4)).toBe('[]')
  })

  it('prints results as the default callback', () => {
    const data = { changed: false, msg: 'boom', failed: true }
    const out = render([
      { type: 'task', name: 'x', handler: false, hosts: ['h1'] },
      { type: 'result', taskName: 'x', result: { host: 'h1', status: 'failed', data, diff: [], changes: [], ignored: true } },
      { type: 'result', taskName: 'x', result: { host: 'h2', status: 'changed', delegatedTo: 'h3', data: { changed: true }, diff: [], changes: [] } },
      { type: 'item', taskName: 'x', result: { host: 'h2', status: 'skipped', label: 'a', data: { skipped: true }, diff: [], changes: [] } },
      { type: 'result', taskName: 'x', result: { host: 'h4', status: 'ok', verboseAlways: true, data: { changed: false, msg: 'hi' }, diff: [], changes: [] } },
    ])
    expect(out).toBe(`${banner('TASK [x]')}\nfatal: [h1]: FAILED! => {"changed": false, "msg": "boom"}\n...ignoring\nchanged: [h2 -> h3]\nskipping: [h2] => (item=a) \nok: [h4] => {\n    "msg": "hi"\n}\n`)
  })

  it("prints a module's warnings before its result and leaves them out of the dump, as the default callback", () => {
    const out = render([
      { type: 'result', taskName: 'x', result: { host: 'h1', status: 'changed', data: { changed: true, warnings: ['w1', 'w2'] }, diff: [], changes: [] } },
      { type: 'result', taskName: 'x', result: { host: 'h1', status: 'failed', data: { changed: false, msg: 'no', warnings: ['w3'] }, diff: [], changes: [] } },
    ], 1)
    expect(out).toBe('[WARNING]: w1\n[WARNING]: w2\nchanged: [h1] => {"changed": true}\n[WARNING]: w3\nfatal: [h1]: FAILED! => {"changed": false, "msg": "no"}\n')
  })

  it('shows an assert result without -v, indented and not cleaned as debug, looped or not (assert.out.quiet.stdout of ansible-core 2.14)', () => {
    const item = { ansible_loop_var: 'item', changed: false, item: 'item_A', msg: 'All assertions passed' }
    const out = render([
      { type: 'item', taskName: 'assert', result: { host: 'localhost', status: 'ok', label: 'item_A', data: item, diff: [], changes: [], showAlways: true } },
      { type: 'item', taskName: 'assert', result: { host: 'localhost', status: 'ok', label: 'item_A', data: { ...item, msg: undefined }, diff: [], changes: [] } },
    ])
    expect(out).toBe('ok: [localhost] => (item=item_A) => {\n    "ansible_loop_var": "item",\n    "changed": false,\n    "item": "item_A",\n    "msg": "All assertions passed"\n}\nok: [localhost] => (item=item_A)\n')
  })

  it('prints unified diffs with --diff', () => {
    expect(unifiedDiff({ before: 'a\nb\nc\n', after: 'a\nB\nc\n', beforeHeader: '/f', afterHeader: '/f' })).toBe('--- before: /f\n+++ after: /f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n')
    expect(unifiedDiff({ before: '', after: 'new\n' })).toBe('--- before\n+++ after\n@@ -0,0 +1 @@\n+new\n')
    // as ansible's callback: a missing final newline is a difference of its own, marked
    expect(unifiedDiff({ before: 'k = v', after: 'k = v\n' })).toBe('--- before\n+++ after\n@@ -1 +1 @@\n-k = v\n\\ No newline at end of file\n+k = v\n')
  })

  it("prints a prepared diff as it is, without headers or a blank line (unarchive's itemised zip list)", () => {
    const diff = [{ before: '', after: '', prepared: '>f++++++.?? tree/a\n.fcst....?? tree/b\n' }]
    const out = render([
      { type: 'task', name: 'x', handler: false, hosts: ['h1'] },
      { type: 'result', taskName: 'x', result: { host: 'h1', status: 'changed', data: { changed: true }, diff, changes: [] } },
    ], 0, true)
    expect(out).toBe(`${banner('TASK [x]')}\n>f++++++.?? tree/a\n.fcst....?? tree/b\nchanged: [h1]\n`)
  })

  it('leaves a blank line after each diff, before the verdict, as ansible-playbook 2.14 prints it', () => {
    const diff = [{ before: 'a\n', after: 'b\n', beforeHeader: '/f', afterHeader: '/f' }, { before: '{}\n', after: '{\n}\n' }]
    const out = render([
      { type: 'task', name: 'x', handler: false, hosts: ['h1'] },
      { type: 'result', taskName: 'x', result: { host: 'h1', status: 'changed', data: { changed: true }, diff, changes: [] } },
    ], 0, true)
    expect(out).toBe(`${banner('TASK [x]')}\n--- before: /f\n+++ after: /f\n@@ -1 +1 @@\n-a\n+b\n\n--- before\n+++ after\n@@ -1 +1,2 @@\n-{}\n+{\n+}\n\nchanged: [h1]\n`)
  })
})

describe('report with -v', () => {
  it('lists the planned changes, with "would" in check mode', () => {
    let out = ''
    const report = plainReporter({ verbosity: 1, color: false, diff: false, check: true, write: (s) => void (out += s) })
    report({ type: 'result', taskName: 'x', result: { host: 'h1', status: 'changed', data: { changed: true }, diff: [], changes: ['write /etc/motd'] } })
    expect(out).toBe('changed: [h1] => {"changed": true}\n    would write /etc/motd\n')
  })
})
