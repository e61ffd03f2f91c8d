/**
 * Properties from `systemctl show` output, as ansible-core's `parse_systemctl_show` reads them: one
 * `Key=value` per line, except `Exec*={ … }` values that may run over several lines until a closing `}`.
 */
export function parseSystemctlShow(output: string): Record<string, string> {
  const parsed: Record<string, string> = {}
  let key: string | undefined
  let multi: string[] = []
  for (const line of output.split('\n')) {
    if (key === undefined) {
      const eq = line.indexOf('=')
      if (eq < 0) continue
      const k = line.slice(0, eq)
      const v = line.slice(eq + 1)
      if (k.startsWith('Exec') && v.trimStart().startsWith('{') && !v.trimEnd().endsWith('}')) {
        key = k
        multi = [v]
        continue
      }
      parsed[k] = v.trim()
    } else {
      multi.push(line)
      if (line.trimEnd().endsWith('}')) {
        parsed[key] = multi.join('\n').trim()
        key = undefined
      }
    }
  }
  return parsed
}

/** A unit is running for Ansible when it is active or on its way there. */
export const isRunning = (status: Readonly<Record<string, string>>): boolean => status['ActiveState'] === 'active' || status['ActiveState'] === 'activating'

/**
 * Whether `systemctl is-enabled` means enabled, as ansible-core decides: exit 0, except a lone
 * `indirect` or `alias` line, which count as disabled.
 */
export function isEnabled(rc: number, output: string): boolean {
  const lines = output.split('\n').filter((l) => l !== '')
  return rc === 0 && !(lines.length === 1 && (lines[0] === 'indirect' || lines[0] === 'alias'))
}
