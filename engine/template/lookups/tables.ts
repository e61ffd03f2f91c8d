import { readFileSync } from 'node:fs'
import { boolOption, LookupError, LookupOptionError, option, termText, type LookupPlugin } from './context.js'
import { readText } from './files.js'
import { parseKv } from './kv.js'
import { findFile } from './search.js'
import { parseIni } from './ini-parser.js'
import { pythonRegex } from '../regex.js'

/** One line of Python's csv.reader (excel dialect): quoted fields with doubled quotes, `delimiter` between fields. */
export function csvRows(text: string, delimiter: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  let fresh = true
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && fresh) (quoted = true), (fresh = false)
    else if (c === delimiter) (row.push(field), (field = ''), (fresh = true))
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      ;[row, field, fresh] = [[], '', true]
    } else (field += c), (fresh = false)
  }
  if (field !== '' || row.length > 0) rows.push([...row, field])
  return rows
}

const CSV_OPTIONS = ['col', 'default', 'delimiter', 'file', 'encoding']

/** `csvfile`: the `col` column (1 by default) of the row whose first column is the term, in a tab-separated file by default. */
export const csvfileLookup: LookupPlugin = (terms, options, ctx) => {
  const params: Record<string, unknown> = { col: '1', default: null, delimiter: 'TAB', file: 'ansible.csv', encoding: 'utf-8', ...options }
  return terms.flatMap((term) => {
    const kv = parseKv(termText(term, 'csvfile'))
    if (kv['_raw_params'] === undefined) throw new LookupError('Search key is required but was not found')
    const key = kv['_raw_params']
    for (const [name, value] of Object.entries(kv)) {
      if (name === '_raw_params') continue
      if (!CSV_OPTIONS.includes(name)) throw new LookupError(`${name} is not a valid option`)
      params[name] = value
    }
    if (params['delimiter'] === 'TAB') params['delimiter'] = '\t'
    const file = String(params['file'])
    const path = findFile(ctx, 'files', file)
    if (path === undefined) throw new LookupError(`csvfile: [Errno 2] No such file or directory: '${file}'`)
    const text = readFileSync(path, { encoding: String(params['encoding']) as BufferEncoding })
    const row = csvRows(text, String(params['delimiter'])).find((r) => r.length > 0 && r[0] === key)
    if (row === undefined) return params['default'] === null || params['default'] === undefined ? [] : [params['default']]
    const col = Number(params['col'])
    if (!Number.isInteger(col)) throw new LookupError(`csvfile: invalid literal for int() with base 10: '${String(params['col'])}'`)
    const value = row[col < 0 ? row.length + col : col]
    if (value === undefined) throw new LookupError('csvfile: list index out of range')
    return [value]
  })
}

const INI_OPTIONS = ['type', 'file', 'section', 're', 'encoding', 'default', 'case_sensitive', 'allow_no_value', 'allow_none']

// ansible's inline `key section=x file=y` form: a word with `name=` starts that option, other words extend the last one
function inlineParams(term: string): string[] {
  const values = new Map<string, string>()
  const order: string[] = []
  let current = 'key'
  term.split(/\s+/).filter((w) => w !== '').forEach((phrase, i) => {
    if (phrase.includes('=')) for (const k of INI_OPTIONS) if (phrase.includes(`${k}=`)) current = k
    if (i === 0 || !values.get(current)) {
      values.set(current, phrase)
      order.push(current)
    } else values.set(current, `${values.get(current)!} ${phrase}`)
  })
  return order.map((k) => values.get(k) ?? '')
}

/** `ini`: a key's value in a section of an INI file (`type=properties`: a Java properties file), `re=true` for every matching key. */
export const iniLookup: LookupPlugin = (terms, options, ctx) => {
  const params: Record<string, unknown> = { type: 'ini', file: 'ansible.ini', section: 'global', re: false, encoding: 'utf-8', default: '', case_sensitive: false, allow_no_value: false, ...options }
  if (options['allow_none'] !== undefined) params['allow_no_value'] = options['allow_none']
  return terms.flatMap((term) => {
    const text = termText(term, 'ini')
    let key = text
    if (text.includes('=') || text.trim().includes(' ')) {
      let found = false
      for (const param of inlineParams(text)) {
        if (param.includes('=')) {
          const parts = param.split('=')
          if (parts.length !== 2) throw new LookupError(`Could not use '${param}': too many values to unpack (expected 2)`)
          if (!INI_OPTIONS.includes(parts[0]!)) throw new LookupError(`${parts[0]!} is not a valid option.`)
          params[parts[0]!] = parts[1]
        } else if (!found) {
          key = param
          found = true
        }
      }
      if (!found) throw new LookupOptionError(`No key to lookup was provided as first term with in string inline options: ${text}`)
    }
    const file = String(option(params, 'file', 'ansible.ini'))
    const path = findFile(ctx, 'files', file)
    if (path === undefined) throw new LookupError(`Unable to find file ${file}`)
    const properties = params['type'] === 'properties'
    const section = properties ? 'java_properties' : String(params['section'])
    const body = readText(path)
    const sections = parseIni(properties ? `[java_properties]\n${body}` : body, {
      caseSensitive: boolOption(params['case_sensitive'], 'ini: case_sensitive'),
      allowNoValue: boolOption(params['allow_no_value'], 'ini: allow_no_value'),
      file,
    })
    const values = sections.get(section)
    if (values === undefined) throw new LookupError(`No section '${section}' in ${file}`)
    if (boolOption(params['re'], 'ini: re')) {
      const re = pythonRegex(key, {}, true)
      return [...values.entries()].filter(([k]) => {
        re.lastIndex = 0
        return re.test(k)
      }).map(([, v]) => v)
    }
    const lookupKey = boolOption(params['case_sensitive'], 'ini: case_sensitive') ? key : key.toLowerCase()
    return values.has(lookupKey) ? [values.get(lookupKey)] : params['default'] === null ? [] : [params['default']]
  })
}
