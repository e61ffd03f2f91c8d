// Async jobs on the host, kept where ansible keeps them: `<async_dir>/<jid>` (default `~/.ansible_async`, `~` being
// the home of the user the task runs as) holds `{"started": 1, "finished": 0, "ansible_job_id": …}` while the job
// runs and the module's result JSON when it is done. The scripts below are tsplay's own text; every value reaches
// them as a positional argument, quoted by `sh`.
import { type Connection, sh } from '../../engine/connection/index.js'
import { ModuleError } from '../../engine/errors.js'
import type { AsyncCommand } from '../../engine/module.js'

/** ansible's default `async_dir` (the shell plugin option, ANSIBLE_ASYNC_DIR). */
export const DEFAULT_ASYNC_DIR = '~/.ansible_async'

/** A job that was started: its id and the file its status and result are written to. */
export interface StartedJob {
  readonly jid: string
  readonly resultsFile: string
}

// Turns `~` and `~/…` into the running user's home, as os.path.expanduser does on the host; sets $dir.
const EXPAND = `dir=$1; case $dir in '~') dir=$HOME;; '~/'*) dir=$HOME/\${dir#'~/'};; esac`

// $1 dir, $2 jid prefix: makes the folder, names the job `<prefix>.<pid>` as async_wrapper does, writes the started
// status and prints the jid and the file.
const OPEN = `${EXPAND}
mkdir -p -- "$dir" || exit 1
jid=$2.$$; job=$dir/$jid
printf '{"started": 1, "finished": 0, "ansible_job_id": "%s"}' "$jid" >"$job.tmp" && mv -f -- "$job.tmp" "$job" || exit 1
printf '%s\\n%s\\n' "$jid" "$job"`

// Escapes a file as one JSON string (records kept raw, so stripping sees real line ends); `strip` drops trailing
// \r and \n as ansible's command does with strip_empty_ends. The input ends with a sentinel "." so a final
// newline is not lost to awk's record splitting.
const JSON_STRING = String.raw`BEGIN { m["\\"] = "\\\\"; m["\""] = "\\\""; m["\t"] = "\\t"; m["\r"] = "\\r"; m["\b"] = "\\b"; m["\f"] = "\\f"
  for (i = 1; i < 32; i++) { c = sprintf("%c", i); if (!(c in m)) m[c] = sprintf("\\u%04x", i) } }
{ line[NR] = $0 }
END { n = NR; sub(/\.$/, "", line[n])
  if (strip) while (n > 0) { sub(/\r+$/, "", line[n]); if (line[n] != "") break; n-- }
  printf "\""
  for (k = 1; k <= n; k++) { s = line[k]; if (k > 1) printf "\\n"
    while (match(s, /[\\"\001-\037]/)) { printf "%s%s", substr(s, 1, RSTART - 1), m[substr(s, RSTART, 1)]; s = substr(s, RSTART + 1) }
    printf "%s", s }
  printf "\"" }`

// Python's str(timedelta) of the microseconds between two `date '+%s %6N'` readings.
const DELTA = String.raw`BEGIN { us = (s1 - s0) * 1000000 + (u1 - u0); if (us < 0) us = 0
  h = int(us / 3600000000); us -= h * 3600000000; mi = int(us / 60000000); us -= mi * 60000000; se = int(us / 1000000); us -= se * 1000000
  printf "%d:%02d:%02d", h, mi, se; if (us > 0) printf ".%06d", us }`

// Runs in its own session: $1 job file, $2 command line, $3 cmd as JSON, $4 strip (1/0), $5 stdin file or ''.
// The command's output goes to files beside the job's, then the result replaces the started status.
const RUN = `job=$1; line=$2; cmd=$3; strip=$4; input=\${5:-/dev/null}
set -- $(date '+%s %6N'); s0=$1; u0=$2; start=$(date -d "@$s0.$u0" '+%Y-%m-%d %H:%M:%S.%6N')
sh -c "$line" <"$input" >"$job.out" 2>"$job.err"; rc=$?
set -- $(date '+%s %6N'); s1=$1; u1=$2; end=$(date -d "@$s1.$u1" '+%Y-%m-%d %H:%M:%S.%6N')
delta=$(awk -v s0="$s0" -v u0="$u0" -v s1="$s1" -v u1="$u1" "$TSPLAY_DELTA")
out=$({ cat "$job.out"; printf .; } | awk -v strip="$strip" "$TSPLAY_JSON")
err=$({ cat "$job.err"; printf .; } | awk -v strip="$strip" "$TSPLAY_JSON")
if [ "$rc" -eq 0 ]; then msg='""'; failed=''; else msg='"non-zero return code"'; failed=', "failed": true'; fi
printf '{"changed": true, "cmd": %s, "rc": %d, "stdout": %s, "stderr": %s, "start": "%s", "end": "%s", "delta": "%s", "msg": %s%s}' \\
  "$cmd" "$rc" "$out" "$err" "$start" "$end" "$delta" "$msg" "$failed" >"$job.tmp" && mv -f -- "$job.tmp" "$job"
rm -f -- "$job.out" "$job.err" "$job.in"`

