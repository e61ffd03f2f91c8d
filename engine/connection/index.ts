// INTERFACE STUB: the SSH helper replaces the body; the exported signature is the contract.
import type { Vars } from '../template.js'
import type { Connection } from './types.js'

export interface ConnectOptions {
  /** Record unknown host keys instead of refusing them (`--accept-new-host-keys`). */
  readonly acceptNewHostKeys: boolean
  /** Password from `--ask-pass`, used when the host has no `ansible_password`. */
  readonly password?: string
  /** Seconds to wait for the TCP connection and the SSH handshake (`--timeout`, default 10). */
  readonly timeoutSeconds: number
}

/**
 * Open the connection for an inventory host from its (templated) variables: `ansible_connection`
 * (`ssh` default, `local`), `ansible_host`, `ansible_port`, `ansible_user`, `ansible_ssh_private_key_file`,
 * `ansible_password`, `ansible_ssh_common_args`… Throws ConnectionError when unreachable.
 */
export function openConnection(host: string, vars: Vars, options: ConnectOptions): Promise<Connection> {
  throw new Error(`not implemented: openConnection(${host}, ${Object.keys(vars).length}, ${String(options)})`)
}
