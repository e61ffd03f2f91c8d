import { readFileSync } from 'node:fs'

// Path handling as Python's posixpath does it, because ansible resolves every configured path with
// expandvars, expanduser and normpath, and each differs from node's path module in small ways.

/** `os.path.expandvars`: `$NAME` and `${NAME}` replaced when set in `env`, left as written when not. */
export function expandVars(path: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!path.includes('$')) return path
  return path.replace(/\$(\w+|\{[^}]*\})/gu, (whole, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name
    return env[key] ?? whole
  })
}

/** `os.path.expanduser`: `~` is `home`, `~user` that user's home from /etc/passwd, unknown users untouched. */
export function expandUser(path: string, home: string): string {
  if (!path.startsWith('~')) return path
  const slash = path.indexOf('/', 1)
  const end = slash === -1 ? path.length : slash
  const user = path.slice(1, end)
  const userHome = user === '' ? home : passwdHome(user)
  if (userHome === undefined) return path
  return userHome.replace(/\/+$/u, '') + path.slice(end) || '/'
}

function passwdHome(user: string): string | undefined {
  let passwd: string
  try {
    passwd = readFileSync('/etc/passwd', 'utf8')
  } catch {
    return undefined
  }
  for (const line of passwd.split('\n')) {
    const fields = line.split(':')
    if (fields[0] === user && fields.length >= 6) return fields[5]
  }
  return undefined
}

/** `os.path.normpath`: drops `.`, empty parts and trailing slashes, folds `..`, keeps a leading `//`. */
export function normPath(path: string): string {
  if (path === '') return '.'
  const initial = path.startsWith('/') ? (path.startsWith('//') && !path.startsWith('///') ? 2 : 1) : 0
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part !== '..' || (initial === 0 && parts.length === 0) || parts.at(-1) === '..') parts.push(part)
    else if (parts.length > 0) parts.pop()
  }
  const joined = '/'.repeat(initial) + parts.join('/')
  return joined || '.'
}

/** `os.path.join(base, path)` for one part: an absolute `path` wins. */
export function joinPath(base: string, path: string): string {
  if (path.startsWith('/')) return path
  return base === '' || base.endsWith('/') ? base + path : `${base}/${path}`
}

/** The context every path is resolved in: the process's environment, home and working directory. */
export interface PathContext {
  readonly env: Readonly<Record<string, string | undefined>>
  readonly home: string
  readonly cwd: string
}

/** ansible's `unfrackpath(path, follow=False, basedir)`: variables and `~` expanded, relative to `basedir`, normalised. */
export function unfrackPath(path: string, context: PathContext, basedir: string = context.cwd): string {
  const expanded = expandUser(expandVars(path, context.env), context.home)
  return normPath(joinPath(basedir, expanded))
}
