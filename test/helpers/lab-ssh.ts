import { labHosts, labKeyFile, labKnownHosts, sshCheck, sshRun, type LabHost } from '../lab/helpers.js'

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

/** A lab user that logs in with a password and may sudo (with that password): for password-auth and become tests. */
export const PASSWORD_USER = { name: 'tsplaypw', password: 'Secret-pw-1' } as const

/** Create PASSWORD_USER on a lab host and let sshd accept passwords (lab hosts are throwaway). */
export async function ensurePasswordUser(host: LabHost): Promise<void> {
  await sshCheck(host.name, `id ${PASSWORD_USER.name} >/dev/null 2>&1 || useradd -m -s /bin/sh ${PASSWORD_USER.name}
    echo '${PASSWORD_USER.name}:${PASSWORD_USER.password}' | chpasswd
    echo '${PASSWORD_USER.name} ALL=(ALL:ALL) ALL' > /etc/sudoers.d/${PASSWORD_USER.name}
    conf=/etc/ssh/sshd_config.d/tsplay-test.conf
    if [ ! -e $conf ]; then printf 'PasswordAuthentication yes\\nKbdInteractiveAuthentication yes\\n' > $conf; systemctl reload ssh; fi`)
  // sshd re-executes itself on reload and refuses connections for a moment.
  for (let i = 0; i < 50 && (await sshRun(host.name, 'true')).exitCode !== 0; i++) await new Promise((r) => setTimeout(r, 200))
}

/** Variables that log in to a lab host as PASSWORD_USER by password only (no key, and the caller hides the agent). */
export const passwordVars = (host: LabHost, password: string = PASSWORD_USER.password): Record<string, unknown> => ({
  ...labVars(host, { ansible_user: PASSWORD_USER.name, ansible_password: password }),
  ansible_ssh_private_key_file: '/nonexistent/tsplay-no-key',
})
