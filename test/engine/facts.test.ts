import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseFacts, resolveSubset } from '../../engine/facts.js'
import { splitSections } from '../../engine/facts/script.js'
import { COMPARED, expectedFact, normal } from '../helpers/facts-compare.js'

// Captured at the same moment from this machine (local) and from a lab host (lab1, a systemd-nspawn container):
// the raw output of tsplay's fact script, and what ansible-core 2.14's setup module reported (`gather_subset=all,!env`).
const fixture = (name: string): { ours: Record<string, unknown>; ansible: Record<string, unknown> } => {
  const raw = readFileSync(new URL(`../fixtures/facts/${name}.out`, import.meta.url), 'utf8')
  const ansible = JSON.parse(readFileSync(new URL(`../fixtures/facts/${name}.ansible.json`, import.meta.url), 'utf8')) as Record<string, unknown>
  return { ours: parseFacts(splitSections(raw), resolveSubset(['all', '!env'])), ansible }
}

describe.each(['local', 'lab1'])('facts parsed from %s match ansible setup', (host) => {
  const { ours, ansible } = fixture(host)

  it.each(COMPARED)('%s', (name) => {
    expect(normal(name, ours[name])).toEqual(expectedFact(name, ansible))
  })

  it('has every interface with the same per-interface facts', () => {
    for (const iface of ansible.ansible_interfaces as string[]) {
      const key = iface.replaceAll('-', '_')
      const theirs = ansible[`ansible_${key}`] as Record<string, unknown>
      const { features: _f, timestamping: _t, hw_timestamp_filters: _h, ...comparable } = theirs
      const sorted = (i: unknown) => ({ ...(i as object), ...(Array.isArray((i as { interfaces?: unknown }).interfaces) ? { interfaces: [...(i as { interfaces: string[] }).interfaces].sort() } : {}) })
      expect(sorted(ours[key])).toEqual(sorted(comparable))
    }
  })

  it('has the same date_time keys and the same mounts', () => {
    expect(Object.keys(ours.date_time as object).sort()).toEqual(Object.keys(ansible.ansible_date_time as object).sort())
    const pick = (m: Record<string, unknown>) => ({ mount: m.mount, device: m.device, fstype: m.fstype, options: m.options, size_total: m.size_total, block_size: m.block_size, block_total: m.block_total, inode_total: m.inode_total, uuid: m.uuid })
    expect((ours.mounts as Record<string, unknown>[]).map(pick)).toEqual((ansible.ansible_mounts as Record<string, unknown>[]).map(pick))
  })
})

describe('gather_subset', () => {
  it('starts from all, always keeps min, and applies exclusions', () => {
    expect([...resolveSubset(['all'])].sort()).toEqual(['date_time', 'distribution', 'dmi', 'env', 'hardware', 'network', 'platform', 'service', 'system', 'user', 'virtual'])
    expect([...resolveSubset(['!hardware', '!virtual'])].sort()).toEqual(['date_time', 'distribution', 'env', 'network', 'platform', 'service', 'system', 'user'])
    expect([...resolveSubset(['!all'])].sort()).toEqual(['date_time', 'distribution', 'env', 'platform', 'service', 'system', 'user'])
    expect([...resolveSubset(['!all', '!min'])]).toEqual([])
    expect([...resolveSubset(['network', '!min'])]).toEqual(['network'])
  })

  it('refuses an unknown subset', () => {
    expect(() => resolveSubset(['hardwre'])).toThrow("gather_subset: unknown subset 'hardwre'")
  })
})
