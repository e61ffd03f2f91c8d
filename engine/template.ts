// INTERFACE STUB: the templating helper replaces the bodies; the exported signatures are the contract.
import type { SourceLocation } from './errors.js'

/** Variables as templates see them. */
export type Vars = Record<string, unknown>

/** The value of `omit`: a module argument rendered to it is dropped, as in Ansible. */
export const OMIT = '__omit_place_holder__tsplay'

/** True when a string (or any string inside a list/dict) contains `{{`, `{%` or `{#`. */
export function isTemplated(value: unknown): boolean {
  throw new Error(`not implemented: isTemplated(${typeof value})`)
}

/**
 * Render a value deeply. Strings are Jinja2 templates; a string that is exactly one `{{ expr }}` keeps
 * the expression's native type; other strings render values Python-style (`True`, `[1, 2]`, `{'a': 1}`).
 * Throws TemplateError naming the undefined variable and `origin`.
 */
export function renderValue(value: unknown, vars: Vars, origin?: SourceLocation): unknown {
  throw new Error(`not implemented: renderValue(${typeof value}, ${Object.keys(vars).length}, ${String(origin)})`)
}

/** Render template file text (the `template` module): trim_blocks on, as Ansible sets it. */
export function renderText(text: string, vars: Vars, origin: string): string {
  throw new Error(`not implemented: renderText(${text.length}, ${Object.keys(vars).length}, ${origin})`)
}

/** Evaluate a bare expression (`when`, `changed_when`, `failed_when`, `until`, `that`). */
export function evalExpression(expression: string, vars: Vars, origin?: SourceLocation): unknown {
  throw new Error(`not implemented: evalExpression(${expression}, ${Object.keys(vars).length}, ${String(origin)})`)
}

/** A condition as Ansible reads it: a bool, a bare expression, or a list of them (all must hold). */
export function evalCondition(condition: unknown, vars: Vars, origin?: SourceLocation): boolean {
  throw new Error(`not implemented: evalCondition(${String(condition)}, ${Object.keys(vars).length}, ${String(origin)})`)
}

/**
 * A view of `vars` in which every string value is templated when read (Ansible's lazy variables:
 * `a: "{{ b }}"` resolves `b` at use), recursively, with a clear error on a reference cycle.
 */
export function lazyVars(vars: Vars): Vars {
  throw new Error(`not implemented: lazyVars(${Object.keys(vars).length})`)
}

/** Python-style text of a value, as Jinja2 under Ansible prints it inside a larger string. */
export function pythonRepr(value: unknown): string {
  throw new Error(`not implemented: pythonRepr(${typeof value})`)
}
