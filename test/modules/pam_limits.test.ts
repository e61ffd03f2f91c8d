import { describe, expect, it } from 'vitest'
import { editLimits, pam_limits } from '../../modules/pam_limits.js'

const edit = (args: Record<string, unknown>, before: string) => editLimits(pam_limits.args.parse({ domain: '*', limit_type: '-', limit_item: 'nofile', ...args }), before, '/etc/security/limits.conf')

// Each expectation below was checked against community.general.pam_limits on this machine (same text, same msg).
describe('pam_limits', () => {
  it('appends a missing limit and leaves a matching one alone', () => {
    expect(edit({ value: 1048576 }, '# limits\n*\tsoft\tcore\t0\n')).toEqual({ text: '# limits\n*\tsoft\tcore\t0\n*\t-\tnofile\t1048576\n', msg: '*\t-\tnofile\t1048576\n' })
    expect(edit({ value: '1048576' }, '*   -   nofile   1048576\n')).toEqual({ text: '*   -   nofile   1048576\n', msg: '*   -   nofile   1048576\n' })
  })

  it('keeps use_max and use_min, and the first comment of the file when none is given (newline included, as ansible)', () => {
    const file = '@adm\tsoft\tnproc\t100\t#few\n'
    expect(edit({ domain: '@adm', limit_type: 'soft', limit_item: 'nproc', value: 50, use_max: true }, file).text).toBe(file)
    expect(edit({ domain: '@adm', limit_type: 'soft', limit_item: 'nproc', value: 50, use_min: true }, file)).toEqual({ text: '@adm\tsoft\tnproc\t50\t#few\n\n', msg: '@adm\tsoft\tnproc\t50\t#few\n\n' })
    expect(edit({ domain: '@adm', limit_type: 'soft', limit_item: 'nproc', value: 'unlimited', use_min: true }, file).text).toBe(file)
    expect(edit({ domain: 'x', limit_type: 'hard', limit_item: 'core', value: 'unlimited' }, file).msg).toBe('x\thard\tcore\tunlimited\t#few\n\n')
  })

  it('rejects invalid values, given or found in the file, in ansible words', () => {
    expect(() => edit({ limit_item: 'nice', value: 30 }, '')).toThrow(" Value of '30' for item 'nice' is invalid. Value must be a number in the range -20 to 19 inclusive.")
    expect(() => edit({ value: 'lots' }, '')).toThrow("Value must either be 'unlimited', 'infinity' or -1")
    expect(() => edit({ value: 1 }, 'a b nofile many\n')).toThrow("Invalid configuration found in '/etc/security/limits.conf'. Value of 'many'")
    expect(pam_limits.args.safeParse({ domain: 'a', limit_type: '-', limit_item: 'nofile', value: 1, use_max: true, use_min: true }).success).toBe(false)
    expect(pam_limits.args.safeParse({ domain: 'a', limit_type: 'both', limit_item: 'nofile', value: 1 }).success).toBe(false)
  })
})
