import { handlerNames, type Task } from '../load/index.js'
import type { PlayState } from './state.js'
import { keyword } from './vars.js'
import { renderValue, type Vars } from '../template/index.js'

/** Record that `host` notified the handlers named in `task`'s notify (only called for a changed result). */
export function notify(ps: PlayState, task: Task, host: string, vars: Vars): void {
  // a notify on import_tasks (or import_role) reaches the tasks it imports, as in ansible
  const raw = keyword(task, 'notify')
  if (raw === undefined || raw === null) return
  for (const name of [raw].flat().map((n) => String(renderValue(n, vars, task.location)))) {
    // A name picks the last handler loaded with it; a listen topic reaches every handler listening.
    const byName = ps.handlers.filter((h) => handlerNames(h).some((n) => n === name && !h.listen.includes(n))).slice(-1)
    const byTopic = ps.handlers.filter((h) => h.listen.includes(name))
    for (const handler of [...byName, ...byTopic]) {
      let hosts = ps.notified.get(handler)
      if (hosts === undefined) ps.notified.set(handler, (hosts = new Set()))
      hosts.add(host)
    }
  }
}

/**
 * Run notified handlers in definition order, each once for the hosts that notified it, then forget the
 * notifications. Failed hosts are skipped unless force_handlers; `runHandler` runs one handler task.
 */
export async function flushHandlers(ps: PlayState, force: boolean, runHandler: (handler: Task, hosts: string[]) => Promise<void>): Promise<void> {
  for (const handler of ps.handlers) {
    const hosts = ps.notified.get(handler)
    if (hosts === undefined || hosts.size === 0) continue
    ps.notified.delete(handler)
    const eligible = ps.batch.filter((h) => {
      const s = ps.run.hosts.get(h)
      return hosts.has(h) && s !== undefined && !s.unreachable && !s.ended && (force || !s.failed)
    })
    if (eligible.length > 0) await runHandler(handler, eligible)
  }
}
