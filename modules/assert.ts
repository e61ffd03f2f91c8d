// - assert:
//     that:
//       - groups['kube_control_plane'] | length is odd
//       - kube_version is version('1.27', '>=')
//     fail_msg: "need an odd number of control-plane hosts"
import { z } from 'zod'
import { evalCondition } from '../engine/template/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { yamlBool } from './lib/args.js'

const condition = z.union([z.string(), z.boolean()])
const args = z
  .object({
    that: z.union([condition, z.array(condition)]).describe('Conditions (bare expressions) that must all hold'),
    fail_msg: z.unknown().optional().describe('Message when an assertion fails'),
    msg: z.unknown().optional().describe('Alias of fail_msg'),
    success_msg: z.unknown().optional().describe('Message when all assertions pass'),
    quiet: yamlBool.default(false).describe('Print less when the assertions pass'),
  })
  .strict()

/** Checks conditions and fails on the first false one, as Ansible's `assert`. */
export const assert = defineModule({
  name: 'assert',
  args,
  description: 'Fail unless every condition in `that` holds (Ansible assert); read-only',
  example: 'assert:\n  that:\n    - ansible_memtotal_mb >= 1700\n  fail_msg: "not enough memory"',
  gather: () => Promise.resolve(undefined),
  plan: (a, _state, ctx) => {
    for (const that of [a.that].flat()) {
      if (!evalCondition(that, ctx.vars)) {
        const failMsg = a.fail_msg ?? a.msg ?? 'Assertion failed'
        throw new ModuleError(typeof failMsg === 'string' ? failMsg : JSON.stringify(failMsg), { assertion: that, evaluated_to: false })
      }
    }
    return { changes: [], values: a.quiet ? {} : { msg: a.success_msg ?? 'All assertions passed' } }
  },
  apply: () => Promise.resolve(),
})
