// `tsplay run` reads its options as ansible-playbook's argparse does: anywhere on the line, every option of
// ansible-playbook known, the ones tsplay cannot honour refused by name.
import { describe, expect, it } from 'vitest'
import { parseRunArgs } from '../../../engine/cli/main.js'

describe('tsplay run options', () => {
  it('takes options before and after the playbook (-vv does not swallow it)', () => {
    const o = parseRunArgs(['-vv', 'main.yml', '-i', 'inv'])
    expect([o._, o.verbosity, o['inventory']]).toEqual([['main.yml'], 2, 'inv'])
    const p = parseRunArgs(['-i', 'inv', '-vvv', '--check', 'main.yml', '-e', 'a=1'])
    expect([p._, p.verbosity, p['check'], p['extra-vars']]).toEqual([['main.yml'], 3, true, 'a=1'])
  })

  it("knows ansible-playbook's long aliases and honours --flush-cache (tsplay keeps no fact cache)", () => {
    expect(parseRunArgs(['--inventory-file', 'x', 'p.yml'])['inventory']).toBe('x')
    expect(parseRunArgs(['p.yml', '--flush-cache'])._).toEqual(['p.yml'])
  })

  it('refuses an ansible-playbook option it cannot honour by name, with its value not taken for the playbook', () => {
    expect(() => parseRunArgs(['-u', 'bob', 'p.yml'])).toThrow("option '--user' of ansible-playbook is not supported by tsplay yet")
    expect(() => parseRunArgs(['p.yml', '--step'])).toThrow("option '--step' of ansible-playbook is not supported by tsplay yet")
    expect(() => parseRunArgs(['--private-key', 'k', 'p.yml'])).toThrow("option '--private-key'")
    expect(() => parseRunArgs(['p.yml', '--bogus'])).toThrow("unknown option '--bogus'")
  })
})
