import { raw, sh } from '../../engine/connection/shell.js'
import type { Command } from '../../engine/connection/types.js'

/** How to fetch a URL on the host. */
export interface DownloadOptions {
  readonly url: string
  /** Path on the host to write the body to. */
  readonly output: string
  readonly timeoutSeconds: number
  readonly validateCerts: boolean
  readonly headers?: Readonly<Record<string, string>>
  readonly username?: string | undefined
  readonly password?: string | undefined
}

/** Exit code of the download script when neither curl nor wget exists on the host. */
export const NO_DOWNLOADER = 127

/**
 * A script that downloads with curl (or else wget) and prints `status <http code>` on stdout. Headers and
 * credentials go through curl's config on stdin (`stdinText`), never onto a command line others can see.
 */
export function downloadScript(o: DownloadOptions): { command: Command; stdin: string } {
  const insecure = o.validateCerts ? '' : ' -k'
  const curl = sh`curl -sSL${raw(insecure)} --max-time ${o.timeoutSeconds} --config - -o ${o.output} -w 'status %{http_code}\\n' -- ${o.url}`
  const wgetFlags = [...(o.validateCerts ? [] : ['--no-check-certificate']), ...Object.entries(o.headers ?? {}).map(([k, v]) => `--header=${k}: ${v}`)]
  const wget = sh`wget -q -S -T ${o.timeoutSeconds} ${wgetFlags} -O ${o.output} -- ${o.url} 2>&1 | awk '/^  HTTP\\//{c=$2} END{print "status " c}'`
  const command = sh`if command -v curl >/dev/null 2>&1; then ${raw(curl)}
elif command -v wget >/dev/null 2>&1; then ${raw(wget)}
else echo 'neither curl nor wget found on the host' >&2; exit ${NO_DOWNLOADER}; fi`
  const config = [
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `header = ${curlString(`${k}: ${v}`)}`),
    ...(o.username === undefined ? [] : [`user = ${curlString(`${o.username}:${o.password ?? ''}`)}`]),
  ]
  return { command, stdin: config.map((l) => `${l}\n`).join('') }
}

// curl config strings: double-quoted, with backslash escapes.
const curlString = (s: string): string => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`

/** The HTTP status the download script printed, or 0 when there was none (connection failure). */
export const parseStatus = (stdout: string): number => Number(/status (\d+)/.exec(stdout)?.[1] ?? 0)
