// - name: bootstrap python where there is none
//   raw: test -e /usr/bin/python3 || (apt-get update && apt-get install -y python3-minimal)
//   args:
//     executable: /bin/bash
import { z } from 'zod'
import { sh, userShell } from '../engine/connection/index.js'
import { defineModule } from '../engine/module.js'
import { outputValues } from './lib/command-run.js'

const args = z
  .object({
    cmd: z.string().min(1, 'no command given').describe('Text sent to the host\'s shell as it is'),
    executable: z.string().optional().describe('Run the text with this program and `-c` instead of the login shell'),
  })
  .strict()

/** Sends text straight to the host's shell, the last resort that needs nothing installed (Ansible's `raw`). */
export const raw = defineModule({
  name: 'raw',
  args,
  description: 'Send a command line to the host\'s shell as it is; no check mode, no idempotence',
  example: 'raw: test -e /usr/bin/python3 || apt-get install -y python3-minimal',
  freeForm: 'cmd',
  gather: () => Promise.resolve(undefined),
  // ansible-core skips raw in check mode without a message: it cannot know what the text does.
  plan: (a) => ({ changes: [{ kind: 'run', summary: `run ${a.cmd}` }], checkSkip: '' }),
  async apply(ctx, _plan, a) {
    const command = a.executable === undefined ? userShell(a.cmd) : sh`${a.executable} -c ${a.cmd}`
    const result = await ctx.conn.exec(command, { allowFailure: true })
    // raw keeps the output as it came: no stripping, unlike command and shell.
    return outputValues(result)
  },
})
