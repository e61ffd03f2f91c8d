// Python's semantics that Ansible content relies on: literals, repr/str/==/<, json.dumps, shlex, fnmatch.
// Imports nothing of tsplay's.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { fnmatchRegExp } from './fnmatch.js'
export { literalEval } from './literal.js'
export { pythonCompare, pythonEquals, pythonRepr, pythonStr, pythonTruthy, pythonType, reprNumber } from './repr.js'
export { ShlexError, shlexSplit } from './shlex.js'
export { pyJson } from './json.js'
export { controllerPython } from './interpreter.js'
