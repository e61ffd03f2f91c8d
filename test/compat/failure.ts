/** Finds the line that explains why a playbook run failed, in the output of ansible-playbook or tsplay. */

const TASK = /^(?:TASK|RUNNING HANDLER) \[(.*)\] \**$/
const HOST_FAILURE = /^(?:fatal|failed): \[[^\]]*\](?: => \(item=.*?\))?: (?:FAILED!|UNREACHABLE!) => (.*)$/
// ansible's ERROR!, tsplay's compiler-style `file:line:col: message`, tsplay's own prefix, an internal error
const ERROR_LINE = /^(?:ERROR! |[^\s:]+:\d+:\d+: |tsplay: |internal error)/

const shorten = (text: string, max: number): string => {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > max ? `${one.slice(0, max - 1)}…` : one
}

/** The message of a host failure's JSON result, or the raw text when it is not JSON. */
function failureMessage(json: string): string {
  try {
    const result = JSON.parse(json) as Record<string, unknown>
    const parts = [result['msg'], result['stderr'], result['assertion']].filter((p) => typeof p === 'string' && p !== '')
    return parts.length ? String(parts[0]) : json
  } catch {
    return json
  }
}

/**
 * The last failure in `output` that nothing ignored: a host's `fatal:` result (with its task's name), an error
 * line, or else the last non-empty line. Each run usually stops at its last failure; the ones a block rescued
 * or a runme.sh expected come earlier.
 */
export function lastFailure(output: string, max = 160): string {
  const lines = output.split('\n')
  let task = ''
  let found = ''
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const taskMatch = TASK.exec(line)
    if (taskMatch) {
      task = taskMatch[1] ?? ''
      continue
    }
    const failure = HOST_FAILURE.exec(line)
    if (failure) {
      let json = failure[1] ?? ''
      // a result shown always (assert, debug) is dumped indented, down to a closing brace of its own
      if (json === '{') {
        const end = lines.indexOf('}', i + 1)
        if (end > i) {
          json = lines.slice(i, end + 1).join('\n').slice(line.length - 1)
          i = end
        }
      }
      if ((lines[i + 1] ?? '').startsWith('...ignoring')) continue
      found = `${task ? `[${task}] ` : ''}${failureMessage(json)}`
    } else if (ERROR_LINE.test(line)) {
      found = line
    }
  }
  if (!found) found = [...lines].reverse().find((l) => l.trim() !== '') ?? ''
  return shorten(found, max)
}
