import { type Connection, openConnection } from '../../engine/connection/index.js'
import { labVars } from '../helpers/lab-ssh.js'
import type { LabHost } from './helpers.js'

/** A tsplay Connection (ssh2) as root to a running lab host, with the lab key and strict host keys. */
export async function connectLabHost(host: LabHost): Promise<Connection> {
  return openConnection(host.name, labVars(host), { acceptNewHostKeys: false, timeoutSeconds: 10 })
}
