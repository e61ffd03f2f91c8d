// Shared by the fixture test (test/engine/facts.test.ts) and the live lab comparison (test/lab/facts.test.ts).

/** The facts issue 3 names, compared value for value with ansible's. */
export const COMPARED = [
  'hostname', 'fqdn', 'nodename', 'domain', 'os_family', 'distribution', 'distribution_version', 'distribution_major_version',
  'distribution_minor_version', 'distribution_release', 'distribution_file_variety', 'distribution_file_path', 'kernel',
  'kernel_version', 'architecture', 'machine', 'system', 'userspace_bits', 'userspace_architecture', 'processor',
  'processor_vcpus', 'processor_cores', 'processor_count', 'processor_threads_per_core', 'processor_nproc', 'memtotal_mb',
  'swaptotal_mb', 'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'all_ipv6_addresses', 'interfaces', 'service_mgr',
  'pkg_mgr', 'virtualization_type', 'virtualization_role', 'virtualization_tech_guest', 'virtualization_tech_host', 'user_id',
  'user_uid', 'user_gid', 'user_dir', 'user_shell', 'user_gecos', 'real_user_id', 'effective_user_id', 'lsb', 'fips', 'cmdline',
  'proc_cmdline', 'dns', 'apparmor', 'selinux', 'machine_id', 'system_vendor', 'product_name', 'bios_vendor', 'is_chroot',
  'ssh_host_key_ed25519_public', 'ssh_host_key_ed25519_public_keytype',
]

// Lists whose order is the kernel's directory order, not meaningful.
const UNORDERED = new Set(['interfaces', 'all_ipv4_addresses', 'all_ipv6_addresses', 'virtualization_tech_guest', 'virtualization_tech_host'])
/** A fact value in comparable form: directory-ordered lists sorted. */
export const normal = (name: string, value: unknown): unknown => (UNORDERED.has(name) && Array.isArray(value) ? [...value].sort() : value)


/**
 * What tsplay should report for a fact, given ansible's facts for the same host. The one known difference:
 * without python3-distro on the host, ansible's bundled distro ignores /etc/debian_version and says "12" where
 * it says "12.11" with it; tsplay always reads /etc/debian_version, so major.minor.
 */
export function expectedFact(name: string, ansible: Readonly<Record<string, unknown>>): unknown {
  const theirs = ansible[`ansible_${name}`]
  if (name === 'distribution_version' && theirs === ansible.ansible_distribution_major_version && ansible.ansible_distribution_minor_version !== undefined) {
    return `${String(theirs)}.${String(ansible.ansible_distribution_minor_version)}`
  }
  return normal(name, theirs)
}
