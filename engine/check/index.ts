// `tsplay check`: every problem knowable without connecting (YAML, keywords, module arguments, templates, undefined
// variables, handler/role/include references, host patterns), all at once, as text, JSON, GitHub annotations or SARIF.
// May import: load, inventory, vars, template, yaml, modules (the registry), errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { checkPlaybooks, type CheckOptions } from './check.js'
export { CHECK_EXIT, checkCommand, type CheckEnvironment } from './command.js'
export { FORMATS, formatProblems, type Format } from './format.js'
export type { Problem, Severity } from './problem.js'
