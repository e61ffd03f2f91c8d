import { pyJson } from '../../engine/python/index.js'

const FLOAT = '\u0000float:'

/** A number a diff prints as a Python float (`1577880000.0`), as ansible-core's file times are. */
export const asFloat = (n: number): string => `${FLOAT}${n}`

/**
 * Dict diffs as Ansible's callback serialises them: json.dumps with sorted keys, indent 4 and ensure_ascii
 * (non-ASCII as `\uXXXX`), plus a newline.
 */
export function jsonDiffText(value: Readonly<Record<string, unknown>>): string {
  const text = pyJson(value, 4)
    .replace(/"\\u0000float:([^"]+)"/g, (_, n: string) => (/[.e]/.test(n) ? n : `${n}.0`))
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `${text}\n`
}
