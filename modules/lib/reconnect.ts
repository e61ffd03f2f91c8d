import { type Connection, userShell } from '../../engine/connection/index.js'
import { TsplayError } from '../../engine/errors.js'
import type { ModuleContext } from '../../engine/module.js'

/** Resolve after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Reopen the host's connection and run `command` (the user's shell text) until `accept` likes its output or
 * `deadline` (epoch ms) passes. Returns the working connection, or throws the last failure once time is up.
 */
export async function untilAnswers(
  ctx: ModuleContext,
  command: string,
  options: { readonly deadline: number; readonly connectTimeoutMs: number; readonly pauseMs: number; readonly accept?: (stdout: string) => boolean },
): Promise<Connection> {
  let last = 'no attempt'
  for (;;) {
    try {
      const conn = await ctx.reconnect({ timeoutMs: options.connectTimeoutMs })
      const result = await conn.exec(userShell(command), { timeoutMs: options.connectTimeoutMs, allowFailure: true })
      if (result.exitCode === 0 && (options.accept?.(result.stdout) ?? true)) return conn
      last = result.exitCode === 0 ? 'the answer did not change yet' : `exit ${result.exitCode}: ${result.stderr.trim()}`
    } catch (error) {
      // An unreachable or half-booted host is the normal case here; any other failure is a bug.
      if (!(error instanceof TsplayError)) throw error
      last = error.message
    }
    if (Date.now() + options.pauseMs > options.deadline) throw new TsplayError(last)
    await sleep(options.pauseMs)
  }
}
