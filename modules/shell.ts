// - name: join the node
//   shell: "{{ join_command }} 2>&1 | tee /var/log/kubeadm-join.log"
//   args:
//     creates: /etc/kubernetes/kubelet.conf
//     executable: /bin/bash
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { defineModule } from '../engine/module.js'
import { commandOptions, runOptions } from './command.js'
import { asyncCommandOf, gatherGuards, planCommand, runCommand } from './lib/command-run.js'

const args = z
  .object({
    cmd: z.string().min(1, 'no command given').describe('Shell code to run; pipes, redirections and variables work as in a script'),
    executable: z.string().optional().describe('The shell that runs the code (default /bin/sh), given `-c CODE`'),
    ...commandOptions,
  })
  .strict()

/** Runs the user's text as shell code with `/bin/sh -c` (or `executable -c`), as Ansible's `shell`. */
export const shell = defineModule({
  name: 'shell',
  args,
  description: 'Run shell code on the host; creates/removes make it idempotent',
  example: 'shell: set -o pipefail && kubeadm token create --print-join-command | tee /tmp/join\nargs:\n  executable: /bin/bash',
  freeForm: 'cmd',
  gather: (ctx, a) => gatherGuards(ctx.conn, a),
  plan: (a, state, ctx) => planCommand(a, state, ctx.check, a.cmd, a.cmd),
  // The code goes to a fresh shell as one quoted argument, so it runs exactly as written, `$0` and all,
  // and cannot interfere with the chdir/become wrapping around it.
  asyncCommand: (_ctx, a) => asyncCommandOf(sh`${a.executable ?? '/bin/sh'} -c ${a.cmd}`, a.cmd, runOptions(a)),
  apply: (ctx, _plan, a) => runCommand(ctx.conn, sh`${a.executable ?? '/bin/sh'} -c ${a.cmd}`, a.cmd, runOptions(a)),
})
