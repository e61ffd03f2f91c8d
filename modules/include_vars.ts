// - include_vars:
//     file: "{{ ansible_facts.os_family }}.yml"
// - include_vars:
//     file: versions.yml
//     name: versions
import { existsSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { z } from 'zod'
import { ModuleError, TsplayError } from '../engine/errors.js'
import { readVarsFile } from '../engine/inventory/index.js'
import { defineModule } from '../engine/module.js'

const args = z
  .object({
    file: z.string().optional().describe("Variables file: absolute, or found in the role's vars/, the role, the playbook's vars/ or the playbook directory"),
    name: z.string().optional().describe('Put the variables under this one name instead of at the top level'),
  })
  .strict()
  .refine((a) => a.file !== undefined, { message: 'one of file or a free-form file name is required' })

/** Reads a YAML/JSON variables file on the controller into host variables (include_vars precedence), as Ansible's `include_vars`. */
export const include_vars = defineModule({
  name: 'include_vars',
  args,
  description: 'Load variables from a YAML or JSON file on the controller (Ansible include_vars)',
  example: 'include_vars:\n  file: "{{ ansible_facts.distribution }}.yml"',
  freeForm: 'file',
  gather: () => Promise.resolve(undefined),
  plan: (a, _state, ctx) => {
    const file = a.file!
    const roots = [ctx.vars['role_path'], ctx.vars['playbook_dir']].filter((r): r is string => typeof r === 'string')
    const candidates = isAbsolute(file) ? [file] : roots.flatMap((r) => [join(r, 'vars', file), join(r, file)])
    const found = candidates.find((c) => existsSync(c))
    if (found === undefined) throw new ModuleError(`Could not find or access '${file}' (searched ${candidates.join(', ')})`)
    let vars: Record<string, unknown>
    try {
      vars = readVarsFile(found)
    } catch (error) {
      if (error instanceof TsplayError) throw new ModuleError(error.message)
      throw error
    }
    return { changes: [], values: { ansible_facts: a.name === undefined ? vars : { [a.name]: vars }, ansible_included_var_files: [found] } }
  },
  apply: () => Promise.resolve(),
})