// The job's supervisor, in a session of its own so closing the connection does not end it: $1 job, $2 limit in
// seconds, then RUN's arguments. The command runs in yet another session so that past the limit its whole group is
// killed, after ansible's "Timeout exceeded" result is written; it looks every 5 seconds after the first 5, as
// async_wrapper does, so a poller that gives up at the limit sees the job unfinished, as with ansible.
const SUPERVISE = `job=$1; limit=$2; shift 2
setsid sh -c "$TSPLAY_RUN" tsplay-async-run "$job" "$@" &
pid=$!; left=$limit
sleep 5
while kill -0 "$pid" 2>/dev/null; do
  sleep 5; left=$((left - 5))
  if [ "$left" -le 0 ]; then
    printf '{"msg": "Timeout exceeded", "failed": true, "child_pid": %d}' "$pid" >"$job.tmp" && mv -f -- "$job.tmp" "$job"
    kill -KILL "-$pid" 2>/dev/null; rm -f -- "$job.out" "$job.err" "$job.in"; exit 0
  fi
done`

/** A random job id prefix as ansible makes it (`j` and up to twelve digits); the host adds `.<pid>`. */
export const jobPrefix = (): string => `j${Math.floor(Math.random() * 1_000_000_000_000)}`

async function openJob(conn: Connection, asyncDir: string): Promise<StartedJob> {
  const result = await conn.exec(sh`sh -c ${OPEN} tsplay-async ${asyncDir} ${jobPrefix()}`, { allowFailure: true })
  const [jid, resultsFile] = result.stdout.split('\n')
  if (result.exitCode !== 0 || !jid || !resultsFile) throw new ModuleError(`could not create the async job in ${asyncDir}: ${result.stderr.trim()}`)
  return { jid, resultsFile }
}

/**
 * Start `job` on the host detached from the connection (setsid, input and output away from it), killed after
 * `limit` seconds; it writes command's result (rc, stdout, stderr, start, end, delta, msg) as JSON when done.
 */
export async function startCommandJob(conn: Connection, asyncDir: string, limit: number, job: AsyncCommand): Promise<StartedJob> {
  const started = await openJob(conn, asyncDir)
  const input = job.stdin === undefined ? '' : `${started.resultsFile}.in`
  if (job.stdin !== undefined) await conn.exec(sh`cat >${input}`, { stdin: job.stdin })
  const args = [started.resultsFile, String(limit), job.line, JSON.stringify(job.cmd), job.stripEmptyEnds ? '1' : '0', input]
  await conn.exec(sh`TSPLAY_RUN=${RUN} TSPLAY_JSON=${JSON_STRING} TSPLAY_DELTA=${DELTA} setsid sh -c ${SUPERVISE} tsplay-async ${args} </dev/null >/dev/null 2>&1 &`)
  return started
}

/** Start a job whose work tsplay does itself over the connection (a module with several steps): only the status file. */
export const openControllerJob = openJob

/** Replace a job's status with its result (a job tsplay runs itself, or its timeout), atomically as async_wrapper does. */
export async function writeJobResult(conn: Connection, resultsFile: string, data: Readonly<Record<string, unknown>>): Promise<void> {
  await conn.exec(sh`cat >${`${resultsFile}.tmp`} && mv -f -- ${`${resultsFile}.tmp`} ${resultsFile}`, { stdin: JSON.stringify(data) })
}

// $1 dir, $2 jid, $3 mode: prints the job's file, then (status) its content or (cleanup) removes it; exit 3: no job.
const STATUS = `${EXPAND}
job=$dir/$2; printf '%s\n' "$job"
[ -e "$job" ] || exit 3
if [ "$3" = cleanup ]; then rm -f -- "$job"; else cat -- "$job"; fi`

/** What the host said of a job: its file's path, and its content (undefined: no such job). */
export interface JobFile {
  readonly path: string
  readonly content?: string
}

/** Read (`status`) or remove (`cleanup`) a job's file in `asyncDir`, as the async_status module does. */
export async function jobFile(conn: Connection, asyncDir: string, jid: string, mode: 'status' | 'cleanup'): Promise<JobFile> {
  const result = await conn.exec(sh`sh -c ${STATUS} tsplay-async-status ${asyncDir} ${jid} ${mode}`, { allowFailure: true })
  const newline = result.stdout.indexOf('\n')
  const path = result.stdout.slice(0, newline)
  if (result.exitCode === 3) return { path }
  if (result.exitCode !== 0 || newline < 0) throw new ModuleError(`could not read the async job ${jid}: ${result.stderr.trim()}`)
  return { path, content: result.stdout.slice(newline + 1) }
}

/**
 * The async_status module's answer for a job file (ansible's modules/async_status.py): a result without `started`
 * is finished; one that cannot be parsed (yet) is a job still running.
 */
export function jobStatus(jid: string, file: JobFile): Record<string, unknown> {
  if (file.content === undefined) throw new ModuleError('could not find job', { ansible_job_id: jid, started: 1, finished: 1 })
  let data: unknown
  try {
    data = JSON.parse(file.content)
  } catch {
    data = undefined
  }
  // a file not written yet or half-written is a job still running, as ansible's module decides
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return { results_file: file.path, ansible_job_id: jid, started: 1, finished: 0 }
  const out = { ...(data as Record<string, unknown>) }
  if (!('started' in out)) Object.assign(out, { finished: 1, ansible_job_id: jid })
  else if (!('finished' in out)) out['finished'] = 0
  return out
}

/** Where a host's jobs are kept: `ansible_async_dir`, else ANSIBLE_ASYNC_DIR, else ansible's default. */
export function asyncDir(vars: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv = process.env): string {
  const own = vars['ansible_async_dir']
  return typeof own === 'string' && own !== '' ? own : env['ANSIBLE_ASYNC_DIR'] || DEFAULT_ASYNC_DIR
}
