// The command line: `tsplay run|doc|lab|...`, the only code that reads argv, prompts, or sets the exit code.
// May import every other folder; nothing imports it.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { main } from './main.js'
