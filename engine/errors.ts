/** A place in a source file; line and col are 1-based, as editors show them. */
export interface SourceLocation {
  readonly file: string
  readonly line: number
  readonly col: number
}

/** `file:line:col`, the prefix every located message starts with. */
export const formatLocation = (l: SourceLocation): string => `${l.file}:${l.line}:${l.col}`

/** Base for every error a user is meant to see. Anything else reaching the CLI is a tsplay bug. */
export class TsplayError extends Error {
  override readonly name: string = 'TsplayError'
}

/**
 * A playbook, role, inventory, variable file or template is wrong. Reads like compiler output:
 * `playbooks/site.yaml:14:9: sysctl: unknown argument 'valeu' (did you mean 'value'?)`,
 * followed by the offending source line and a caret when `excerpt` is known.
 */
export class PlaybookError extends TsplayError {
  override readonly name: string = 'PlaybookError'
  constructor(
    readonly detail: string,
    readonly location: SourceLocation,
    readonly excerpt?: string,
    options?: ErrorOptions,
  ) {
    super(`${formatLocation(location)}: ${detail}`, options)
  }

  /** The message plus the offending line and a caret under the column, when the line is known. */
  explain(): string {
    if (this.excerpt === undefined) return this.message
    const caret = `${' '.repeat(Math.max(0, this.location.col - 1))}^`
    return `${this.message}\n    ${this.excerpt}\n    ${caret}`
  }
}

/** The desired state could not be reached on a host. `values` are returned to `register` as they are. */
export class ModuleError extends TsplayError {
  override readonly name: string = 'ModuleError'
  constructor(
    message: string,
    readonly values: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** The result of one command on a host, as every connection reports it. */
export interface ExecResult {
  readonly command: string
  readonly exitCode: number
  readonly stdout: string
  readonly stderr: string
}

/** A command exited non-zero where that was not allowed. Keeps the whole result. */
export class CommandError extends TsplayError {
  override readonly name: string = 'CommandError'
  constructor(
    readonly host: string,
    readonly result: ExecResult,
    options?: ErrorOptions,
  ) {
    const stderr = result.stderr.trim()
    super(`command failed with exit code ${result.exitCode}: ${result.command}${stderr ? `\n${stderr}` : ''}`, options)
  }
}

/** A host could not be reached, refused us, or went away mid-run: the task is UNREACHABLE, not failed. */
export class ConnectionError extends TsplayError {
  override readonly name: string = 'ConnectionError'
  constructor(
    readonly host: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** A command line that does not parse (unknown option, missing argument): exit code 2, as ansible-playbook's argparse. */
export class UsageError extends TsplayError {
  override readonly name: string = 'UsageError'
}

/** An option whose value is refused (`-e '[1, 2]'`): exit code 5, as ansible-playbook's AnsibleOptionsError. */
export class OptionsError extends TsplayError {
  override readonly name: string = 'OptionsError'
}

/** The run cannot start (playbook not found, no hosts to target): exit code 1, as ansible-playbook's AnsibleError. */
export class StartError extends TsplayError {
  override readonly name: string = 'StartError'
}

/** A template could not be rendered (syntax error, undefined variable, bad filter argument). */
export class TemplateError extends TsplayError {
  override readonly name: string = 'TemplateError'
}

/** Closest candidate by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution))
    }
    previous = current
  }
  return previous[b.length]!
}
