import { CommandError, type ExecResult, ModuleError } from '../errors.js'
import type { BecomeSpec, Command, ExecOptions } from './types.js'

/** Quote one value for POSIX sh: the result is always a single word, never code. */
export function quote(value: string | number | boolean): string {
  const s = String(value)
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) && !s.startsWith('-')) return s
  return `'${s.replaceAll("'", `'\\''`)}'`
}

/** A value the `sh` tag splices in as it is: only for fragments tsplay itself wrote. */
export interface Raw {
  readonly raw: string
}

/** Mark a trusted, tsplay-written fragment to be spliced into an `sh` template unquoted. */
export const raw = (fragment: string): Raw => ({ raw: fragment })

type ShValue = string | number | boolean | Raw | readonly (string | number)[]

const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && 'raw' in v

/**
 * Build a command: every interpolated value is quoted as one word (arrays as several words); only `raw()`
 * fragments are spliced as they are. A nested `Command` is a string at run time, so it is quoted too: splice a
 * command tsplay built with `raw(command)`, or pass it as one argument (`sh -c ${command}`).
 *
 *     sh`sysctl -w ${`${key}=${value}`}`   // a value holding `$(rm -rf /)` stays a string
 */
export function sh(strings: TemplateStringsArray, ...values: ShValue[]): Command {
  let out = strings[0]!
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!
  })
  return out as Command
}

function render(value: ShValue): string {
  if (isRaw(value)) return value.raw
  if (Array.isArray(value)) return value.map((v) => quote(v)).join(' ')
  return quote(value as string | number | boolean)
}

/** Join commands into one `a && b && …` line. */
export const and = (...commands: Command[]): Command => commands.join(' && ') as Command

/** Join commands into one script, each on its own line. */
export const lines = (...commands: Command[]): Command => commands.join('\n') as Command

/** A command from a string the user wrote as shell code (`shell:` module): the one intended escape hatch. */
export const userShell = (code: string): Command => code as Command

/** Throw CommandError on a non-zero exit unless allowed: the same rule for every connection. */
export function finish(host: string, result: ExecResult, options: ExecOptions = {}): ExecResult {
  if (result.exitCode !== 0 && !options.allowFailure) throw new CommandError(host, result)
  return result
}

/** Printed on stderr once become succeeded, so the password is known to be accepted before data is sent. */
export const BECOME_MARKER = 'TSPLAY-BECOME-OK'
/** The prompt sudo shows when it wants a password; chosen so it cannot be mistaken for command output. */
export const BECOME_PROMPT = '[tsplay-become-password]'

/**
 * Wrap a command so it runs as `become.user`. The inner command first prints BECOME_MARKER on stderr,
 * so the caller can tell "password accepted" from "sudo is asking again".
 */
export function wrapBecome(command: Command, become: BecomeSpec): Command {
  const inner = sh`echo ${BECOME_MARKER} >&2; ${raw(command)}`
  const flags = become.flags ?? []
  if (become.method === 'su') return sh`su ${flags} -s /bin/sh -c ${inner} -- ${become.user}`
  const promptArgs = become.password === undefined ? ['-n'] : ['-S', '-p', BECOME_PROMPT]
  return sh`sudo -H ${promptArgs} ${flags} -u ${become.user} -- /bin/sh -c ${inner}`
}

/** `export K='v';` lines for an environment; keys must be shell identifiers. */
export function exportEnv(env: Readonly<Record<string, string>>): Command {
  return Object.entries(env)
    .map(([key, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ModuleError(`environment: invalid variable name '${key}'`)
      return `export ${key}=${quote(value)}; `
    })
    .join('') as Command
}
