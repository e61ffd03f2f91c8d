import { z } from 'zod'
import { type Command, sh } from '../../engine/connection/index.js'

/** The `attributes` argument (alias `attr`) of Ansible's file common arguments: chattr flags. */
export const chattrArgs = {
  attributes: z.string().optional().describe("file system flags for chattr: '+i' adds, '-i' removes, 'ie' sets exactly (compared with lsattr's flags, in lsattr's order; as in ansible-core a leading '=' is passed on and chattr rejects it)"),
}

/** A chattr to run, and what Ansible's diff shows for it. */
export interface ChattrPlan {
  readonly summary: string
  readonly command: Command
  /** lsattr's flags without dashes; null when lsattr could not read them. */
  readonly before: string | null
  readonly after: string
}

/**
 * Whether chattr runs, exactly as ansible-core decides: the flags lsattr shows (dashes dropped) differ from the
 * flags asked for, or the request removes (`-`). So `+i` on a file lsattr shows as `ie` is a change every run,
 * as in ansible-core; `=ie`/`ie` is idempotent. `current` undefined: lsattr failed, which compares as ''.
 */
export function planChattr(attributes: string | undefined, current: string | undefined, path: string): ChattrPlan | undefined {
  if (attributes === undefined) return undefined
  const mod = attributes.startsWith('-') || attributes.startsWith('+') ? attributes[0]! : '='
  const flags = mod === '=' ? attributes : attributes.slice(1)
  if ((current ?? '') === flags && mod !== '-') return undefined
  const after = `${mod}${flags}`
  // ansible-core fails on a non-zero exit or any output on stderr; the exit code tells apply which command it was
  // (run by its full path, as ansible-core does, which its usage message then names; the x keeps a final newline)
  const command = sh`c=$(command -v chattr) && e=$("$c" ${after} -- ${path} 2>&1 >/dev/null; r=$?; printf x; exit $r); r=$?; e=\${e%x}; { [ $r -eq 0 ] && [ -z "$e" ]; } || { printf '%s' "$e" >&2; exit ${CHATTR_FAILED}; }`
  return { summary: `set attributes of ${path} ${current ?? '?'} → ${after}`, command, before: current ?? null, after }
}

/** The exit code of a chattr that failed, so the module can report it as ansible-core does ('chattr failed'). */
export const CHATTR_FAILED = 97
