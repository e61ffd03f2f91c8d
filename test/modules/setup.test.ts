import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { fnmatchRegExp } from '../../engine/python/index.js'
import { filterFacts, setup } from '../../modules/setup.js'
import { makeContext } from '../helpers/module-context.js'

describe('setup', () => {
  it('gathers a subset of facts on this machine under ansible_ names, changing nothing', async () => {
    const ctx = makeContext({ conn: connectLocal('localhost') })
    const outcome = await runModule(setup, ctx, setup.args.parse({ gather_subset: '!all', filter: ['ansible_distribution*', 'os_family', 'gather_subset'] }))
    expect(outcome.status).toBe('ok')
    const facts = outcome.values.ansible_facts as Record<string, unknown>
    expect(Object.keys(facts).sort()).toEqual([
      'ansible_distribution', 'ansible_distribution_file_parsed', 'ansible_distribution_file_path', 'ansible_distribution_file_variety',
      'ansible_distribution_major_version', 'ansible_distribution_minor_version', 'ansible_distribution_release', 'ansible_distribution_version',
      'ansible_os_family', 'gather_subset',
    ])
    expect(facts.ansible_os_family).toBe('Debian')
    expect(facts.gather_subset).toEqual(['!all'])
  })

  it('fails the task on an unknown subset', async () => {
    const outcome = await runModule(setup, makeContext({ conn: connectLocal('localhost') }), setup.args.parse({ gather_subset: ['networks'] }))
    expect(outcome.status).toBe('failed')
    expect(outcome.msg).toContain("gather_subset: unknown subset 'networks'")
  })

  it('refuses unknown arguments', () => {
    expect(setup.args.safeParse({ fitler: 'x' }).success).toBe(false)
  })

  it('filters as Python fnmatch does', () => {
    expect(fnmatchRegExp('ansible_*_mb').test('ansible_memtotal_mb')).toBe(true)
    expect(fnmatchRegExp('ansible_eth[0-9]').test('ansible_eth1')).toBe(true)
    expect(fnmatchRegExp('ansible_eth[!0-9]').test('ansible_eth1')).toBe(false)
    expect(fnmatchRegExp('a?c').test('abc')).toBe(true)
    expect(fnmatchRegExp('a.c').test('abc')).toBe(false)
    expect(filterFacts({ memtotal_mb: 1, kernel: 'x', module_setup: true }, ['*_mb'])).toEqual({ ansible_memtotal_mb: 1 })
    expect(filterFacts({ kernel: 'x', module_setup: true }, [])).toEqual({ ansible_kernel: 'x', module_setup: true })
  })
})
