// - debug:
//     msg: "joining {{ inventory_hostname }} to {{ api_endpoint }}"
// - debug:
//     var: join_command.stdout_lines
//     verbosity: 1
import { z } from 'zod'
import { defineModule } from '../engine/module.js'
import { TemplateError } from '../engine/errors.js'
import { yamlInt } from './lib/args.js'

const args = z
  .object({
    msg: z.unknown().optional().describe('The message to print; any value (text, list, mapping)'),
    var: z.string().optional().describe('A variable name or expression whose value is printed under its own name'),
    verbosity: yamlInt.default(0).describe('Print only at this -v level or above'),
  })
  .strict()
  .refine((a) => a.msg === undefined || a.var === undefined, { message: "'msg' and 'var' are mutually exclusive" })

/** Prints a message or a variable's value, as Ansible's `debug`; never touches the host. */
export const debug = defineModule({
  name: 'debug',
  args,
  description: 'Print a message or the value of a variable (Ansible debug); read-only',
  example: 'debug:\n  msg: "hello {{ inventory_hostname }}"',
  gather: () => Promise.resolve(undefined),
  plan: (a, _state, ctx) => {
    const verbosity = Number(ctx.vars['ansible_verbosity'] ?? 0)
    if (a.verbosity > verbosity) return { changes: [], skip: 'Verbosity threshold not met.' }
    if (a.var === undefined) return { changes: [], values: { msg: a.msg === undefined ? 'Hello world!' : a.msg } }
    let value: unknown
    try {
      value = ctx.controller.evaluate(a.var)
    } catch (error) {
      if (!(error instanceof TemplateError) || !/undefined/.test(error.message)) throw error
      value = 'VARIABLE IS NOT DEFINED!'
    }
    return { changes: [], values: { [a.var]: value === undefined ? 'VARIABLE IS NOT DEFINED!' : value } }
  },
  apply: () => Promise.resolve(),
})
