// Throwaway lab hosts (systemd-nspawn containers with real systemd and sshd) for the main job and the tests.
// May import: errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { freshHosts, ownerOf, runLab, statusTable } from './command.js'
export { existingHosts, hostStatus, removeHost } from './host.js'
export { inventoryText } from './inventory-file.js'
export { ensureRepo } from './repo.js'
export { BRIDGE, BRIDGE_ADDRESS, STATE_DIR, defaultInventoryPath, hostAddress, hostIndex, paths, projectRoot } from './layout.js'
export { withLabLock } from './lock.js'
export { sshOptions } from './ssh.js'
export { readState } from './state.js'
export { pidExists } from './system.js'
