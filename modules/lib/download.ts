import { type Command, raw, type Raw, sh } from '../../engine/connection/index.js'

/** How to fetch a URL on the host. */
export interface DownloadOptions {
  readonly url: string
  /** Path on the host to write the body to, or a tsplay-written shell word such as `raw('"$t"')` for a temp file. */
  readonly output: string | Raw
  /** Whole-transfer limit in seconds (default 60). */
  readonly timeoutSeconds?: number
  readonly validateCerts?: boolean
  readonly headers?: Readonly<Record<string, string>>
  readonly username?: string | undefined
  readonly password?: string | undefined
  /** HEAD asks for the status only (Ansible's get_url in check mode); GET by default. */
  readonly method?: 'GET' | 'HEAD'
  /** A file on the host whose mtime goes out as If-Modified-Since (a 304 answer is then a success). */
  readonly ifModifiedSinceOf?: string | undefined
}

/** Exit code of the download script when neither curl, wget nor python3 exists on the host. */
export const NO_DOWNLOADER = 127

/** Exit code of the download script for an HTTP status of 400 or more (curl's own code for it). */
export const HTTP_ERROR = 22

// Used when neither curl nor wget is installed (Debian minbase has neither, but most hosts have python3). It
// reads the same curl config lines from stdin as curl does, for headers and credentials.
const PYTHON_FETCH = `import base64, re, ssl, sys, urllib.error, urllib.request
url, out, verify, timeout, method, ims = sys.argv[1:7]
req = urllib.request.Request(url, method=method)
if ims:
    req.add_header('If-Modified-Since', ims)
for line in sys.stdin.read().splitlines():
    m = re.match(r'(header|user) = "(.*)"$', line)
    if not m:
        continue
    v = re.sub(r'\\\\(.)', lambda e: '\\n' if e.group(1) == 'n' else e.group(1), m.group(2))
    if m.group(1) == 'header':
        k, _, val = v.partition(': ')
        req.add_header(k, val)
    else:
        req.add_header('Authorization', 'Basic ' + base64.b64encode(v.encode()).decode())
ctx = None if verify == '1' else ssl._create_unverified_context()
try:
    r = urllib.request.urlopen(req, context=ctx, timeout=float(timeout))
except urllib.error.HTTPError as e:
    print(e.code)
    sys.exit(0)
with open(out, 'wb') as f:
    f.write(r.read())
print(r.status or 0)`

/**
 * A script that downloads `url` on the host with curl, else wget, else python3, prints `status <http code>`
 * on stdout, and exits non-zero when the download failed (HTTP_ERROR for a status ≥ 400, NO_DOWNLOADER when
 * no tool exists). It is one subshell `( … )`, so it can be spliced into a larger script (inside `$( … )`, keep
 * a space after `$(`: `$((` would start arithmetic). Headers and credentials
 * go through curl's config on `stdin`, never onto a command line others can see.
 */
export function downloadScript(o: DownloadOptions): { command: Command; stdin: string } {
  const timeout = o.timeoutSeconds ?? 60
  const verify = o.validateCerts ?? true
  const head = o.method === 'HEAD'
  // The date is worked out on the host from the file's mtime, in the RFC 2822 form Ansible sends.
  const ims = o.ifModifiedSinceOf === undefined ? sh`tsplay_ims=` : sh`tsplay_ims=$(LC_ALL=C date -u -r ${o.ifModifiedSinceOf} '+%a, %d %b %Y %H:%M:%S GMT') || exit 1`
  const imsWord = (prefix: string): Raw | string[] => (o.ifModifiedSinceOf === undefined ? [] : raw(`"${prefix}If-Modified-Since: $tsplay_ims"`))
  const curl = sh`curl -sSL ${verify ? [] : ['-k']} ${head ? ['--head'] : []} --max-time ${timeout} --config - ${o.ifModifiedSinceOf === undefined ? [] : ['-H']} ${imsWord('')} -o ${o.output} -w '%{http_code}' -- ${o.url}`
  const wgetFlags = [...(verify ? [] : ['--no-check-certificate']), ...(head ? ['--spider'] : []), ...Object.entries(o.headers ?? {}).map(([k, v]) => `--header=${k}: ${v}`)]
  const wget = sh`{ wget -q -S -T ${timeout} ${wgetFlags} ${imsWord('--header=')} -O ${o.output} -- ${o.url} 2>&1; echo "wget-rc $?"; } | awk '/^  HTTP\\//{c=$2} /^wget-rc /{r=$2} END{print c; exit r}'`
  const python = sh`python3 -c ${PYTHON_FETCH} ${o.url} ${o.output} ${verify ? '1' : '0'} ${timeout} ${head ? 'HEAD' : 'GET'} "$tsplay_ims"`
  const command = sh`(${raw(ims)}
code=$(if command -v curl >/dev/null 2>&1; then ${raw(curl)}
elif command -v wget >/dev/null 2>&1; then ${raw(wget)}
elif command -v python3 >/dev/null 2>&1; then ${raw(python)}
else echo 'neither curl, wget nor python3 is installed to download with' >&2; exit ${NO_DOWNLOADER}; fi); rc=$?
echo "status \${code:-0}"
if [ "\${code:-0}" -ge 400 ] 2>/dev/null; then exit ${HTTP_ERROR}; fi
# wget counts a 304 answer as an error; it is the conditional request's success.
if [ "\${code:-0}" = 304 ] && [ -n "$tsplay_ims" ]; then exit 0; fi; exit $rc)`
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

/**
 * The download script for a body that lands in the file named by the shell variable `variable` (e.g. `t` for
 * "$t", a temp file), its status line dropped: for scripts that only need it to succeed or fail.
 */
export const downloadTo = (url: string, variable: string, validateCerts = true): Command =>
  sh`${raw(downloadScript({ url, output: raw(`"$${variable}"`), validateCerts }).command)} </dev/null >/dev/null`
