// `tsplay init role NAME [--path DIR]` and `tsplay init project [DIR]`: skeletons that never overwrite a file.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import minimist from 'minimist'
import { TsplayError, UsageError } from '../errors.js'
import { projectSkeleton, roleSkeleton, type SkeletonFile } from './skeleton.js'

/** `tsplay init` found files where it would write: it writes nothing. */
export class InitError extends TsplayError {
  override readonly name: string = 'InitError'
}

const ROLE_NAME = /^[a-z_][a-z0-9_]*$/

/** Write `files` under `dir` unless any of them exists already; returns the paths written. */
function writeAll(dir: string, files: readonly SkeletonFile[]): string[] {
  const targets = files.map((f) => join(dir, f.path))
  const taken = targets.filter((t) => existsSync(t))
  if (taken.length > 0) {
    throw new InitError(`${taken[0]}: already exists${taken.length > 1 ? ` (and ${taken.length - 1} more file${taken.length > 2 ? 's' : ''} of the skeleton)` : ''}; tsplay init never overwrites files, nothing was written`)
  }
  files.forEach((f, i) => {
    mkdirSync(dirname(targets[i]!), { recursive: true })
    writeFileSync(targets[i]!, f.text, { flag: 'wx' })
  })
  return targets
}

/** Create the role `name` in `parent`/`name` (tasks, handlers, defaults, templates, meta, README, tests). */
export function initRole(name: string, parent = 'roles'): string[] {
  if (!ROLE_NAME.test(name)) {
    const hint = name.toLowerCase().replace(/[^a-z0-9_]/g, '_')
    throw new UsageError(`role name '${name}': use lower-case letters, digits and underscores (the name prefixes the role's variables)${ROLE_NAME.test(hint) ? `; did you mean '${hint}'?` : ''}`)
  }
  return writeAll(join(parent, name), roleSkeleton(name))
}

/** Create a project in `dir`: ansible.cfg with roles_path, inventories/, playbooks/site.yml, roles/. */
export function initProject(dir = '.'): string[] {
  return writeAll(dir, projectSkeleton())
}

const USAGE = `usage: tsplay init role NAME [--path DIR]   (the role goes to DIR/NAME; DIR defaults to roles)
       tsplay init project [DIR]`

/** `tsplay init …`; returns the exit code. */
export function initCommand(argv: readonly string[], out: (s: string) => void): number {
  const unknown: string[] = []
  const args = minimist([...argv], { string: ['path'], boolean: ['help'], alias: { p: 'path', h: 'help' }, unknown: (a) => { if (a.startsWith('-')) unknown.push(a); return !a.startsWith('-') } })
  if (args['help']) { out(`${USAGE}\n`); return 0 }
  if (unknown.length > 0) throw new UsageError(`init: unknown option '${unknown[0]}'\n${USAGE}`)
  const [kind, target, ...extra] = args._.map(String)
  if (extra.length > 0) throw new UsageError(`init: unexpected argument '${extra[0]}'\n${USAGE}`)
  let written: string[]
  if (kind === 'role') {
    if (target === undefined) throw new UsageError(`init role: missing NAME\n${USAGE}`)
    written = initRole(target, args['path'] === undefined ? 'roles' : String(args['path']))
  } else if (kind === 'project') {
    if (args['path'] !== undefined) throw new UsageError(`init project: --path is for roles; give the project directory as DIR\n${USAGE}`)
    written = initProject(target ?? '.')
  } else throw new UsageError(kind === undefined ? USAGE : `init: unknown kind '${kind}' (expected role or project)\n${USAGE}`)
  for (const path of written) out(`created ${relative('.', path) || path}\n`)
  if (kind === 'role') out(`test it: tsplay test ${join(args['path'] === undefined ? 'roles' : String(args['path']), target!)}\n`)
  return 0
}
