import { describe, expect, it } from 'vitest'
import { PRECEDENCE, layer, mergeVars, parseExtraVars } from '../../../engine/vars/vars.js'

describe('mergeVars', () => {
  it('applies levels lowest first, whatever order the layers are given in', () => {
    const merged = mergeVars({
      extra_vars: [layer('-e', { x: 'extra' })],
      role_defaults: [layer('defaults', { x: 'default', d: 1 })],
      play_vars: [layer('play', { x: 'play', p: 2 })],
      set_fact: [layer('set_fact', { x: 'fact' })],
    })
    expect(merged.vars).toEqual({ x: 'extra', d: 1, p: 2 })
    expect(merged.sourceOf('x')).toBe('extra_vars: -e')
    expect(merged.sourceOf('p')).toBe('play_vars: play')
    expect(merged.sourceOf('nope')).toBeUndefined()
  })

  it('replaces dictionaries whole (hash_behaviour=replace)', () => {
    const merged = mergeVars({ inventory_group: [layer('g', { d: { a: 1, b: 2 } })], inventory_host: [layer('h', { d: { a: 3 } })] })
    expect(merged.vars['d']).toEqual({ a: 3 })
  })

  it('later layers of one level win', () => {
    const merged = mergeVars({ inventory_group: [layer('all', { g: 'all' }), layer('web', { g: 'web' })] })
    expect(merged.vars['g']).toBe('web')
    expect(merged.sourceOf('g')).toBe('inventory_group: web')
  })

  it('follows the documented order of ansible-core', () => {
    expect(PRECEDENCE.indexOf('inventory_group_vars_all')).toBeLessThan(PRECEDENCE.indexOf('playbook_group_vars_all'))
    expect(PRECEDENCE.indexOf('playbook_host_vars')).toBeLessThan(PRECEDENCE.indexOf('facts'))
    expect(PRECEDENCE.indexOf('play_vars_files')).toBeLessThan(PRECEDENCE.indexOf('role_vars'))
    expect(PRECEDENCE.indexOf('task_vars')).toBeLessThan(PRECEDENCE.indexOf('include_vars'))
    expect(PRECEDENCE.indexOf('set_fact')).toBeLessThan(PRECEDENCE.indexOf('role_params'))
    expect(PRECEDENCE.indexOf('include_params')).toBeLessThan(PRECEDENCE.indexOf('extra_vars'))
  })
})

describe('parseExtraVars', () => {
  const yaml = (text: string): unknown => JSON.parse(text.replace(/'/g, '"'))
  it('k=v words stay strings, quotes removed', () => {
    expect(parseExtraVars('a=1 b="two words" c=true', () => '', yaml)).toEqual({ a: '1', b: 'two words', c: 'true' })
  })
  it('JSON keeps types', () => {
    expect(parseExtraVars('{"a": 1, "b": [true]}', () => '', yaml)).toEqual({ a: 1, b: [true] })
  })
  it('@file reads the file', () => {
    expect(parseExtraVars('@vars.json', (p) => (p === 'vars.json' ? '{"f": 2}' : ''), yaml)).toEqual({ f: 2 })
  })
})
