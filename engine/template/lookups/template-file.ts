import { statSync } from 'node:fs'
import { hostname, userInfo } from 'node:os'
import { resolve } from 'node:path'
import { boolOption, LookupError, option, rendering, termText, type LookupPlugin } from './context.js'
import { readText } from './files.js'
import { findFile } from './search.js'


const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Text with custom `variable_start_string`/`comment_start_string` (and ends) turned into Jinja2's own markers;
 * Jinja2's markers that were plain text under the custom ones are kept as literal text.
 */
export function withStandardMarkers(text: string, marks: { varStart: string; varEnd: string; commentStart: string; commentEnd: string }): string {
  const { varStart, varEnd, commentStart, commentEnd } = marks
  if (varStart === '{{' && varEnd === '}}' && commentStart === '{#' && commentEnd === '#}') return text
  const token = new RegExp(`${escapeRe(varStart)}([\\s\\S]*?)${escapeRe(varEnd)}|${escapeRe(commentStart)}[\\s\\S]*?${escapeRe(commentEnd)}|(\\{%[\\s\\S]*?%\\})`, 'g')
  const literal = (plain: string): string => plain.replace(/\{\{|\}\}|\{#|#\}/g, (m) => `{{ '${m}' }}`)
  let out = ''
  let at = 0
  for (const m of text.matchAll(token)) {
    out += literal(text.slice(at, m.index))
    if (m[1] !== undefined) out += `{{${m[1]}}}`
    else if (m[2] !== undefined) out += m[2]
    at = m.index + m[0].length
  }
  return out + literal(text.slice(at))
}

// ansible's generate_ansible_template_vars, without the datetime values
function templateVars(term: string, path: string): Record<string, unknown> {
  let uid: string
  try {
    uid = statSync(path).uid === process.getuid?.() ? userInfo().username : String(statSync(path).uid)
  } catch {
    uid = ''
  }
  return { template_host: hostname(), template_path: term, template_fullpath: resolve(path), template_uid: uid, template_destpath: null, ansible_managed: 'Ansible managed' }
}

/**
 * `template`: each file from the search path's `templates/`, rendered with the task's variables plus `template_vars`;
 * `convert_data=false` keeps text that looks like a list or dict as text.
 */
export const templateLookup: LookupPlugin = (terms, options, ctx) => {
  const extra = option(options, 'template_vars', {}) as Record<string, unknown>
  const convert = boolOption(option(options, 'convert_data', true), 'template: convert_data')
  const marks = {
    varStart: String(option(options, 'variable_start_string', '{{')),
    varEnd: String(option(options, 'variable_end_string', '}}')),
    commentStart: String(option(options, 'comment_start_string', '{#')),
    commentEnd: String(option(options, 'comment_end_string', '#}')),
  }
  return terms.map((term) => {
    const name = termText(term, 'template')
    const path = findFile(ctx, 'templates', name)
    if (path === undefined) throw new LookupError(`the template file ${name} could not be found for the lookup`)
    const vars = Object.create(ctx.vars()) as Record<string, unknown>
    Object.assign(vars, templateVars(name, path), extra)
    return rendering.file!(withStandardMarkers(readText(path), marks), vars, path, convert)
  })
}
