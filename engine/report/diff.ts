import type { Diff } from '../module.js'

/** Line-level unified diff with 3 lines of context, as Ansible's --diff prints file changes; a prepared diff as it is. */
export function unifiedDiff(diff: Diff): string {
  if (diff.prepared !== undefined) return diff.prepared
  const a = splitLines(diff.before)
  const b = splitLines(diff.after)
  const ops = lcsOps(a, b)
  // ansible's callback labels the headers: `before: PATH` / `after: PATH`, or just `before` / `after`
  const out = [`--- ${diff.beforeHeader === undefined ? 'before' : `before: ${diff.beforeHeader}`}`, `+++ ${diff.afterHeader === undefined ? 'after' : `after: ${diff.afterHeader}`}`]
  const context = 3
  let i = 0
  while (i < ops.length) {
    if (ops[i]!.op === ' ') { i++; continue }
    const start = Math.max(0, i - context)
    let end = i
    while (end < ops.length) {
      if (ops[end]!.op !== ' ') { end++; continue }
      let run = 0
      while (end + run < ops.length && ops[end + run]!.op === ' ') run++
      if (end + run >= ops.length || run > context * 2) { end = Math.min(ops.length, end + context); break }
      end += run
    }
    const hunk = ops.slice(start, end)
    const aStart = hunk[0]!.ai
    const bStart = hunk[0]!.bi
    const aLen = hunk.filter((o) => o.op !== '+').length
    const bLen = hunk.filter((o) => o.op !== '-').length
    out.push(`@@ -${range(aStart, aLen)} +${range(bStart, bLen)} @@`)
    for (const o of hunk) out.push(`${o.op}${o.line}`)
    i = end
  }
  return out.join('\n') + '\n'
}

const range = (start: number, len: number): string => (len === 1 ? `${start + 1}` : `${len === 0 ? start : start + 1},${len}`)

function splitLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split('\n')
  // As ansible's callback: a last line without newline differs from the same line with one, and says so.
  if (lines.at(-1) === '') lines.pop()
  else lines[lines.length - 1] += '\n\\ No newline at end of file'
  return lines
}

interface Op { readonly op: ' ' | '-' | '+'; readonly line: string; readonly ai: number; readonly bi: number }

function lcsOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length
  const m = b.length
  const table: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) table[i]![j] = a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!)
  const ops: Op[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) { ops.push({ op: ' ', line: a[i]!, ai: i, bi: j }); i++; j++ }
    else if (i < n && (j >= m || table[i + 1]![j]! >= table[i]![j + 1]!)) { ops.push({ op: '-', line: a[i]!, ai: i, bi: j }); i++ }
    else { ops.push({ op: '+', line: b[j]!, ai: i, bi: j }); j++ }
  }
  return ops
}
