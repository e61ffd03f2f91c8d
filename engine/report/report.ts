import type { HostStats, RunEvent, TaskResult } from '../run/index.js'
import { unifiedDiff } from './diff.js'
import { pyJson } from '../python/index.js'
import { warningText } from './warning.js'

/** How the reporter writes: verbosity, colours, and where lines go. */
export interface ReportOptions {
  readonly verbosity: number
  readonly color: boolean
  readonly diff: boolean
  readonly check: boolean
  readonly write: (text: string) => void
  /** Where `[WARNING]:` lines go; ansible's Display.warning writes them to stderr. Default: `write`. */
  readonly writeWarning?: (text: string) => void
}

const COLORS = { green: '32', yellow: '33', cyan: '36', red: '31', magenta: '35', blue: '34', darkgray: '1;30' } as const
type Color = keyof typeof COLORS

const DEBUG_ALLOWED = new Set(['msg', 'exception', 'warnings', 'deprecations'])
const HIDE_IN_DEBUG = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason']

/** Ansible's banner: the text, a space, and stars up to column 80 (at least three). */
export const banner = (text: string): string => `\n${text} ${'*'.repeat(Math.max(3, 79 - text.length))}`

/** One PLAY RECAP line, padded exactly as Ansible's default callback pads it. */
export function recapLine(host: string, s: HostStats): string {
  const f = (name: string, n: number): string => `${name}=${String(n).padEnd(4)}`
  return `${host.padEnd(26)} : ${f('ok', s.ok)} ${f('changed', s.changed)} ${f('unreachable', s.unreachable)} ${f('failed', s.failed)} ${f('skipped', s.skipped)} ${f('rescued', s.rescued)} ${f('ignored', s.ignored)}`
}

