// INTERFACE STUB: the SSH/facts helper replaces the body; the exported signature is the contract.
import type { Connection } from './connection/types.js'

/**
 * Gather facts in one round trip: returns `ansible_facts` with Ansible's names, without the `ansible_`
 * prefix (`distribution`, `os_family`, `default_ipv4`, …). `subset` follows `gather_subset`.
 */
export function gatherFacts(conn: Connection, subset?: readonly string[]): Promise<Record<string, unknown>> {
  throw new Error(`not implemented: gatherFacts(${conn.host}, ${String(subset)})`)
}
