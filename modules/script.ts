// - name: prepare the node
//   script: prepare-node.sh --pod-cidr "{{ pod_cidr }}"
//   args:
//     creates: /etc/kubernetes/prepared
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { type Command, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { shlexSplit } from '../engine/python/index.js'
import { gatherGuards, type GuardState, outputValues } from './lib/command-run.js'
import { refineWords } from './lib/command-words.js'

const args = z
  .object({
    cmd: z.string().min(1, 'no script given').describe('The script (searched in files/ of the role or playbook) followed by its arguments'),
    chdir: z.string().optional().describe('Change into this directory on the host before running the script'),
    creates: z.string().optional().describe('A path or glob on the host; when it exists the script is not run'),
    removes: z.string().optional().describe('A path or glob on the host; when it does not exist the script is not run'),
    executable: z.string().optional().describe('Run the script with this interpreter instead of its #! line'),
  })
  .strict()
  .superRefine((a, ctx) => refineWords(a.cmd, ctx))

/**
 * Runs a controller script on the host. The script travels on the command's standard input (nothing is
 * uploaded), read by its `#!` interpreter through a pipe, or by `sh -s` when it has none.
 */
export const script = defineModule({
  name: 'script',
  args,
  description: 'Run a script from the controller on the host, without copying it there',
  example: 'script: prepare-node.sh --pod-cidr 10.244.0.0/16\nargs:\n  creates: /etc/kubernetes/prepared',
  freeForm: 'cmd',
  gather: (ctx, a): Promise<GuardState> => gatherGuards(ctx.conn, a),
  plan(a, state) {
    if (state.chdirError !== undefined) throw new ModuleError(state.chdirError)
    if (a.creates !== undefined && state.createsFound) return { changes: [], skip: `${a.creates} exists, matching creates option` }
    if (a.removes !== undefined && !state.removesFound) return { changes: [], skip: `${a.removes} does not exist, matching removes option` }
    return {
      changes: [{ kind: 'run', summary: `run script ${a.cmd}` }],
      ...(a.creates === undefined && a.removes === undefined ? { checkSkip: 'Check mode is not supported for this task.' } : {}),
    }
  },
  async apply(ctx, _plan, a) {
    const [name, ...params] = shlexSplit(a.cmd)
    const path = ctx.controller.findFile('files', name!)
    const body = readFileSync(path)
    const command = scriptCommand(body, params, a.executable)
    const result = await ctx.conn.exec(command, { allowFailure: true, stdin: body, ...(a.chdir === undefined ? {} : { cwd: a.chdir }) })
    return outputValues(result)
  },
})

/** The command that runs a script arriving on stdin: its interpreter reads it from a pipe, or `sh -s` reads it. */
export function scriptCommand(body: Buffer, params: readonly string[], executable?: string): Command {
  if (executable !== undefined) return viaPipe(shlexSplit(executable), params)
  const first = body.subarray(0, body.indexOf(10) < 0 ? body.length : body.indexOf(10)).toString('utf8')
  if (!first.startsWith('#!')) return sh`/bin/sh -s -- ${params}`
  // The kernel passes everything after the interpreter as one argument; so do we.
  const line = first.slice(2).trim()
  const space = line.search(/\s/)
  const interpreter = space < 0 ? [line] : [line.slice(0, space), line.slice(space).trim()]
  return viaPipe(interpreter, params)
}

// `/dev/stdin` cannot be opened when stdin is a socket (as a local child's is), so the script goes through
// a real pipe and the interpreter reads it as /dev/fd/3; the script itself gets an empty stdin.
const viaPipe = (interpreter: readonly string[], params: readonly string[]): Command =>
  sh`cat | ${interpreter} /dev/fd/3 ${params} 3<&0 0</dev/null`
