// Retry files as ansible-playbook writes and reads them: with retry_files_enabled, a run that leaves failed or
// unreachable hosts writes their names, one a line, to PLAYBOOK.retry; `--limit @FILE` reads such a file back.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, extname, join, resolve } from 'node:path'
import { StartError } from '../errors.js'
import { splitPattern } from '../inventory/index.js'

/** The recap counters a retry file is made from. */
export interface RetryStats {
  readonly failed: number
  readonly unreachable: number
}

/** Where the retry file of `playbookPath` goes: retry_files_save_path if set, else beside the playbook. */
export function retryFilePath(playbookPath: string, savePath: string | null | undefined): string {
  const dir = savePath !== null && savePath !== undefined && savePath !== '' ? savePath : dirname(resolve(playbookPath))
  return join(dir, `${basename(playbookPath, extname(playbookPath))}.retry`)
}

/** The hosts a retry file lists: failed or unreachable ones, sorted as Python sorts strings (by code point). */
export function retryHosts(stats: ReadonlyMap<string, RetryStats>): string[] {
  const hosts = [...stats].filter(([, s]) => s.failed > 0 || s.unreachable > 0).map(([host]) => host)
  return hosts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Write the retry file (its directory made if missing) and return the line ansible-playbook prints before the
 * recap; an unwritable path gives a warning instead, as ansible's does, and never fails the run.
 */
export function writeRetryFile(path: string, hosts: readonly string[]): { readonly notice: string } | { readonly warning: string } {
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, hosts.map((h) => `${h}\n`).join(''))
    return { notice: `\tto retry, use: --limit @${path}\n` }
  } catch (error) {
    return { warning: `Could not create retry file '${path}'.\n\t${(error as Error).message}` }
  }
}

/**
 * `--limit` with each `@FILE` term replaced by the host names in that file (one a line), as ansible's inventory
 * subset does; the other terms stay patterns. Paths are taken as written, relative to the working directory.
 */
export function expandLimitFiles(limit: string): string {
  return splitPattern(limit).flatMap((term) => (term.startsWith('@') ? readLimitFile(term.slice(1)) : [term])).join(',')
}

function readLimitFile(path: string): string[] {
  // ansible's messages, whose path it prints as Python bytes (b'…')
  if (!existsSync(path)) throw new StartError(`Unable to find limit file b'${path}'`)
  if (!statSync(path).isFile()) throw new StartError(`Limit starting with "@" must be a file, not a directory: b'${path}'`)
  return readFileSync(path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '')
}
