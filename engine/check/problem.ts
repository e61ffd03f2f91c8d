// One problem `tsplay check` found, and the kind of a loader error told from its message.
import { PlaybookError, type SourceLocation } from '../errors.js'

/** How bad a problem is: an error stops ansible-playbook or tsplay; a warning is what ansible warns about. */
export type Severity = 'error' | 'warning'

/** A problem in the project, at its file:line:col, with a stable kind (`unknown-module`, `undefined-variable`…). */
export interface Problem extends SourceLocation {
  readonly severity: Severity
  readonly kind: string
  readonly message: string
}

/** A problem at `at`. */
export const problem = (at: SourceLocation, severity: Severity, kind: string, message: string): Problem => ({ file: at.file, line: at.line, col: at.col, severity, kind, message })

// the loader's messages, most specific first; the first match names the kind
const LOADER_KINDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^yaml syntax error|^yaml: |^invalid utf-8/, 'yaml-syntax'],
  [/^cannot read file/, 'file-missing'],
  [/vault-encrypted data but no vault secrets/, 'vault-secret-missing'],
  [/^(play|block|loop_control): unknown keyword/, 'unknown-keyword'],
  [/^unknown keyword or module/, 'unknown-keyword-or-module'],
  [/^unknown module/, 'unknown-module'],
  [/^unsupported loop 'with_/, 'unknown-loop-lookup'],
  [/^conflicting action statements/, 'conflicting-actions'],
  [/^task has no action/, 'no-action'],
  [/^register: invalid variable name/, 'bad-register'],
  [/^notify: no handler named/, 'unknown-handler'],
  [/^notify: expected/, 'bad-notify'],
  [/^meta: unknown action/, 'unknown-meta'],
  [/^the role '.*' was not found/, 'role-not-found'],
  [/^role '.*': no tasks file/, 'tasks-from-missing'],
  [/^(import_tasks|include|import_playbook|include_tasks): file not found/, 'include-missing'],
  [/recursive import/, 'recursive-import'],
  [/^loop and with_\* cannot be used together/, 'loop-conflict'],
  [/^[\w.]+: unknown argument/, 'unknown-argument'],
  [/^[\w.]+: argument '[^']+': required$/, 'missing-argument'],
  [/mutually exclusive|one of .* is required|is required/, 'argument-conflict'],
  [/^[\w.]+: argument '[^']+': (expected|invalid)/i, 'bad-argument-type'],
  [/^[\w.]+: argument /, 'bad-argument'],
  [/^play: missing 'hosts'|^hosts list cannot be empty|^hosts: expected/, 'bad-hosts'],
  [/^empty playbook/, 'empty-playbook'],
]

/** A loader error as a problem, its kind told from the message. */
export function fromLoadError(error: PlaybookError): Problem {
  const kind = LOADER_KINDS.find(([pattern]) => pattern.test(error.detail))?.[1] ?? 'load-error'
  return problem(error.location, 'error', kind, error.detail)
}

/** Problems in file, line, column order, each once. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>()
  return [...problems]
    .filter((p) => {
      const key = `${p.file}:${p.line}:${p.col}:${p.kind}:${p.message}`
      return seen.has(key) ? false : (seen.add(key), true)
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.kind.localeCompare(b.kind))
}
