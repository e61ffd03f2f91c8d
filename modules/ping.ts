// - name: the host answers over SSH and runs a shell
//   ping:
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'

const args = z
  .object({
    data: z.string().default('pong').describe("What to return as `ping`; 'crash' makes the module fail, as Ansible's does"),
  })
  .strict()

/**
 * Ansible's `ping`: not ICMP, but proof that the host can be logged into and runs commands (one no-op round trip;
 * ansible-core's also proves its Python, which tsplay does not need).
 */
export const ping = defineModule({
  name: 'ping',
  args,
  description: 'Check that the host is reachable and runs commands; returns `ping: pong` (Ansible ping)',
  example: 'ping:',
  gather: async (ctx) => {
    await ctx.conn.exec(sh`:`, { text: true })
  },
  plan: (a) => {
    // ansible-core's module raises an exception for this value, to test failure handling
    if (a.data === 'crash') throw new ModuleError('MODULE FAILURE\nSee stdout/stderr for the exact error', { rc: 1, module_stdout: '', module_stderr: 'Exception: boom\n' })
    return { changes: [], values: { ping: a.data } }
  },
  apply: () => Promise.resolve(),
})
