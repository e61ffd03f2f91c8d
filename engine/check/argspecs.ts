// HOOK for meta/argument_specs.yml: validating a role's parameters against its argument_specs is being built in
// engine/load by another change. When it lands, call it here and turn each of its errors into a problem of kind
// `argument-spec`; until then this reports nothing.
import type { RoleInstance } from '../load/index.js'
import type { Findings } from './findings.js'

/** Check the roles a play uses against their meta/argument_specs.yml (not yet: see the hook note above). */
export function checkArgumentSpecs(f: Findings, roles: readonly RoleInstance[]): void {
  void f
  void roles
}
