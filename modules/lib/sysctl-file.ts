/** Whether a sysctl.conf line holds no setting: blank, a `#`/`;` comment, or without `=`. */
const isInert = (line: string): boolean => {
  const t = line.trim()
  return t === '' || t.startsWith('#') || t.startsWith(';') || !t.includes('=')
}

const splitSetting = (line: string): [string, string] => {
  const t = line.trim()
  const eq = t.indexOf('=')
  return [t.slice(0, eq).trim(), t.slice(eq + 1).trim()]
}

/** The settings of a sysctl.conf text; a key set twice keeps its last value, as the kernel ends up with. */
export function readSysctlFile(text: string): Map<string, string> {
  const values = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (isInert(line)) continue
    const [key, value] = splitSetting(line)
    values.set(key, value)
  }
  return values
}

/**
 * The file rewritten as ansible.posix.sysctl rewrites it: settings normalised to `key=value`, later
 * duplicates dropped, `name` replaced in place (or removed when `value` is undefined), or appended.
 */
export function rewriteSysctlFile(text: string, name: string, value: string | undefined): string {
  const out: string[] = []
  const seen = new Set<string>()
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n')
  for (const line of lines) {
    if (isInert(line)) {
      out.push(line)
      continue
    }
    const [key, current] = splitSetting(line)
    if (seen.has(key)) continue
    seen.add(key)
    if (key !== name) out.push(`${key}=${current}`)
    else if (value !== undefined) out.push(`${key}=${value}`)
  }
  if (!seen.has(name) && value !== undefined) out.push(`${name}=${value}`)
  return out.length === 0 ? '' : `${out.join('\n')}\n`
}

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't'])
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f'])

/** A value as ansible.posix.sysctl normalises it: booleans become `1`/`0`, other text is trimmed. */
export function sysctlValue(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0'
  const s = String(value)
  if (TRUE.has(s.toLowerCase())) return '1'
  if (FALSE.has(s.toLowerCase())) return '0'
  return s.trim()
}

/** Equal as sysctl values: the same words, whatever the whitespace between them (`4096 87380` vs tabs). */
export const sameSysctlValue = (a: string, b: string): boolean => a.trim().split(/\s+/).join(' ') === b.trim().split(/\s+/).join(' ')
