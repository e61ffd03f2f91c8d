// Loading playbooks, task files and roles into the typed model (plays, blocks, tasks, role instances), with every
// keyword and module argument checked against its schema and located at its file:line:col.
// May import: yaml, template, module (the contract), modules (the registry), ansible (finding Ansible's modules), errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { describeIssue, schemaShape } from './args.js'
export type { Block, Item, Play, Playbook, RoleInstance, Scope, SearchPaths, Task } from './model.js'
export { flattenTasks, VARIABLE_PARAMS } from './model.js'
export { checkNotified, findTaskFile, handlerNames, loadContext, loadPlaybook, loadTaskFile, searchPaths, type ConfiguredPaths } from './playbook.js'
export { collecting, roleFromTask } from './roles.js'
export { ENGINE_ACTIONS } from './keywords.js'
export type { LoadContext } from './roles.js'
export { roleArgumentSpecs, validateRoleArguments, validationTask, type ArgumentProblem, type EntryPointSpec, type RoleArgumentSpecs } from './argspec.js'
export { BLOCK_KEYWORDS, HANDLER_KEYWORDS, LOOP_CONTROL_KEYWORDS, META_ACTIONS, PLAY_KEYWORDS, ROLE_INCLUDE_ARGS, ROLE_KEYWORDS, TASK_KEYWORDS, TASKS_INCLUDE_ARGS } from './keywords.js'
