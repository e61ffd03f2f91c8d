import { openConnection } from '../../engine/connection/index.js'
import type { Connection } from '../../engine/connection/types.js'
import { labVars } from '../helpers/lab-ssh.js'
import { labHosts } from './helpers.js'

/** A tsplay Connection (ssh2) as root to a running lab host, with the lab key and strict host keys; throws when the host is not running. */
export async function connectLabHost(name: string): Promise<Connection> {
  const host = labHosts().find((h) => h.name === name)
  if (!host) throw new Error(`lab host ${name} is not running`)
  return openConnection(host.name, labVars(host), { acceptNewHostKeys: false, timeoutSeconds: 10 })
}
