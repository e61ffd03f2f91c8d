// Modules tsplay has no native version of, run as Ansible's own: found where ansible-playbook finds them (library
// folders, collections, ansible-core), packed by ansible-core on the controller, executed by the host's Python.
// May import: connection, module (the Diff type), python, errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { collectionRoots, coreModulesDir, findAnsibleModule, findCollection, type AnsibleModuleRef, type ModuleSearch } from './find.js'
export { ANSIBLE_VERSION, moduleJson, runAnsibleModule, type AnsibleOutcome, type AnsibleRunOptions } from './execute.js'
export { AnsibleModuleError } from './pack.js'
export { coreModules, installedCollections, shortDescription, type CoreModule, type InstalledCollection } from './list.js'
