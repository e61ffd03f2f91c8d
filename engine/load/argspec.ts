import { existsSync, statSync } from 'node:fs'
import { isMap, type Node } from 'yaml'
import { validateArgumentSpec, type ArgumentSpec } from '../../modules/index.js'
import type { Vars } from '../template/index.js'
import type { Scope, Task } from './model.js'
import { isObject } from './nodes.js'
import { loadYaml, nodeLocation, type SourceFile } from '../yaml/index.js'

/** One entry point of a role's argument specs (`argument_specs.main`): its descriptions and its `options`. */
export interface EntryPointSpec {
  readonly short_description?: unknown
  readonly options?: ArgumentSpec
  readonly [attribute: string]: unknown
}

/** A role's argument specs as read, with the file they came from (for locations). */
export interface RoleArgumentSpecs {
  readonly entryPoints: Readonly<Record<string, EntryPointSpec>>
  readonly src: SourceFile
}

/** One problem found validating a role's variables against an entry point: ansible's message. */
export interface ArgumentProblem {
  readonly message: string
}

/**
 * A role's argument specs as ansible 2.14 finds them: `meta/argument_specs.yml` (or `.yaml`), which wins outright
 * when present; else the `argument_specs` key of `meta/main.yml`. Undefined when the role has none.
 */
export function roleArgumentSpecs(rolePath: string, meta?: { readonly value: unknown; readonly src: SourceFile }): RoleArgumentSpecs | undefined {
  for (const ext of ['.yml', '.yaml', '']) {
    const file = `${rolePath}/meta/argument_specs${ext}`
    if (!existsSync(file) || !statSync(file).isFile()) continue
    const src = loadYaml(file)
    const value = src.doc.toJS() as unknown
    return { entryPoints: isObject(value) && isObject(value['argument_specs']) ? (value['argument_specs'] as RoleArgumentSpecs['entryPoints']) : {}, src }
  }
  if (meta && isObject(meta.value) && isObject(meta.value['argument_specs'])) return { entryPoints: meta.value['argument_specs'] as RoleArgumentSpecs['entryPoints'], src: meta.src }
  return undefined
}

/**
 * Validate variables (role parameters and vars a role sees) against one entry point's spec, as the task ansible
 * puts in front of the role does; an empty list when they fit. For `tsplay check` and the like.
 */
export function validateRoleArguments(spec: EntryPointSpec, vars: Vars): ArgumentProblem[] {
  const options = isObject(spec.options) ? (spec.options as ArgumentSpec) : {}
  const given = Object.fromEntries(Object.keys(options).filter((k) => k in vars).map((k) => [k, vars[k]]))
  return validateArgumentSpec(options, given).errors.map((message) => ({ message }))
}

/** What the validation task needs to know about the role use it is put in front of. */
export interface ValidationTarget {
  readonly roleName: string
  readonly rolePath: string
  /** The entry point: `tasks_from`, else `main`. */
  readonly entryPoint: string
  /** The role's parameters (the keys of its `roles:` entry that are not keywords); `vars:` are not among them. */
  readonly params: Vars
  readonly scope: Scope
}

/**
 * The task ansible prepends to a role's tasks when its argument specs have the entry point in use
 * ("Validating arguments against arg spec 'main' - ...", tagged always); undefined when there is nothing to check.
 */
export function validationTask(specs: RoleArgumentSpecs | undefined, target: ValidationTarget): Task | undefined {
  const spec = specs?.entryPoints[target.entryPoint]
  if (specs === undefined || !isObject(spec) || Object.keys(spec).length === 0) return undefined
  const described = 'short_description' in spec ? ` - ${String(spec['short_description'])}` : ''
  const name = `Validating arguments against arg spec '${target.entryPoint}'${described}`
  const root = specs.src.doc.contents as Node | null
  const entries = isMap(root) ? (root.get('argument_specs', true) as Node | undefined) : undefined
  const at = isMap(entries) ? ((entries.get(target.entryPoint, true) as Node | undefined) ?? entries) : (root ?? undefined)
  const location = at ? nodeLocation(specs.src, at) : { file: specs.src.path, line: 1, col: 1 }
  return {
    kind: 'task',
    name,
    action: 'validate_argument_spec',
    args: {
      argument_spec: isObject(spec['options']) ? spec['options'] : {},
      provided_arguments: target.params,
      validate_args_context: { type: 'role', name: target.roleName, argument_spec_name: target.entryPoint, path: target.rolePath },
    },
    keywords: { name, tags: ['always'] },
    scope: target.scope,
    src: specs.src,
    location,
    listen: [],
  }
}
