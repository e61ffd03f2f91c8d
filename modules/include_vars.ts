// - include_vars:
//     file: "{{ ansible_facts.os_family }}.yml"
// - include_vars:
//     file: versions.yml
//     name: versions
import { existsSync, readdirSync, statSync } from 'node:fs'
import { extname, isAbsolute, join } from 'node:path'
import { pythonRegex } from '../engine/template/index.js'
import { stringList, yamlBool, yamlInt } from './lib/args.js'
import { z } from 'zod'
import { ModuleError, TsplayError } from '../engine/errors.js'
import { readVarsFile } from '../engine/inventory/index.js'
import { defineModule } from '../engine/module.js'

// ansible's action plugin reports its failures under `message` (playbooks read `result.message`), not `msg`
const failure = (message: string): ModuleError => new ModuleError(message, { message, ansible_facts: {}, ansible_included_var_files: [] })

const args = z
  .object({
    file: z.string().nullish().describe("Variables file: absolute, or found in the role's vars/, the role, the playbook's vars/ or the playbook directory"),
    name: z.string().optional().describe('Put the variables under this one name instead of at the top level'),
    dir: z.string().optional().describe("A directory of variables files, read in sorted order: in a role relative to its vars/, else to the playbook's directory"),
    depth: yamlInt.default(0).describe('With dir: how many directories of the sorted walk to read (0: all)'),
    files_matching: z.string().optional().describe('With dir: only file names this regular expression finds'),
    ignore_files: stringList.default([]).describe('With dir: file names ending in one of these regular expressions are skipped'),
    extensions: stringList.default(['yaml', 'yml', 'json']).describe('With dir: the valid file extensions; another one fails the task'),
    ignore_unknown_extensions: yamlBool.default(false).describe('With dir: skip files of other extensions instead of failing'),
    hash_behaviour: z.enum(['replace', 'merge']).optional().describe('merge: each dict read is merged recursively into the variable of that name the task sees, instead of replacing it'),
  })
  .strict()
  .refine((a) => a.file !== undefined || a.dir !== undefined, { message: 'one of file, dir or a free-form file name is required' })
  .refine((a) => a.file == null || a.dir === undefined, { message: 'You are mixing file only and dir only arguments, these are incompatible' })

/** Reads a YAML/JSON variables file on the controller into host variables (include_vars precedence), as Ansible's `include_vars`. */
export const include_vars = defineModule({
  name: 'include_vars',
  args,
  description: 'Load variables from a YAML or JSON file on the controller (Ansible include_vars)',
  example: 'include_vars:\n  file: "{{ ansible_facts.distribution }}.yml"',
  freeForm: 'file',
  gather: () => Promise.resolve(undefined),
  plan: (a, _state, ctx) => {
    const included = (vars: Record<string, unknown>, files: string[]) => {
      const named = a.name === undefined ? vars : { [a.name]: vars }
      return { changes: [], values: { ansible_facts: a.hash_behaviour === 'merge' ? mergeInto(ctx.vars, named) : named, ansible_included_var_files: files } }
    }
    if (a.dir !== undefined) {
      const { vars, files } = readVarsDir(a, typeof ctx.vars['role_path'] === 'string' ? ctx.vars['role_path'] : undefined, String(ctx.vars['playbook_dir'] ?? '.'))
      return included(vars, files)
    }
    const file = a.file
    // an empty name (a first_found that found nothing) fails as ansible's _find_needle does
    if (!file) throw failure('Could not find file on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option')
    const roots = [ctx.vars['role_path'], ctx.vars['playbook_dir']].filter((r): r is string => typeof r === 'string')
    const candidates = isAbsolute(file) ? [file] : roots.flatMap((r) => [join(r, 'vars', file), join(r, file)])
    const found = candidates.find((c) => existsSync(c))
    if (found === undefined) throw failure(`Could not find or access '${file}' (searched ${candidates.join(', ')})`)
    let vars: Record<string, unknown>
    try {
      vars = readVarsFile(found)
    } catch (error) {
      if (error instanceof TsplayError) throw failure(error.message)
      throw error
    }
    return included(vars, [found])
  },
  apply: () => Promise.resolve(),
})

const isDict = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

// ansible's combine_vars(merge=True): dicts merge key by key, all the way down; anything else is replaced.
function mergeHash(old: unknown, value: unknown): unknown {
  if (!isDict(old) || !isDict(value)) return value
  const out: Record<string, unknown> = { ...old }
  for (const [k, v] of Object.entries(value)) out[k] = mergeHash(old[k], v)
  return out
}

/** Each variable read, merged into the value of that name the task sees (hash_behaviour=merge). */
function mergeInto(seen: Record<string, unknown>, read: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(read).map(([k, v]) => [k, mergeHash(seen[k], v)]))
}

type DirArgs = Pick<z.infer<typeof args>, 'dir' | 'depth' | 'files_matching' | 'ignore_files' | 'extensions' | 'ignore_unknown_extensions'>

/** include_vars `dir:` as ansible's action reads it: a sorted walk cut at `depth` entries, files filtered, merged in order. */
function readVarsDir(a: DirArgs, rolePath: string | undefined, playbookDir: string): { vars: Record<string, unknown>; files: string[] } {
  const given = a.dir!
  let root = isAbsolute(given) ? given : rolePath === undefined ? join(playbookDir, given) : join(rolePath, 'vars', given)
  if (!isAbsolute(given) && rolePath !== undefined && given.split('/')[0] === 'vars' && existsSync(join(rolePath, given))) root = join(rolePath, given)
  if (!existsSync(root)) throw failure(`${root} directory does not exist`)
  if (!statSync(root).isDirectory()) throw failure(`${root} is not a directory`)
  const matching = a.files_matching === undefined ? undefined : pythonRegex(a.files_matching)
  const ignored = a.ignore_files.map((pattern) => pythonRegex(`(?:${pattern})$`))
  const walk = (dir: string): string[] => [dir, ...readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory()).flatMap((n) => walk(join(dir, n)))]
  const dirs = walk(root).sort()
  const vars: Record<string, unknown> = {}
  const files: string[] = []
  for (const dir of a.depth > 0 ? dirs.slice(0, a.depth) : dirs) {
    for (const name of readdirSync(dir).filter((n) => !statSync(join(dir, n)).isDirectory()).sort()) {
      const path = join(dir, name)
      if (rolePath !== undefined && path === join(rolePath, 'vars', 'main.yml')) continue
      if (matching !== undefined && !matching.test(name)) continue
      if (ignored.some((r) => r.test(name))) continue
      const valid = a.extensions.includes(extname(name).slice(1))
      if (!valid && a.ignore_unknown_extensions) continue
      if (!valid) throw failure(`${path} does not have a valid extension: ${a.extensions.join(', ')}`)
      try {
        Object.assign(vars, readVarsFile(path))
      } catch (error) {
        if (error instanceof TsplayError) throw failure(error.message)
        throw error
      }
      files.push(path)
    }
  }
  return { vars, files }
}
