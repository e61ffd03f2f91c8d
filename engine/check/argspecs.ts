// A role's parameters checked against its meta/argument_specs.yml without connecting: the validation task the loader
// puts in front of the role's tasks carries the spec and the parameters of the role's use.
import { flattenTasks, validateRoleArguments, type EntryPointSpec, type Item, type RoleInstance } from '../load/index.js'
import type { Findings } from './findings.js'

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const templated = (v: unknown): boolean => JSON.stringify(v ?? null).includes('{{') || JSON.stringify(v ?? null).includes('{%')

/**
 * Check each role use of a play against its argument specs. Only what is certain without the run is reported: a
 * parameter given literally whose type or choice is wrong. A required argument may come from the inventory, -e or
 * set_fact, so a missing one is the run's to report.
 */
export function checkArgumentSpecs(f: Findings, items: readonly Item[], roles: readonly RoleInstance[]): void {
  for (const task of flattenTasks(items)) {
    if (task.action !== 'validate_argument_spec' || !isObject(task.args['validate_args_context'])) continue
    const context = task.args['validate_args_context']
    const role = roles.find((r) => r.path === context['path'])
    const given = isObject(task.args['provided_arguments']) ? task.args['provided_arguments'] : {}
    const literal = Object.fromEntries(Object.entries({ ...role?.defaults, ...role?.vars, ...given }).filter(([, v]) => !templated(v)))
    const spec = { options: isObject(task.args['argument_spec']) ? task.args['argument_spec'] : {} } as EntryPointSpec
    for (const { message } of validateRoleArguments(spec, literal)) {
      if (message.startsWith('missing required arguments')) continue
      f.add(task.location, 'error', 'argument-spec', `role '${String(context['name'])}' (arg spec '${String(context['argument_spec_name'])}'): ${message}`)
    }
  }
}
