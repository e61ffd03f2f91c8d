// - name: wait until the node answers again
//   wait_for_connection:
//     delay: 5
//     timeout: 300
import { z } from 'zod'
import { ModuleError, TsplayError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { yamlInt } from './lib/args.js'
import { sleep, untilAnswers } from './lib/reconnect.js'

const args = z
  .object({
    connect_timeout: yamlInt.default(5).describe('Seconds one connection attempt may take'),
    delay: yamlInt.default(0).describe('Seconds to wait before the first attempt'),
    sleep: yamlInt.default(1).describe('Seconds between attempts'),
    timeout: yamlInt.default(600).describe('Seconds to keep trying'),
  })
  .strict()

/**
 * Waits until the host can be reached and runs a command again (Ansible's `wait_for_connection`). Waiting
 * only reads, so it happens in gather; ansible-core skips it in check mode, and so does tsplay.
 */
export const wait_for_connection = defineModule({
  name: 'wait_for_connection',
  args,
  description: 'Wait until the host answers over a new connection',
  example: 'wait_for_connection:\n  delay: 5\n  timeout: 300',
  async gather(ctx, a) {
    if (ctx.check) return { skipped: true as const }
    const start = Date.now()
    await sleep(a.delay * 1000)
    try {
      await untilAnswers(ctx, 'true', { deadline: start + (a.delay + a.timeout) * 1000, connectTimeoutMs: a.connect_timeout * 1000, pauseMs: a.sleep * 1000 })
    } catch (error) {
      if (!(error instanceof TsplayError)) throw error
      return { skipped: false as const, elapsed: Math.floor((Date.now() - start) / 1000), failure: error.message }
    }
    return { skipped: false as const, elapsed: Math.floor((Date.now() - start) / 1000) }
  },
  plan(a, state) {
    // ansible-core reports the skip without a message.
    if (state.skipped) return { changes: [], skip: '' }
    if ('failure' in state && state.failure !== undefined) throw new ModuleError(`timed out waiting for ping module test: ${state.failure}`, { elapsed: state.elapsed })
    return { changes: [], values: { elapsed: state.elapsed } }
  },
  apply: () => Promise.resolve(),
})
