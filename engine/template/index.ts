// Jinja2 as ansible-core 2.14 renders it, on nunjucks: expressions, conditions, filters, tests, lazy variables.
// May import: yaml, python, errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { pythonRegex, pythonReplacement } from './regex.js'
export { toPythonJson } from './serialize.js'
export { OMIT, evalCondition, evalExpression, isJinja2Native, isTemplated, lazyVars, pythonRepr, renderStored, renderText, renderValue, useJinja2Native } from './template.js'
export type { Vars } from './template.js'
export { TAG_ARGUMENTS } from './environment.js'
export type { TemplateTags, Whitespace as TemplateFileOptions } from './environment.js'
export { storedUnsafe } from './unsafe.js'
export { isUnsafe, markUnsafe } from '../yaml/index.js'
export { configureLookups, isUndefinedError, LOOKUP_NAMES, loopLookup, loopSubdir, markLookupResult, runLookup } from './lookups/index.js'
export type { LookupContext, LookupHooks } from './lookups/index.js'
export { analyzeTemplate, isKnownFilter, isKnownLookup, isKnownTest, type TemplateUse, type UsedName } from './analyze.js'
