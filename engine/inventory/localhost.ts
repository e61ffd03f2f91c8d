import { controllerPython } from '../python/index.js'
import type { Vars } from '../template/index.js'

export { controllerPython }

/** The names ansible treats as the controller itself (its C.LOCALHOST). */
export const LOCALHOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1']

/** The variables ansible gives the implicit localhost: the local connection and the controller's python. */
export const implicitLocalhostVars = (): Vars => ({ ansible_python_interpreter: controllerPython(), ansible_connection: 'local' })
