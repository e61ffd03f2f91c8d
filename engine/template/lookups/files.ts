import { opendirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import { fnmatchRegExp } from '../../python/index.js'
import { boolOption, hooks, LookupError, option, termText, type LookupPlugin } from './context.js'
import { findFile, pyJoin, searchPath } from './search.js'

const VAULT = /^\$ANSIBLE_VAULT;/

/** A file's text as ansible's loader reads it: vault-encrypted files come back decrypted. */
export function readText(path: string): string {
  const text = readFileSync(path, 'utf8')
  return VAULT.test(text) ? hooks.unvault(text, path) : text
}

/** `file`: the contents of each file, found in the search path's `files/`, right-stripped by default. */
export const fileLookup: LookupPlugin = (terms, options, ctx) =>
  terms.map((term) => {
    const name = termText(term, 'file')
    const path = findFile(ctx, 'files', name)
    if (path === undefined) {
      hooks.warn(`Unable to find '${name}' in expected paths (use -vvvvv to see paths)`)
      throw new LookupError(`could not locate file in lookup: ${name}`)
    }
    let text = readText(path)
    if (boolOption(option(options, 'lstrip', false), 'file: lstrip')) text = text.replace(/^\s+/, '')
    if (boolOption(option(options, 'rstrip', true), 'file: rstrip')) text = text.replace(/\s+$/, '')
    return text
  })

/** `unvault`: a vault-encrypted file's plain text (unstripped). */
export const unvaultLookup: LookupPlugin = (terms, _options, ctx) =>
  terms.map((term) => {
    const name = termText(term, 'unvault')
    const path = findFile(ctx, 'files', name)
    if (path === undefined) throw new LookupError(`Unable to find file matching "${name}" `)
    return readText(path)
  })

// Python's glob: `*` and `?` do not match a leading dot unless the pattern starts with one.
function glob(dir: string, pattern: string): string[] {
  // in directory order, as Python's glob lists them (readdirSync would sort)
  const names: string[] = []
  try {
    const handle = opendirSync(dir)
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) names.push(entry.name)
    handle.closeSync()
  } catch {
    return []
  }
  const re = fnmatchRegExp(pattern)
  const matched = names.filter((n) => re.test(n) && (pattern.startsWith('.') || !n.startsWith('.'))).map((n) => pyJoin(dir, n))
  return matched.filter((p) => {
    try {
      return statSync(p).isFile()
    } catch {
      return false
    }
  })
}

/** `fileglob`: files (not folders) matching a pattern in one folder: the first folder of the search path with matches. */
export const fileglobLookup: LookupPlugin = (terms, _options, ctx) =>
  terms.flatMap((term) => {
    const text = termText(term, 'fileglob')
    const file = basename(text)
    // os.path.basename/dirname: a trailing slash leaves an empty file name
    const name = text.endsWith('/') ? '' : file
    const dirs = name !== text ? [findFile(ctx, 'files', text.endsWith('/') ? text.slice(0, -1) : dirname(text))] : searchPath(ctx).flatMap((p) => [pyJoin(p, 'files'), p])
    for (const dir of dirs) {
      if (dir === undefined || dir === '') continue
      const found = glob(dir, name)
      if (found.length > 0) return found
    }
    return []
  })
