// Role authoring: `tsplay init` (role and project skeletons that pass their own test) and `tsplay test` (a role or
// playbook on fresh lab hosts: create, converge, idempotence, check, verify, destroy).
// May import: load, run, inventory, config, connection, facts, lab, yaml, errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { initCommand, InitError, initProject, initRole } from './init.js'
export { roleReadme, type RoleVariable } from './readme.js'
export { projectSkeleton, roleSkeleton, type SkeletonFile } from './skeleton.js'
export { loadScenario, type Scenario } from './scenario.js'
export { claimTestHosts, testRange } from './hosts.js'
export { testCommand } from './test-command.js'
