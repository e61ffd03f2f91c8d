import { describe, expect, it } from 'vitest'
import { alternatives, parseDisplay, planAlternatives } from '../../modules/alternatives.js'

const DISPLAY = `editor - auto mode
  link best version is /usr/bin/vim.basic
  link currently points to /usr/bin/vim.basic
  link editor is /usr/bin/editor
  slave editor.1.gz is /usr/share/man/man1/editor.1.gz
/bin/ed - priority -100
  slave editor.1.gz: /usr/share/man/man1/ed.1.gz
/bin/nano - priority 40
  slave editor.1.gz: /usr/share/man/man1/nano.1.gz
/usr/bin/vim.basic - priority 30
  slave editor.1.gz: /usr/share/man/man1/vim.1.gz
`
const MANUAL = DISPLAY.replace('auto mode', 'manual mode').replace('points to /usr/bin/vim.basic', 'points to /bin/nano')
const plan = (args: Record<string, unknown>, display = DISPLAY, pathExists = true) => planAlternatives(alternatives.args.parse({ name: 'editor', ...args }), { rc: 0, display, pathExists }, { diff: true })
const NANO = [{ name: 'editor.1.gz', path: '/usr/share/man/man1/nano.1.gz', link: '/usr/share/man/man1/editor.1.gz' }]

describe('alternatives', () => {
  it('reads the display as ansible does, negative priorities left out', () => {
    const group = parseDisplay({ rc: 0, display: DISPLAY, pathExists: true })
    expect(group).toMatchObject({ mode: 'auto', currentPath: '/usr/bin/vim.basic', link: '/usr/bin/editor' })
    expect([...group.alternatives.keys()]).toEqual(['/bin/nano', '/usr/bin/vim.basic'])
    expect(group.alternatives.get('/bin/nano')).toEqual({ priority: 40, subcommands: NANO })
    expect(parseDisplay({ rc: 2, display: '', pathExists: true }).alternatives.size).toBe(0)
  })

  it('selects an installed alternative by hand, with ansible messages and diff', () => {
    const p = plan({ path: '/bin/nano' })
    expect(p.changes).toEqual([{ kind: 'set', argv: ['--set', 'editor', '/bin/nano'], summary: 'select /bin/nano for editor' }])
    expect(p.values).toEqual({
      msg: "Set alternative '/bin/nano' for 'editor'.",
      diff: { before: { state: 'present', path: '/bin/nano', priority: 40, link: '/usr/bin/editor', subcommands: NANO }, after: { state: 'selected' } },
    })
    expect(plan({ path: '/bin/nano' }, MANUAL).changes).toEqual([])
  })

  it('reinstalls on a new priority, keeps it otherwise, and returns a manual group to auto', () => {
    expect(plan({ path: '/bin/nano', priority: 60, state: 'present' }).changes.map((c) => c.argv)).toEqual([['--install', '/usr/bin/editor', 'editor', '/bin/nano', '60']])
    expect(plan({ path: '/bin/nano', priority: '40', state: 'present' }).changes).toEqual([])
    expect(plan({ path: '/bin/nano', state: 'auto' }, MANUAL).changes.map((c) => c.argv)).toEqual([['--auto', 'editor']])
    expect(plan({ path: '/usr/bin/vim.basic', state: 'auto' }, MANUAL).values['diff']).toMatchObject({ before: { state: 'selected' }, after: { state: 'present' } })
  })

  it('installs a new alternative with its slaves at priority 50, and removes one', () => {
    const slaves = [{ name: 'x.1.gz', path: '/usr/share/man/man1/x.1.gz', link: '/usr/share/man/man1/editor-x.1.gz' }]
    const p = plan({ path: '/usr/bin/x', state: 'present', slaves })
    expect(p.changes[0]!.argv).toEqual(['--install', '/usr/bin/editor', 'editor', '/usr/bin/x', '50', '--slave', slaves[0]!.link, 'x.1.gz', slaves[0]!.path])
    expect(p.values['diff']).toEqual({ before: { state: 'absent' }, after: { state: 'present', path: '/usr/bin/x', priority: 50, link: '/usr/bin/editor', subcommands: slaves } })
    expect(plan({ path: '/bin/nano', state: 'absent' }).changes.map((c) => c.argv)).toEqual([['--remove', 'editor', '/bin/nano']])
    expect(plan({ path: '/usr/bin/x', state: 'absent' }).changes).toEqual([])
  })

  it('fails as ansible does on a missing path or link', () => {
    expect(() => plan({ path: '/usr/bin/x' }, DISPLAY, false)).toThrow('Specified path /usr/bin/x does not exist')
    expect(() => planAlternatives(alternatives.args.parse({ name: 'tsnew', path: '/bin/true' }), { rc: 2, display: '', pathExists: true })).toThrow('missing the link')
  })
})
