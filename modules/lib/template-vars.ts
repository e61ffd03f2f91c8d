import { readFileSync, statSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { resolve } from 'node:path'
import { pythonTime } from './command-run.js'

// the owner's name as pwd.getpwuid gives it, read from the controller's passwd file; else the number
function userName(uid: number): string | number {
  if (uid === process.getuid?.()) return userInfo().username
  try {
    const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[2] === String(uid))
    return line?.split(':')[0] ?? uid
  } catch {
    return uid
  }
}

/**
 * The variables ansible's template action adds for a template file (generate_ansible_template_vars):
 * `template_host`, `template_path`, `template_fullpath`, `template_uid`, `template_mtime`, `template_run_date`,
 * `template_destpath`, and `ansible_managed` (the default 'Ansible managed'; tsplay does not read a custom one).
 */
export function templateVars(source: string, dest: string): Record<string, unknown> {
  const st = statSync(source)
  return {
    template_host: hostname(),
    template_path: source,
    template_fullpath: resolve(source),
    template_uid: userName(st.uid),
    template_mtime: pythonTime(Math.floor(st.mtimeMs * 1000)),
    template_run_date: pythonTime(Date.now() * 1000),
    template_destpath: dest,
    ansible_managed: 'Ansible managed',
  }
}
