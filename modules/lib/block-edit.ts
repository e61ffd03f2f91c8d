import { pythonRegex } from '../../engine/template/index.js'
import { readLines, searchLine } from './line-edit.js'

/** What blockinfile is asked to do, already validated. */
export interface BlockRequest {
  readonly state: 'present' | 'absent'
  readonly block: string
  readonly marker: string
  readonly marker_begin: string
  readonly marker_end: string
  readonly insertafter?: string | undefined
  readonly insertbefore?: string | undefined
}

/**
 * Ansible's blockinfile edit: an existing marked block is replaced in place (or removed); otherwise the
 * block goes after the last insertafter match, before the last insertbefore match, at BOF, or at EOF.
 * `original` is null for a file that does not exist yet. Returns the new text and Ansible's msg.
 */
export function editBlock(original: string | null, r: BlockRequest): { text: string; msg: string } {
  const lines = readLines(original ?? '')
  const insertafter = r.insertafter === undefined && r.insertbefore === undefined ? 'EOF' : r.insertafter
  const pattern = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : r.insertbefore !== undefined && r.insertbefore !== 'BOF' ? r.insertbefore : undefined
  const insertRe = pattern === undefined ? undefined : pythonRegex(pattern)
  const marker0 = `${r.marker.replaceAll('{mark}', r.marker_begin)}\n`
  const marker1 = `${r.marker.replaceAll('{mark}', r.marker_end)}\n`
  let block = r.block
  if (block !== '' && !block.endsWith('\n')) block += '\n'
  const blockLines = r.state === 'present' && block !== '' ? [marker0, ...readLines(block), marker1] : []
  let n0: number | undefined
  let n1: number | undefined
  for (const [i, line] of lines.entries()) {
    if (line === marker0) n0 = i
    if (line === marker1) n1 = i
  }
  if (n0 === undefined || n1 === undefined) {
    n0 = undefined
    if (insertRe) {
      for (const [i, line] of lines.entries()) {
        if (searchLine(insertRe, line)) n0 = i
      }
      if (n0 === undefined) n0 = lines.length
      else if (insertafter !== undefined) n0 += 1
    } else {
      n0 = r.insertbefore !== undefined ? 0 : lines.length
    }
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1)
  } else {
    lines.splice(n1, n0 - n1 + 1)
    n0 = n1
  }
  if (n0 > 0 && !lines[n0 - 1]!.endsWith('\n')) lines[n0 - 1] += '\n'
  lines.splice(n0, 0, ...blockLines)
  const text = lines.join('')
  const msg = original === text ? '' : original === null ? 'File created' : blockLines.length === 0 ? 'Block removed' : 'Block inserted'
  return { text, msg }
}
