// - name: initialise the cluster once
//   command: kubeadm init --config /etc/kubernetes/kubeadm.yaml
//   args:
//     creates: /etc/kubernetes/admin.conf
// - command:
//     argv: [systemctl, is-active, "{{ unit }}"]
//   register: active
//   failed_when: false
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { asyncCommandOf, gatherGuards, planCommand, runCommand, type RunOptions } from './lib/command-run.js'
import { shlexSplit } from '../engine/python/index.js'
import { argvCommand, NOT_FOUND, refineWords } from './lib/command-words.js'

/** The arguments command and shell share: guards, working directory, stdin and output trimming. */
export const commandOptions = {
  chdir: text.optional().describe('Change into this directory before running the command'),
  creates: text.optional().describe('A path or glob; when it exists the command is not run'),
  removes: text.optional().describe('A path or glob; when it does not exist the command is not run'),
  stdin: text.optional().describe('Feed this text to the command on standard input'),
  stdin_add_newline: yamlBool.default(true).describe('Append a newline to stdin'),
  strip_empty_ends: yamlBool.default(true).describe('Remove trailing newlines from stdout and stderr'),
}

const args = z
  .object({
    cmd: z.string().optional().describe('The command and its arguments, split into words like a POSIX shell would quote them; no shell features'),
    argv: z.array(text).optional().describe('The command as a list of words, each passed as it is'),
    executable: z.string().optional().describe('Ignored, as ansible-core ignores it for command (it warns that the parameter is no longer supported)'),
    ...commandOptions,
  })
  .strict()
  .superRefine((a, ctx) => checkCommandLine(a, ctx))

/** The shared rule of command-like modules: `cmd` must split into words. */
export function checkCommandLine(a: { readonly cmd?: string | undefined; readonly argv?: readonly string[] | undefined }, ctx: z.RefinementCtx): void {
  if (a.cmd !== undefined && a.argv === undefined) refineWords(a.cmd, ctx)
}

// A missing or doubled command is the task's failure, not the playbook's: ansible-core's module fails with
// rc 256, and playbooks test for exactly that (`no_command is failed`).
function commandWords(a: { readonly cmd?: string | undefined; readonly argv?: readonly string[] | undefined }): readonly string[] {
  if (a.cmd !== undefined && a.argv !== undefined) throw new ModuleError('only command or argv can be given, not both', { changed: false, rc: 256 })
  const argv = a.argv ?? shlexSplit(a.cmd ?? '')
  if (argv.length === 0) throw new ModuleError('no command given', { changed: false, rc: 256 })
  return argv
}

/** How command and shell run their program, from their shared arguments. */
export function runOptions(a: { readonly chdir?: string | undefined; readonly stdin?: string | undefined; readonly stdin_add_newline: boolean; readonly strip_empty_ends: boolean }): RunOptions {
  return { chdir: a.chdir, stdin: a.stdin, stdinAddNewline: a.stdin_add_newline, stripEmptyEnds: a.strip_empty_ends }
}

/** Runs a program with arguments, without a shell: values are words, never code (Ansible's `command`). */
export const command = defineModule({
  name: 'command',
  args,
  description: 'Run a program on the host without a shell; creates/removes make it idempotent',
  example: 'command: kubeadm init --config /etc/kubernetes/kubeadm.yaml\nargs:\n  creates: /etc/kubernetes/admin.conf',
  freeForm: 'cmd',
  gather: (ctx, a) => gatherGuards(ctx.conn, a),
  plan: (a, state, ctx) => {
    const argv = commandWords(a)
    const plan = planCommand(a, state, ctx.check, argv, argv.join(' '))
    if (a.executable === undefined) return plan
    const warning = `As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${a.executable}'.`
    return { ...plan, values: { ...plan.values, warnings: [warning] } }
  },
  asyncCommand: (_ctx, a) => {
    const argv = commandWords(a)
    return asyncCommandOf(argvCommand(argv), argv, runOptions(a))
  },
  async apply(ctx, _plan, a) {
    const argv = commandWords(a)
    try {
      return await runCommand(ctx.conn, argvCommand(argv), argv, runOptions(a))
    } catch (error) {
      // ansible-core reports a missing program with Python's exec error, rc 2 and no output.
      if (!(error instanceof ModuleError) || error.values['stderr'] !== NOT_FOUND) throw error
      const msg = `[Errno 2] No such file or directory: b'${argv[0]}'`
      throw new ModuleError(msg, { changed: false, cmd: argv, rc: 2, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], msg })
    }
  },
})
