// Reaching hosts: local and SSH connections (ssh2, one per host, kept between runs by the keeper), commands built
// with the `sh` template, become.
// May import: template (the Vars type), lab (the project root), python, errors.
// This file is the folder's only public door: code outside the folder imports from here, never from its files.
export { CONNECTION_VARS } from './keeper-protocol.js'
export { runKeeper } from './keeper.js'
export { connectLocal } from './local.js'
export { endCommands, runningCommands } from './live.js'
export { DEFAULT_SSH_ARGS, openConnection, openSshTransport } from './open.js'
export { BecomeError } from './types.js'
export { and, lines, quote, raw, sh, userShell } from './shell.js'
export type { Raw } from './shell.js'
export type { BecomeSpec, ConnectOptions, Command, Connection, ExecOptions, ExecResult } from './types.js'
