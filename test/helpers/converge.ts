import { expect } from 'vitest'
import type { Command, Connection } from '../../engine/connection/index.js'
import type { AnyModule, ModuleOutcome } from '../../engine/module.js'

/** Runs a module's arguments in check mode (`true`) or for real (`false`). */
export type RunModule = (mod: AnyModule, args: Record<string, unknown>, check?: boolean) => Promise<ModuleOutcome>

/**
 * The idempotency contract on a real host: check mode predicts a change and leaves `probe`'s output alone,
 * the real run makes exactly the predicted changes, and a second run (real, then check) changes nothing.
 */
export async function converge(conn: () => Connection, run: RunModule, mod: AnyModule, args: Record<string, unknown>, probe: Command): Promise<ModuleOutcome> {
  const host = async (): Promise<string> => (await conn().exec(probe, { allowFailure: true })).stdout
  const before = await host()
  const predicted = await run(mod, args, true)
  expect(predicted.status, predicted.msg).toBe('changed')
  expect(await host()).toBe(before)
  const applied = await run(mod, args)
  expect(applied.status, applied.msg).toBe('changed')
  expect(applied.changes).toEqual(predicted.changes)
  expect(await run(mod, args), 'second run').toMatchObject({ status: 'ok', changed: false })
  expect(await run(mod, args, true), 'check after').toMatchObject({ status: 'ok', changed: false })
  return applied
}
