// Variable precedence: the one place that knows which source wins, and `-e` parsing.
// May import: inventory, template, errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { layer, mergeVars, parseExtraVars } from './vars.js'
export type { Layers, MergedVars } from './vars.js'
