import { describe, expect, it } from 'vitest'
import { capabilities, parseCap, parseGetcap, planCapabilities } from '../../modules/capabilities.js'

const F = '/usr/bin/tool'
const plan = (args: Record<string, unknown>, stdout: string, check = false, stderr = '') => planCapabilities(capabilities.args.parse({ path: F, ...args }), { rc: 0, stdout, stderr }, { check })

describe('capabilities', () => {
  it('reads getcap in its current, grouped and old forms', () => {
    expect(parseGetcap(`${F}\n`, F)).toEqual([])
    expect(parseGetcap(`${F} =\n`, F)).toEqual([])
    expect(parseGetcap(`${F} cap_chown,cap_net_raw=ep\n`, F)).toEqual([['cap_chown', '=', 'ep'], ['cap_net_raw', '=', 'ep']])
    expect(parseGetcap(`${F} cap_chown=i cap_net_raw+p\n`, F)).toEqual([['cap_chown', '=', 'i'], ['cap_net_raw', '+', 'p']])
    expect(parseGetcap(`${F} = cap_net_raw+ep\n`, F)).toEqual([['cap_net_raw', '+', 'ep']])
    expect(parseCap('cap_net_raw-e')).toEqual(['cap_net_raw', '-', 'e'])
  })

  it('sets the capability beside the others, replacing its own flags, and says so as ansible does', () => {
    const p = plan({ capability: 'CAP_NET_RAW=ep' }, `${F} cap_chown=i cap_net_raw+p\n`)
    expect(p.changes).toEqual([{ kind: 'set', summary: `set cap_net_raw=ep on ${F}`, text: 'cap_chown=i cap_net_raw=ep' }])
    expect(p.values).toEqual({ state: 'present', msg: 'capabilities changed' })
    expect(plan({ capability: 'cap_net_raw=ep' }, `${F}\n`, true).values).toEqual({ msg: 'capabilities changed' })
    expect(plan({ cap: 'cap_net_raw=ep', state: 'present' }, `${F} cap_net_raw=ep\n`)).toEqual({ changes: [], values: { state: 'present' } })
  })

  it("keeps ansible's judgement that + never matches getcap's = (so `+ep` changes on every run)", () => {
    expect(plan({ capability: 'cap_net_raw+ep' }, `${F} cap_net_raw=ep\n`).changes).toHaveLength(1)
  })

  it('removes by name, whatever the flags', () => {
    expect(plan({ capability: 'cap_net_raw', state: 'absent' }, `${F} cap_chown,cap_net_raw=ep\n`).changes[0]!.text).toBe('cap_chown=ep')
    expect(plan({ capability: 'cap_net_raw', state: 'absent' }, `${F} cap_net_raw=ep\n`).changes[0]!.text).toBe('')
    expect(plan({ capability: 'cap_sys_admin', state: 'absent' }, `${F} cap_net_raw=ep\n`).changes).toEqual([])
  })

  it('fails as ansible does without an operator or on a missing file', () => {
    expect(() => plan({ capability: 'cap_net_raw' }, `${F}\n`)).toThrow("Couldn't find operator (one of: ('=', '-', '+'))")
    expect(() => plan({ capability: 'cap_net_raw=ep' }, '', false, `${F} (No such file or directory)\n`)).toThrow(`Unable to get capabilities of ${F}`)
    expect(() => plan({ capability: '=ep' }, `${F}\n`)).toThrow('must start with a capability name')
  })
})
