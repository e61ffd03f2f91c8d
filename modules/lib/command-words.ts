import { z } from 'zod'
import { type Command, quote, raw, sh } from '../../engine/connection/index.js'
import { shlexSplit } from '../../engine/python/index.js'

const VARIABLE = /\$(\w+|\{[^}/]*\})/g
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/
const TILDE = /^~[A-Za-z0-9._-]*(?=\/|$)/

/**
 * One shell word for an argument that ansible-core would pass through `expanduser(expandvars(…))`:
 * `$NAME` and `${NAME}` become the value of the environment variable (left as written when the environment has
 * none), a leading `~` or `~user` the home directory; everything else is quoted. Only validated names reach the
 * shell unquoted, and expansions are never parsed again, so a value is still data. Needs `expandingPrologue` of
 * the same words in effect: it looks the names up and sets `IFS=` (no field splitting) and `set -f` (no globbing).
 */
export function expandingWord(word: string): string {
  let out = ''
  let rest = word
  const tilde = TILDE.exec(word)
  if (tilde) {
    out = tilde[0]
    rest = word.slice(tilde[0].length)
  }
  let last = 0
  let expanded = false
  for (const m of rest.matchAll(VARIABLE)) {
    const name = m[1]!.startsWith('{') ? m[1]!.slice(1, -1) : m[1]!
    if (!IDENTIFIER.test(name)) continue
    out += literal(rest.slice(last, m.index))
    out += `\${${ENV_PREFIX}${name}-${quote(m[0])}}`
    last = m.index + m[0].length
    expanded = true
  }
  out += literal(rest.slice(last))
  // An unquoted expansion that comes out empty would vanish as a word; a quoted '' keeps it.
  if (expanded && !tilde) out += "''"
  return out === '' ? "''" : out
}

const literal = (s: string): string => (s === '' ? '' : quote(s))

// Where the prologue puts an environment variable's value: Python's os.environ holds exported variables only,
// so the shell's own (IFS, PS1, OPTIND, PPID, bash's UID…) and tsplay's script variables must not expand.
const ENV_PREFIX = 'tsplay_env_'

/**
 * The lines `expandingWord` output needs: each `$NAME` of the words read from the environment (`printenv`, so a
 * variable the shell has but does not export stays as written), then `IFS=` and `set -f`: unquoted expansions
 * are neither split nor globbed.
 */
export function expandingPrologue(...words: readonly string[]): string {
  const names = new Set<string>()
  for (const word of words) {
    for (const m of word.matchAll(VARIABLE)) {
      const name = m[1]!.startsWith('{') ? m[1]!.slice(1, -1) : m[1]!
      if (IDENTIFIER.test(name)) names.add(name)
    }
  }
  // printenv's one newline comes off after the dot that keeps the value's own trailing newlines
  const lookups = [...names].map((n) => `${ENV_PREFIX}${n}=$(printenv ${n} && echo .) && ${ENV_PREFIX}${n}=\${${ENV_PREFIX}${n}%??} || unset ${ENV_PREFIX}${n}; `)
  return `${lookups.join('')}IFS=; set -f; `
}

/** Printed on stderr by `argvCommand` when the program does not exist; nothing else prints it. */
export const NOT_FOUND = 'tsplay: program not found'

/**
 * A command line running `argv` with Ansible's `$VAR`/`~` expansion of each word, and nothing else
 * interpreted. A missing program exits 2 with NOT_FOUND on stderr, so it can be told from the program's own 127.
 */
export function argvCommand(argv: readonly string[]): Command {
  const words = argv.map(expandingWord)
  return sh`${raw(expandingPrologue(...argv))}command -v -- ${raw(words[0] ?? "''")} >/dev/null 2>&1 || { echo ${NOT_FOUND} >&2; exit 2; }; ${raw(words.join(' '))}`
}

/** A zod refinement: `text` must split into words (balanced quotes, no trailing backslash), reported on `key`. */
export function refineWords(text: string, ctx: z.RefinementCtx, key = 'cmd'): void {
  try {
    shlexSplit(text)
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: (error as Error).message.toLowerCase() })
  }
}

/** Python's `str.splitlines()`: the line breaks it knows, no trailing empty line. */
export function splitLines(text: string): string[] {
  if (text === '') return []
  const parts = text.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/)
  if (parts.at(-1) === '') parts.pop()
  return parts
}
