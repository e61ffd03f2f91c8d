import { describe, expect, it } from 'vitest'
import { debconf, parseDebconfShow, planDebconf } from '../../modules/debconf.js'

const SHOW = '* tzdata/Areas: Etc\n  tzdata/Zones/Europe:\n* tzdata/Zones/Etc: UTC\n'
const plan = (args: Record<string, unknown>, stdout = SHOW, diff = true) => planDebconf(debconf.args.parse({ name: 'tzdata', ...args }), { rc: 0, stdout, stderr: '' }, { diff })

describe('debconf', () => {
  it('reads debconf-show without the seen marks', () => {
    expect(parseDebconfShow(SHOW)).toEqual({ 'tzdata/Areas': 'Etc', 'tzdata/Zones/Europe': '', 'tzdata/Zones/Etc': 'UTC' })
    expect(parseDebconfShow('* a/b: x: y\n')).toEqual({ 'a/b': 'x: y' })
  })

  it('returns all answers as current when only the package is given', () => {
    expect(plan({})).toEqual({ changes: [], values: { msg: '', current: parseDebconfShow(SHOW) } })
  })

  it('sets a differing answer with the dict diff and the results ansible returns', () => {
    const p = plan({ question: 'tzdata/Areas', vtype: 'select', value: 'Europe' })
    expect(p.changes).toEqual([{ kind: 'set', summary: 'set tzdata tzdata/Areas Etc → Europe', line: 'tzdata tzdata/Areas select Europe' }])
    expect(p.values).toEqual({ msg: '', current: { 'tzdata/Areas': 'Europe' }, previous: { 'tzdata/Areas': 'Etc' }, diff: { before: { 'tzdata/Areas': 'Etc' }, after: { 'tzdata/Areas': 'Europe' } } })
    expect(plan({ question: 'tzdata/Areas', vtype: 'select', value: 'Europe' }, SHOW, false).values['diff']).toEqual({})
    expect(plan({ selection: 'tzdata/Areas', vtype: 'select', answer: 'Etc' }).changes).toEqual([])
  })

  it("compares booleans in lower case and, for a new question, lists the package's other answers as previous (ansible's quirk)", () => {
    expect(plan({ question: 'tzdata/flag', vtype: 'boolean', value: true }, '* tzdata/flag: TRUE\n').changes).toEqual([])
    const p = plan({ question: 'tzdata/new', vtype: 'boolean', value: 'True' })
    expect(p.changes[0]!.line).toBe('tzdata tzdata/new boolean true')
    expect(p.values['current']).toEqual({ 'tzdata/new': 'True' })
    expect(p.values['previous']).toEqual({ ...parseDebconfShow(SHOW), 'tzdata/new': '' })
  })

  it('wants question, vtype and value together, each on one line', () => {
    expect(debconf.args.safeParse({ name: 'tzdata', question: 'a/b' }).success).toBe(false)
    expect(debconf.args.safeParse({ name: 'tzdata', question: 'a/b', vtype: 'string', value: 'x\ntzdata a/c string y' }).success).toBe(false)
    expect(debconf.args.safeParse({ name: 'tzdata', question: 'a/b', vtype: 'integer', value: '1' }).success).toBe(false)
  })
})
