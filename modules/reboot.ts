// - name: reboot into the new kernel settings
//   reboot:
//     reboot_timeout: 900
//     msg: "reboot by tsplay for kernel upgrade"
import { z } from 'zod'
import { raw, sh, userShell } from '../engine/connection/index.js'
import { ConnectionError, ModuleError, TsplayError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { yamlInt } from './lib/args.js'
import { sleep, untilAnswers } from './lib/reconnect.js'

const args = z
  .object({
    reboot_timeout: yamlInt.default(600).describe('Seconds to wait for the host to come back and pass test_command'),
    connect_timeout: yamlInt.optional().describe('Seconds one connection attempt may take (default 10)'),
    pre_reboot_delay: yamlInt.default(0).describe('Seconds to wait before rebooting'),
    post_reboot_delay: yamlInt.default(0).describe('Seconds to wait after the host came back, before returning'),
    test_command: z.string().default('whoami').describe('Shell command that must succeed on the rebooted host'),
    msg: z.string().default('Reboot initiated by Ansible').describe('Message shown to logged-in users'),
    reboot_command: z.string().optional().describe('Shell command that reboots instead of shutdown -r'),
    boot_time_command: z.string().default('cat /proc/sys/kernel/random/boot_id').describe('Shell command whose output changes with every boot'),
    search_paths: z.array(z.string()).optional().describe('Accepted for compatibility; shutdown is found through PATH'),
  })
  .strict()

/** Reboots the host, waits for a new boot id on a new connection and for test_command (Ansible's `reboot`). */
export const reboot = defineModule({
  name: 'reboot',
  args,
  description: 'Reboot the host and wait until it is back',
  example: 'reboot:\n  reboot_timeout: 900',
  gather: () => Promise.resolve(undefined),
  // In check mode ansible-core reports changed and rebooted without rebooting; so does the plan.
  plan(_a, _state, ctx) {
    if (ctx.vars['ansible_connection'] === 'local') throw new ModuleError('Running reboot with local connection would reboot the control node.', { rebooted: false, elapsed: 0 })
    return { changes: [{ kind: 'reboot', summary: 'reboot' }], values: { rebooted: true, elapsed: 0 } }
  },
  async apply(ctx, _plan, a) {
    const start = Date.now()
    const before = (await ctx.conn.exec(userShell(a.boot_time_command))).stdout.trim()
    const command = a.reboot_command === undefined ? sh`shutdown -r -- now ${a.msg}` : userShell(a.reboot_command)
    // Detached, so that the connection dropping under us is the expected outcome, not an error.
    const delayed = sh`(sleep ${a.pre_reboot_delay}; ${raw(command)}) >/dev/null 2>&1 </dev/null &`
    try {
      await ctx.conn.exec(delayed, { timeoutMs: 30_000 })
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error
    }
    const deadline = Date.now() + (a.pre_reboot_delay + a.reboot_timeout) * 1000
    const connectTimeoutMs = (a.connect_timeout ?? 10) * 1000
    try {
      await untilAnswers(ctx, a.boot_time_command, { deadline, connectTimeoutMs, pauseMs: 2000, accept: (out) => out.trim() !== '' && out.trim() !== before })
    } catch (error) {
      if (!(error instanceof TsplayError)) throw error
      throw new ModuleError(`Timed out waiting for last boot time check (timeout=${a.reboot_timeout})`, { rebooted: true, elapsed: Math.floor((Date.now() - start) / 1000) })
    }
    try {
      await untilAnswers(ctx, a.test_command, { deadline, connectTimeoutMs, pauseMs: 2000 })
    } catch (error) {
      if (!(error instanceof TsplayError)) throw error
      throw new ModuleError(`Timed out waiting for post-reboot test command (timeout=${a.reboot_timeout})`, { rebooted: true, elapsed: Math.floor((Date.now() - start) / 1000) })
    }
    await sleep(a.post_reboot_delay * 1000)
    return { rebooted: true, elapsed: Math.floor((Date.now() - start) / 1000) }
  },
})
