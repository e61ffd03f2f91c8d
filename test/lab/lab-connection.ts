import { openConnection } from '../../engine/connection/index.js'
import type { Connection } from '../../engine/connection/types.js'
import { labHosts, labKeyFile, labKnownHosts } from './helpers.js'

/** A tsplay Connection (ssh2) as root to a running lab host, with the lab key and strict host keys; throws when the host is not running. */
export async function connectLabHost(name: string): Promise<Connection> {
  const host = labHosts().find((h) => h.name === name)
  if (!host) throw new Error(`lab host ${name} is not running`)
  return openConnection(host.name, {
    ansible_host: host.address, ansible_user: 'root', ansible_ssh_private_key_file: labKeyFile(),
    ansible_ssh_common_args: `-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes`,
  }, { acceptNewHostKeys: false, timeoutSeconds: 10 })
}
