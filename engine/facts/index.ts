// Gathering Ansible facts with one script per host.
// May import: connection, errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { gatherFacts, resolveSubset } from './gather.js'
export { factScript } from './script.js'
