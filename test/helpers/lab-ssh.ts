import { labHosts, labKeyFile, labKnownHosts, type LabHost } from '../lab/helpers.js'

/** Inventory variables that reach a lab host as root by key with strict host keys, as inventories/lab.ini has them. */
export const labVars = (host: LabHost, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ansible_host: host.address,
  ansible_user: 'root',
  ansible_ssh_private_key_file: labKeyFile(),
  ansible_ssh_common_args: `-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes`,
  ...extra,
})

/** The n-th running lab host from the end (the last ones are the least used by other tests). */
export function labHostFromEnd(n = 1): LabHost {
  const hosts = labHosts()
  const host = hosts[hosts.length - n]
  if (host === undefined) throw new Error(`the lab needs at least ${n} running hosts`)
  return host
}
