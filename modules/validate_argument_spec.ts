// - validate_argument_spec:
//     argument_spec:
//       port: {type: int, required: true}
//     provided_arguments:
//       port: "{{ api_port }}"
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { validateArgumentSpec, yamlTypeName, type ArgumentSpec } from './lib/argument-spec.js'

const record = z.record(z.unknown())
const args = z
  .object({
    argument_spec: record.describe('The options to validate: name → attributes (type, required, default, choices, elements, options, ...)'),
    provided_arguments: record.default({}).describe('Values to validate; variables named in argument_spec are taken too, these win'),
    validate_args_context: record.default({}).describe('What is validated (a role entry point), returned as is'),
  })
  .strict()

// an unsafe value (a String object made from a host's output) is still a str to the validator
const plain = (v: unknown): unknown => (v instanceof String ? String(v) : v)

/** Validates variables and arguments against an argument spec, as Ansible's `validate_argument_spec` (role arg specs use it). */
export const validate_argument_spec = defineModule({
  name: 'validate_argument_spec',
  args,
  description: 'Fail unless the variables named in an argument spec and the given arguments match it (Ansible validate_argument_spec); no host access',
  example: 'validate_argument_spec:\n  argument_spec:\n    port: {type: int, required: true}',
  gather: () => Promise.resolve(undefined),
  plan: (a, _state, ctx) => {
    const spec = a.argument_spec as ArgumentSpec
    const fromVars = Object.fromEntries(Object.keys(spec).filter((k) => k in ctx.vars).map((k) => [k, plain(ctx.vars[k])]))
    // a provided argument went through templating as the task's argument: a plain str, where a variable read from
    // YAML is still an AnsibleUnicode
    const templated = (value: unknown, option: string): string => (typeof value === 'string' && option in a.provided_arguments ? "<class 'str'>" : yamlTypeName(value, option))
    const { errors } = validateArgumentSpec(spec, { ...fromVars, ...a.provided_arguments }, templated)
    const context = { validate_args_context: a.validate_args_context }
    if (errors.length) throw new ModuleError(`Validation of arguments failed:\n${errors.join('\n')}`, { argument_errors: errors, argument_spec_data: spec, ...context })
    return { changes: [], values: { msg: 'The arg spec validation passed', ...context } }
  },
  apply: () => Promise.resolve(),
})
