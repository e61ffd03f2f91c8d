/**
 * A path as a program argument that cannot be read as an option or an operator: a relative path gets `./` in
 * front (`-delete` → `./-delete`, `!` → `./!`), an absolute one stays. For programs that do not end options
 * at `--` (find takes every word from the first `-`, `!`, `(` on as its expression).
 */
export const pathArg = (path: string): string => (path === '' || path.startsWith('/') ? path : `./${path}`)

/** The path a program printed for a `pathArg` start, as the caller wrote it (`./-x/a` → `-x/a`). */
export const unPathArg = (printed: string, path: string): string => (pathArg(path) === path ? printed : printed.slice(2))
