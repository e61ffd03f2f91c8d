// The controller's Python: the one ansible-core runs under, for `ansible_playbook_python`, the implicit localhost's
// interpreter and running Ansible's own modules.
import { existsSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'

let python: string | undefined

/**
 * The controller's Python that has ansible-core: the interpreter of `ansible-playbook` on PATH (its shebang), else
 * /usr/bin/python3, else python3 (a pyenv or venv python3 first on PATH often lacks it).
 */
export function controllerPython(env: NodeJS.ProcessEnv = process.env): string {
  if (python !== undefined) return python
  for (const dir of (env['PATH'] ?? '').split(':').filter(Boolean)) {
    try {
      const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(readFileSync(join(dir, 'ansible-playbook'), 'utf8').slice(0, 200))
      const interpreter = shebang && (shebang[1]!.endsWith('/env') && shebang[2] ? shebang[2] : shebang[1]!)
      // an ansible-playbook that is not ansible's (a wrapper script, a shim running tsplay) says nothing
      if (interpreter && /^python[\d.]*$/.test(basename(interpreter))) return (python = interpreter)
    } catch {
      // not in this folder
    }
  }
  return (python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3')
}
