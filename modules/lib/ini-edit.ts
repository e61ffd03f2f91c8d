import { readLines } from './line-edit.js'

/** What ini_file is asked to do, validated. */
export interface IniRequest {
  readonly section?: string | undefined
  readonly option?: string | undefined
  /** `value` as a one-item list, or `values`. */
  readonly values: readonly string[]
  readonly state: 'present' | 'absent'
  readonly exclusive: boolean
  readonly no_extra_spaces: boolean
  readonly allow_no_value: boolean
}

/** The edited text, whether ansible counts it as a change, and its message (`OK`, `option added` …). */
export interface IniEdit {
  readonly text: string
  readonly changed: boolean
  readonly msg: string
}

// ansible's own placeholder section for options outside any section, so that its name matches nothing real
const FAKE_SECTION = 'ad01e11446efb704fcdbdb21f2c43757423d91c5'
const BLANK_OR_COMMENT = /^[ \t]*([#;].*)?$/

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')
const bare = (line: string): string => (line.endsWith('\n') ? line.slice(0, -1) : line)
/** Python's `re.match` of ini_file's option pattern; `commented` also matches `#option` and `;option`. */
const matchOption = (option: string, line: string, commented = true): RegExpExecArray | null =>
  new RegExp(`^${commented ? '[#;]?' : ''}( |\\t)*(${escape(option)})( |\\t)*(=|$)( |\\t)*(.*)`).exec(bare(line))

/**
 * community.general's ini_file `do_ini()`, step for step, on the file's text (null when it does not exist): the
 * matching options of the section are rewritten, surplus ones removed (exclusive), missing ones appended after
 * the section's last non-blank, non-comment line, a missing section appended at the end.
 */
export function editIni(original: string | null, r: IniRequest): IniEdit {
  // Python reads text with universal newlines and utf-8-sig: CRLF becomes LF and a BOM goes
  const lines = readLines((original ?? '').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'))
  const values = [...new Set(r.values)]
  const option = r.option
  let changed = false
  let msg = 'OK'
  if (lines.length === 0) lines.push('\n')
  if (!lines[lines.length - 1]!.endsWith('\n')) {
    lines[lines.length - 1] += '\n'
    changed = true
  }
  lines.unshift(`[${FAKE_SECTION}]`)
  lines.push('[')
  const section = r.section ? r.section : FAKE_SECTION
  const assignment = (o: string, v: string): string => (r.no_extra_spaces ? `${o}=${v}\n` : `${o} = ${v}\n`)
  let within = false
  let start = 0
  let end = 0
  for (const [index, line] of lines.entries()) {
    if (line.startsWith(`[${section}]`)) {
      within = true
      start = index
    } else if (line.startsWith('[') && within) {
      end = index
      break
    }
  }
  const before = lines.slice(0, start)
  let sectionLines = lines.slice(start, end)
  const after = lines.slice(end)
  let touched = sectionLines.map(() => false)
  let noValuePresent = false
  const update = (index: number, line: string): void => {
    if (sectionLines[index] !== line) {
      changed = true
      msg = 'option changed'
    }
    sectionLines[index] = line
    touched[index] = true
  }
  if (r.state === 'present' && option) {
    for (const [index, line] of sectionLines.entries()) {
      const match = matchOption(option, line)
      if (!match) continue
      const value = match[6]!
      if (values.length > 0 && values.includes(value)) {
        if (value === '' && r.allow_no_value) {
          update(index, `${option}\n`)
          noValuePresent = true
        } else update(index, assignment(option, value))
        values.splice(values.indexOf(value), 1)
      } else if (values.length === 0 && r.allow_no_value) {
        update(index, `${option}\n`)
        noValuePresent = true
        break
      }
    }
  }
  if (r.state === 'present' && r.exclusive && !r.allow_no_value) {
    if (values.length > 0) {
      for (const [index, line] of sectionLines.entries()) {
        if (!touched[index] && matchOption(option ?? '', line)) {
          update(index, assignment(option ?? '', values.shift()!))
          if (values.length === 0) break
        }
      }
    }
    for (let index = sectionLines.length - 1; index > 0; index--) {
      if (!touched[index] && matchOption(option ?? '', sectionLines[index]!)) {
        sectionLines.splice(index, 1)
        touched.splice(index, 1)
        changed = true
        msg = 'option changed'
      }
    }
  }
  if (r.state === 'present') {
    for (let index = sectionLines.length; index > 0; index--) {
      if (BLANK_OR_COMMENT.test(bare(sectionLines[index - 1]!))) continue
      if (option && values.length > 0) {
        sectionLines.splice(index, 0, ...values.map((v) => assignment(option, v)))
        msg = 'option added'
        changed = true
      } else if (option && values.length === 0 && r.allow_no_value && !noValuePresent) {
        sectionLines.splice(index, 0, `${option}\n`)
        msg = 'option added'
        changed = true
      }
      break
    }
  }
  if (r.state === 'absent') {
    if (option) {
      const kept = sectionLines.filter((line) => {
        const match = matchOption(option, line, false)
        return !(match && (r.exclusive || values.includes(match[6]!)))
      })
      if ((r.exclusive || values.length > 0) && kept.length !== sectionLines.length) {
        sectionLines = kept
        changed = true
        msg = 'option changed'
      }
    } else if (sectionLines.length > 0) {
      sectionLines = []
      touched = []
      msg = 'section removed'
      changed = true
    }
  }
  const result = [...before, ...sectionLines, ...after].slice(1, -1)
  if (!within && r.state === 'present') {
    result.push(`[${section}]\n`)
    msg = 'section and option added'
    if (option && values.length > 0) result.push(...values.map((v) => assignment(option, v)))
    else if (option && r.allow_no_value) result.push(`${option}\n`)
    else msg = 'only section added'
    changed = true
  }
  return { text: result.join(''), changed, msg }
}
