// What one `tsplay check` run has found so far: the problems, and the variable names seen defined and used.
import type { SourceLocation } from '../errors.js'
import type { SourceFile } from '../yaml/index.js'
import { problem, type Problem, type Severity } from './problem.js'

/** Problems and variable facts gathered while walking a playbook, reported at the end. */
export class Findings {
  readonly problems: Problem[] = []
  /** Every variable name something defines: inventory, vars, vars_files, roles, set_fact, register, loop_var… */
  readonly defined = new Set<string>()
  /** Names some template tests with `is defined` or gives a `default`: never reported as undefined. */
  readonly guarded = new Set<string>()
  /** Variables read by templates, where. */
  readonly uses: Array<{ readonly name: string; readonly at: SourceLocation }> = []
  /** Every YAML file read, for the warnings found while parsing it (duplicate keys). */
  readonly sources = new Set<SourceFile>()
  /**
   * Something defines variables whose names cannot be known without running (a templated set_fact key or
   * include_vars file): undefined variables are then not reported at all, rather than wrongly.
   */
  unknowable = false
  /** A task adds hosts or groups (add_host, group_by): host patterns are then not judged against the inventory file. */
  inventoryGrows = false
  /** Host pattern terms matching nothing in the inventory file, reported at the end unless the inventory grows. */
  readonly unmatchedHosts: Array<{ readonly at: SourceLocation; readonly message: string }> = []

  /** Record a problem at `at`. */
  add(at: SourceLocation, severity: Severity, kind: string, message: string): void {
    this.problems.push(problem(at, severity, kind, message))
  }

  /** Record the keys of a mapping of variables as defined. */
  define(vars: unknown): void {
    if (typeof vars === 'object' && vars !== null && !Array.isArray(vars)) for (const key of Object.keys(vars)) this.defined.add(key)
  }
}
