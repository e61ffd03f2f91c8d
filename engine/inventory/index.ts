// Inventories (INI, YAML, host lists, group_vars/host_vars) and host patterns.
// May import: yaml, template, python, errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { matchPattern, splitPattern, type PatternTarget } from './host-patterns.js'
export { loadInventory, loadVarsDirs, readVarsFile } from './inventory.js'
export { LOCALHOST_NAMES, controllerPython, implicitLocalhostVars } from './localhost.js'
export type { Inventory, VarLayer, VarsDirs } from './types.js'
