import { raw, sh } from '../../engine/connection/shell.js'
import type { Command } from '../../engine/connection/types.js'

// Used when neither curl nor wget is installed (Debian minbase has neither, but apt hosts often have python3).
const PYTHON_FETCH = 'import ssl, sys, urllib.request\nctx = None if sys.argv[3] == "1" else ssl._create_unverified_context()\nopen(sys.argv[2], "wb").write(urllib.request.urlopen(sys.argv[1], context=ctx, timeout=60).read())'

/**
 * Download `url` on the host into the file named by the shell variable `target` (e.g. `f` for "$f"),
 * with curl, else wget, else python3; exits non-zero when every tool is missing or the download fails.
 */
export function downloadOnHost(url: string, target: string, validateCerts = true): Command {
  const dest = raw(`"$${target}"`)
  return sh`if command -v curl >/dev/null 2>&1; then curl -fsSL ${validateCerts ? [] : ['-k']} -o ${dest} ${url}
elif command -v wget >/dev/null 2>&1; then wget -q ${validateCerts ? [] : ['--no-check-certificate']} -O ${dest} ${url}
elif command -v python3 >/dev/null 2>&1; then python3 -c ${PYTHON_FETCH} ${url} ${dest} ${validateCerts ? '1' : '0'}
else echo 'neither curl, wget nor python3 is installed to download with' >&2; false; fi`
}

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
