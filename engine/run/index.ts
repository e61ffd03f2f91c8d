// Running a loaded playbook on hosts: plays, the task walk (blocks, includes, loops, handlers), module steps,
// facts and the events the reporters read. It never prints.
// May import: load, inventory, vars, template, module, modules, ansible, connection, errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export type { RunEvent } from './events.js'
export { emptyStats } from './result.js'
export type { HostStats, TaskResult } from './result.js'
export { playHosts, runPlaybook } from './runner.js'
export type { RunState } from './state.js'
export { selectedByTags, tagsOf } from './tags.js'
export type { RenderTags } from './tags.js'
export { scopeChain } from './vars.js'
