import { existsSync, writeFileSync } from 'node:fs'
import { BRIDGE, BRIDGE_ADDRESS, PREFIX_LENGTH } from './layout.js'
import { LabError, run } from './system.js'

/** Whether the lab bridge exists. */
export const bridgeExists = (): boolean => existsSync(`/sys/class/net/${BRIDGE}`)

/** Create the lab bridge with the control host's address on it, if missing; idempotent. */
export function ensureBridge(): void {
  try {
    if (!bridgeExists()) run('ip', ['link', 'add', BRIDGE, 'type', 'bridge'])
    const addresses = run('ip', ['-o', '-4', 'addr', 'show', 'dev', BRIDGE])
    if (!addresses.includes(` ${BRIDGE_ADDRESS}/${PREFIX_LENGTH} `)) {
      run('ip', ['addr', 'add', `${BRIDGE_ADDRESS}/${PREFIX_LENGTH}`, 'dev', BRIDGE])
    }
    run('ip', ['link', 'set', BRIDGE, 'up'])
    // lab hosts route via the bridge address; nothing they send may be forwarded beyond the control host
    writeFileSync(`/proc/sys/net/ipv4/conf/${BRIDGE}/forwarding`, '0\n')
  } catch (error) {
    throw new LabError(
      `cannot create the lab bridge ${BRIDGE} (${BRIDGE_ADDRESS}/${PREFIX_LENGTH}): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
}

/** Delete the lab bridge if it exists. */
export function deleteBridge(): void {
  if (bridgeExists()) run('ip', ['link', 'delete', BRIDGE])
}
