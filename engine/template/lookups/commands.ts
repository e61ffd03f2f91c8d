import { spawnSync } from 'node:child_process'
import { LookupError, type LookupContext, type LookupPlugin, termText } from './context.js'
import { baseDir } from './search.js'

// ansible runs the term with `/bin/sh -c` (Popen shell=True) in the base directory, stdin closed, stderr passed through.
function runShell(what: string, term: unknown, ctx: LookupContext): string {
  const command = termText(term, what)
  const result = spawnSync('/bin/sh', ['-c', command], { cwd: baseDir(ctx), input: '', stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 1 << 30 })
  if (result.error) throw new LookupError(`lookup_plugin.${what}(${command}) could not run: ${result.error.message}`)
  // Python reports death by a signal as a negative return code
  if (result.status !== 0) throw new LookupError(`lookup_plugin.${what}(${command}) returned ${result.signal !== null ? -signalNumber(result.signal) : result.status}`)
  return result.stdout.toString('utf8')
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 }
const signalNumber = (name: string): number => SIGNALS[name] ?? 0

/** `pipe`: each command's standard output, trailing whitespace removed; a non-zero exit fails the lookup. */
export const pipeLookup: LookupPlugin = (terms, _options, ctx) => terms.map((term) => runShell('pipe', term, ctx).replace(/\s+$/, ''))

/** `lines`: each command's standard output split into lines (`\n`, `\r\n` or `\r`, as Python's bytes.splitlines). */
export const linesLookup: LookupPlugin = (terms, _options, ctx) =>
  terms.flatMap((term) => {
    const out = runShell('lines', term, ctx)
    const lines = out.split(/\r\n|\r|\n/)
    if (lines[lines.length - 1] === '') lines.pop()
    return lines
  })