/** The plain-text reporter: the same lines as ansible-playbook's default callback, optionally coloured. */
export function plainReporter(o: ReportOptions): (event: RunEvent) => void {
  const paint = (color: Color, text: string): string => (o.color ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text)
  const line = (text: string, color?: Color): void => o.write(`${color ? paint(color, text) : text}\n`)
  const hostTag = (r: TaskResult): string => (r.delegatedTo ? `[${r.host} -> ${r.delegatedTo}${r.delegatedHost ? `(${r.delegatedHost})` : ''}]` : `[${r.host}]`)
  const dump = (r: TaskResult, action: 'debug' | 'other'): string => {
    const data: Record<string, unknown> = { ...r.data }
    // printed as [WARNING] lines before the result, as ansible's callback does (_handle_warnings)
    if (Array.isArray(data['warnings']) && data['warnings'].length > 0) delete data['warnings']
    if (action === 'debug') {
      if ('msg' in data) for (const k of Object.keys(data)) { if (!DEBUG_ALLOWED.has(k)) delete data[k] }
      else for (const k of HIDE_IN_DEBUG) delete data[k]
    }
    delete data['failed']
    if (o.verbosity < 3) delete data['diff']
    return pyJson(data, r.verboseAlways || r.showAlways || o.verbosity > 2 ? 4 : undefined)
  }
  const verbose = (r: TaskResult): boolean => r.verboseAlways === true || r.showAlways === true || o.verbosity > 0
  // a result carries diffs only when the task ran with diff on (--diff, or its own `diff: true`)
  const showDiff = (r: TaskResult): void => {
    for (const d of r.diff) {
      // a prepared text without a final newline (git's '>> Newly checked out …') still has its last line
      const text = unifiedDiff(d)
      for (const l of text.split('\n').slice(0, text.endsWith('\n') ? -1 : undefined)) line(l, l.startsWith('+') && !l.startsWith('+++') ? 'green' : l.startsWith('-') && !l.startsWith('---') ? 'red' : l.startsWith('@@') ? 'cyan' : undefined)
      // ansible's default callback leaves a blank line after each before/after diff (not after a prepared one)
      if (d.prepared === undefined) line('')
    }
  }
  const kind = (r: TaskResult): 'debug' | 'other' => (r.verboseAlways ? 'debug' : 'other')
  // Display.warning: wrapped at 79 columns, on stderr
  const warn = (message: string): void => {
    const text = warningText(message)
    ;(o.writeWarning ?? o.write)(o.color ? text.split('\n').slice(0, -1).map((l) => `${paint('magenta', l)}\n`).join('') : text)
  }
  const warnings = (r: TaskResult): void => {
    const list = r.data['warnings']
    if (Array.isArray(list)) for (const w of list) warn(String(w))
  }
  return (event) => {
    switch (event.type) {
      case 'play':
        line(banner(`PLAY [${event.name}]`))
        return
      case 'task':
        line(banner(`${event.handler ? 'RUNNING HANDLER' : 'TASK'} [${event.name}]`))
        return
      case 'no-hosts':
        line('skipping: no hosts matched', 'cyan')
        return
      case 'no-more-hosts':
        line(banner('NO MORE HOSTS LEFT'))
        return
      case 'included':
        line(`included: ${event.file} for ${event.hosts.join(', ')}${event.label !== undefined ? ` => (item=${event.label})` : ''}`, 'cyan')
        return
      case 'warning':
        warn(event.message)
        return
      case 'verbose':
        if (o.verbosity >= event.level) line(event.message, 'blue')
        return
      case 'retry':
        // ansible shows the result of a try from -vvv on
        line(`FAILED - RETRYING: [${event.host}]: ${event.taskName} (${event.retriesLeft} retries left).${o.verbosity > 2 ? `Result was: ${dump(event.result, 'other')}` : ''}`, 'red')
        return
      case 'async':
        if (event.phase === 'poll') line(`ASYNC POLL on ${event.host}: jid=${event.jid} started=${String(event.started)} finished=${String(event.finished)}`, 'darkgray')
        else line(`ASYNC ${event.phase === 'ok' ? 'OK' : 'FAILED'} on ${event.host}: jid=${event.jid}`, 'darkgray')
        return
      case 'item': {
        const r = event.result
        const label = `(item=${r.label ?? ''})`
        if (r.status !== 'skipped') warnings(r)
        showDiff(r)
        // ansible's callback ends the label with a space and starts the result with one: two spaces between
        if (r.status === 'skipped') line(`skipping: ${hostTag(r)} => ${label} ${o.verbosity > 0 ? ` => ${dump(r, kind(r))}` : ''}`, 'cyan')
        else if (r.status === 'failed') line(`failed: ${hostTag(r)} ${label} => ${dump(r, kind(r))}`, 'red')
        else if (r.status === 'unreachable') line(`fatal: ${hostTag(r)}: UNREACHABLE! => ${label} => ${dump(r, 'other')}`, 'red')
        else line(`${r.data['changed'] === true ? 'changed' : 'ok'}: ${hostTag(r)} => ${label}${verbose(r) ? ` => ${dump(r, kind(r))}` : ''}`, r.data['changed'] === true ? 'yellow' : 'green')
        return
      }
      case 'result': {
        const r = event.result
        const looped = r.items !== undefined
        if (!looped && r.status !== 'skipped') warnings(r)
        if (r.status === 'skipped') line(`skipping: ${hostTag(r)}${o.verbosity > 0 && !looped ? ` => ${dump(r, 'other')}` : ''}`, 'cyan')
        else if (r.status === 'unreachable') {
          if (!looped) line(`fatal: ${hostTag(r)}: UNREACHABLE! => ${dump(r, 'other')}`, 'red')
          if (r.ignored) line('...ignoring', 'cyan')
        }
        else if (r.status === 'failed') {
          if (!looped) line(`fatal: ${hostTag(r)}: FAILED! => ${dump(r, kind(r))}`, 'red')
          if (r.ignored) line('...ignoring', 'cyan')
        } else if (!looped) {
          showDiff(r)
          const changed = r.data['changed'] === true
          line(`${changed ? 'changed' : 'ok'}: ${hostTag(r)}${verbose(r) ? ` => ${dump(r, kind(r))}` : ''}`, changed ? 'yellow' : 'green')
          if (o.verbosity > 0) for (const summary of r.changes) line(`    ${o.check ? 'would ' : ''}${summary}`, 'yellow')
        }
        return
      }
      case 'recap':
        line(banner('PLAY RECAP'))
        for (const host of [...event.stats.keys()].sort()) {
          const s = event.stats.get(host)!
          line(recapLine(host, s), s.failed || s.unreachable ? 'red' : s.changed ? 'yellow' : 'green')
        }
        line('')
        return
    }
  }
}

/** Collects events into the `--json` report printed at the end of the run. */
export function jsonReporter(): { readonly handle: (event: RunEvent) => void; readonly report: () => string } {
  const plays: Array<{ name: string; tasks: Array<{ name: string; handler: boolean; hosts: Record<string, unknown> }> }> = []
  let stats: Record<string, HostStats> = {}
  const handle = (event: RunEvent): void => {
    if (event.type === 'play') plays.push({ name: event.name, tasks: [] })
    else if (event.type === 'task') plays.at(-1)?.tasks.push({ name: event.name, handler: event.handler, hosts: {} })
    else if (event.type === 'result') {
      const task = plays.at(-1)?.tasks.at(-1)
      const r = event.result
      if (task) task.hosts[r.host] = { status: r.status, ...r.data, ...(r.changes.length ? { changes: r.changes } : {}), ...(r.diff.length ? { diff: r.diff.map(unifiedDiff) } : {}) }
    } else if (event.type === 'recap') stats = Object.fromEntries(event.stats)
  }
  return { handle, report: () => JSON.stringify({ plays, stats }, null, 2) }
}
