import { pythonRegex, pythonReplacement } from '../../engine/template/index.js'

/** What lineinfile is asked to do, already validated. */
export interface LineRequest {
  readonly state: 'present' | 'absent'
  readonly line?: string | undefined
  readonly regexp?: string | undefined
  readonly search_string?: string | undefined
  readonly insertafter?: string | undefined
  readonly insertbefore?: string | undefined
  readonly backrefs: boolean
  readonly firstmatch: boolean
}

/** The edited text and Ansible's message for it (`line added`, `line replaced`, `1 line(s) removed`, or ''). */
export interface LineEdit {
  readonly text: string
  readonly msg: string
  /** For state absent: how many lines were removed. */
  readonly found?: number
}

/** Lines with their terminators, as Python's `readlines()` splits them. */
export function readLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? []
}

const stripEol = (line: string): string => line.replace(/[\r\n]+$/, '')

/** Python's `re.search` on one line: `$` also matches before the line's final newline, as in Python. */
export function searchLine(pattern: RegExp, line: string): RegExpExecArray | null {
  pattern.lastIndex = 0
  return pattern.exec(line.endsWith('\n') ? line.slice(0, -1) : line)
}

/** Python's `match.expand(template)` for a JavaScript match. */
function expand(match: RegExpExecArray, template: string): string {
  const rest: unknown[] = [...match.slice(1), match.index, match.input]
  if (match.groups) rest.push(match.groups)
  return pythonReplacement(template)(match[0], ...rest)
}

/**
 * Ansible's lineinfile `present()`, step for step: a regexp/search_string match (the last one, or the
 * first with firstmatch) is replaced; otherwise an identical line anywhere means no change; otherwise the
 * line goes after/before the insertafter/insertbefore match, at BOF, or at EOF.
 */
export function linePresent(text: string, r: LineRequest): LineEdit {
  const lines = readLines(text)
  const line = r.line ?? ''
  const re = r.regexp === undefined ? undefined : pythonRegex(r.regexp)
  const insertPattern = r.insertafter !== undefined && r.insertafter !== 'BOF' && r.insertafter !== 'EOF' ? r.insertafter : r.insertbefore !== undefined && r.insertbefore !== 'BOF' ? r.insertbefore : undefined
  const ins = insertPattern === undefined ? undefined : pythonRegex(insertPattern)
  const index = [-1, -1]
  let match: RegExpExecArray | boolean | null = null
  if (re) {
    for (let n = 0; n < lines.length; n++) {
      const found = searchLine(re, lines[n]!)
      if (found) {
        index[0] = n
        match = found
        if (r.firstmatch) break
      }
    }
  }
  if (r.search_string !== undefined) {
    for (let n = 0; n < lines.length; n++) {
      if (lines[n]!.includes(r.search_string)) {
        index[0] = n
        match = true
        if (r.firstmatch) break
      }
    }
  }
  if (!match) {
    for (let n = 0; n < lines.length; n++) {
      if (line === stripEol(lines[n]!)) {
        index[0] = n
      } else if (ins && searchLine(ins, lines[n]!)) {
        if (r.insertafter !== undefined) {
          index[1] = n + 1
          if (r.firstmatch) break
        }
        if (r.insertbefore !== undefined) {
          index[1] = n
          if (r.firstmatch) break
        }
      }
    }
  }
  const done = (msg: string): LineEdit => ({ text: lines.join(''), msg })
  const endsOpen = (): boolean => lines.length > 0 && !/[\n\r]$/.test(lines[lines.length - 1]!)
  if (index[0] !== -1) {
    let newLine = r.backrefs && match && typeof match === 'object' ? expand(match, line) : line
    if (!newLine.endsWith('\n')) newLine += '\n'
    const found = index[0]!
    if (lines[found] !== newLine) {
      lines[found] = newLine
      return done('line replaced')
    }
    return done('')
  }
  if (r.backrefs) return done('')
  if (r.insertbefore === 'BOF' || r.insertafter === 'BOF') {
    lines.unshift(`${line}\n`)
    return done('line added')
  }
  if (r.insertafter === 'EOF' || index[1] === -1) {
    if (endsOpen()) lines.push('\n')
    lines.push(`${line}\n`)
    return done('line added')
  }
  const at = index[1]!
  if (r.insertafter !== undefined) {
    if (lines.length === at) {
      if (stripEol(lines[at - 1]!) !== line) {
        lines.push(`${line}\n`)
        return done('line added')
      }
      return done('')
    }
    if (line !== stripEol(lines[at]!)) {
      lines.splice(at, 0, `${line}\n`)
      return done('line added')
    }
    return done('')
  }
  lines.splice(at, 0, `${line}\n`)
  return done('line added')
}

/** Ansible's lineinfile `absent()`: drop every line the regexp, search_string or exact line matches. */
export function lineAbsent(text: string, r: LineRequest): LineEdit {
  const re = r.regexp === undefined ? undefined : pythonRegex(r.regexp)
  let found = 0
  const kept = readLines(text).filter((l) => {
    const hit = re ? searchLine(re, l) !== null : r.search_string !== undefined ? l.includes(r.search_string) : r.line === stripEol(l)
    if (hit) found++
    return !hit
  })
  return { text: kept.join(''), msg: found > 0 ? `${found} line(s) removed` : '', found }
}
