import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import type { Vars } from '../template/index.js'

/** The names ansible treats as the controller itself (its C.LOCALHOST). */
export const LOCALHOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1']

let python: string | undefined

/**
 * The controller's python, as `ansible_playbook_python` (ansible's sys.executable): the system python3 that
 * distributions run ansible with when present, else the first python3 on PATH.
 */
export function controllerPython(): string {
  if (python !== undefined) return python
  const candidates = ['/usr/bin/python3', ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'python3'))]
  python = candidates.find((path) => { try { accessSync(path, constants.X_OK); return true } catch { return false } }) ?? '/usr/bin/python3'
  return python
}

/** The variables ansible gives the implicit localhost: the local connection and the controller's python. */
export const implicitLocalhostVars = (): Vars => ({ ansible_python_interpreter: controllerPython(), ansible_connection: 'local' })
