import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseFacts, resolveSubset } from '../../engine/facts.js'
import { splitSections } from '../../engine/facts/script.js'

// Captured at the same moment from this machine (local) and from a lab host (lab1, a systemd-nspawn container):
// the raw output of tsplay's fact script, and what ansible-core 2.14's setup module reported (`gather_subset=all,!env`).
const fixture = (name: string): { ours: Record<string, unknown>; ansible: Record<string, unknown> } => {
  const raw = readFileSync(new URL(`../fixtures/facts/${name}.out`, import.meta.url), 'utf8')
  const ansible = JSON.parse(readFileSync(new URL(`../fixtures/facts/${name}.ansible.json`, import.meta.url), 'utf8')) as Record<string, unknown>
  return { ours: parseFacts(splitSections(raw), resolveSubset(['all', '!env'])), ansible }
}

/** The facts issue 3 names, compared value for value with ansible's. */
export const COMPARED = [
  'hostname', 'fqdn', 'nodename', 'domain', 'os_family', 'distribution', 'distribution_version', 'distribution_major_version',
  'distribution_minor_version', 'distribution_release', 'distribution_file_variety', 'distribution_file_path', 'kernel',
  'kernel_version', 'architecture', 'machine', 'system', 'userspace_bits', 'userspace_architecture', 'processor',
  'processor_vcpus', 'processor_cores', 'processor_count', 'processor_threads_per_core', 'processor_nproc', 'memtotal_mb',
  'swaptotal_mb', 'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'all_ipv6_addresses', 'interfaces', 'service_mgr',
  'pkg_mgr', 'virtualization_type', 'virtualization_role', 'virtualization_tech_guest', 'virtualization_tech_host', 'user_id',
  'user_uid', 'user_gid', 'user_dir', 'user_shell', 'user_gecos', 'real_user_id', 'effective_user_id', 'lsb', 'fips', 'cmdline',
  'proc_cmdline', 'dns', 'apparmor', 'machine_id', 'system_vendor', 'product_name', 'bios_vendor',
]

// Lists whose order is the kernel's directory order, not meaningful.
const UNORDERED = new Set(['interfaces', 'all_ipv4_addresses', 'all_ipv6_addresses', 'virtualization_tech_guest', 'virtualization_tech_host'])
const normal = (name: string, value: unknown): unknown => (UNORDERED.has(name) && Array.isArray(value) ? [...value].sort() : value)

describe.each(['local', 'lab1'])('facts parsed from %s match ansible setup', (host) => {
  const { ours, ansible } = fixture(host)

  it.each(COMPARED)('%s', (name) => {
    const theirs = ansible[`ansible_${name}`]
    if (name === 'distribution_version' && theirs === ansible.ansible_distribution_major_version) {
      // Without python3-distro on the host (lab1), ansible's bundled distro ignores /etc/debian_version and says
      // "12"; with it (this machine) it says "12.11". tsplay always reads /etc/debian_version: major.minor.
      expect(ours[name]).toBe(`${String(theirs)}.${String(ansible.ansible_distribution_minor_version)}`)
    } else {
      expect(normal(name, ours[name])).toEqual(normal(name, theirs))
    }
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
