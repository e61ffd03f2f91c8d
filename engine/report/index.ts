// Turning run events into what a person or a program reads: the terminal log, the recap, --json, diffs.
// May import: run (its event and result types), module, python.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { jsonReporter, plainReporter } from './report.js'
export { ttyReporter } from './tty.js'
export { warningText } from './warning.js'
