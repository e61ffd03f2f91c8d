import { Listr } from 'listr2'
import type { RunEvent } from '../run/index.js'
import { plainReporter, type ReportOptions } from './report.js'

/**
 * The terminal reporter: while a task runs, listr2 shows it with the hosts done so far; when it ends the live
 * line is cleared and the same lines as the plain reporter are printed, so the scrollback reads like Ansible's.
 */
export function ttyReporter(o: ReportOptions): { readonly handle: (event: RunEvent) => void; readonly done: () => Promise<void> } {
  let buffer = ''
  // warnings too: on a terminal they must not cut into listr's live line
  const plain = plainReporter({ ...o, write: (s) => void (buffer += s), writeWarning: (s) => void (buffer += s) })
  let chain: Promise<void> = Promise.resolve()
  let live: { finish: () => void; run: Promise<unknown>; update: (title: string) => void } | undefined
  let total = 0
  let finished = 0
  let name = ''
  const flush = (): void => {
    o.write(buffer)
    buffer = ''
  }
  const stop = async (): Promise<void> => {
    if (live === undefined) return
    const current = live
    live = undefined
    current.finish()
    await current.run
  }
  const start = (title: string): void => {
    let finish = (): void => {}
    let update = (_: string): void => {}
    const gate = new Promise<void>((resolve) => (finish = resolve))
    const listr = new Listr([{ title, task: async (_ctx, task) => { update = (t) => void (task.title = t); await gate } }], { rendererOptions: { clearOutput: true }, registerSignalListeners: false, exitOnError: false })
    live = { finish: () => finish(), run: listr.run(), update: (t) => update(t) }
  }
  const handle = (event: RunEvent): void => {
    plain(event)
    if (event.type === 'result') {
      finished++
      const text = `${name} (${finished}/${total} hosts)`
      chain = chain.then(() => live?.update(text))
      return
    }
    if (event.type === 'item' || event.type === 'verbose' || event.type === 'retry' || event.type === 'async') return
    const text = buffer
    buffer = ''
    chain = chain.then(async () => {
      await stop()
      buffer = text + buffer
      flush()
      if (event.type === 'task') {
        name = `${event.handler ? 'RUNNING HANDLER' : 'TASK'} [${event.name}]`
        total = event.hosts.length
        finished = 0
        start(`${name} (0/${total} hosts)`)
      }
    })
  }
  return { handle, done: () => chain.then(stop).then(flush) }
}
