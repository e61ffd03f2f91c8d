// - name: wait for the API server
//   wait_for:
//     port: 6443
//     host: 127.0.0.1
//     timeout: 300
// - wait_for:
//     path: /var/log/kubeadm.log
//     search_regex: "Your Kubernetes control-plane has initialized"
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { yamlInt } from './lib/args.js'
import { sleep } from './lib/reconnect.js'

const args = z
  .object({
    host: z.string().default('127.0.0.1').describe('Address to check the port on, as seen from the host'),
    port: yamlInt.optional().describe('TCP port to wait for'),
    path: z.string().optional().describe('File to wait for (or to disappear)'),
    state: z.enum(['started', 'stopped', 'present', 'absent', 'drained']).default('started').describe('started/present: open or existing; stopped/absent: closed or gone; drained: no active connections on port'),
    timeout: yamlInt.default(300).describe('Seconds to wait before failing'),
    delay: yamlInt.default(0).describe('Seconds to wait before the first check'),
    sleep: yamlInt.default(1).describe('Seconds between checks'),
    connect_timeout: yamlInt.default(5).describe('Seconds one connection attempt may take'),
    search_regex: z.string().optional().describe('With path: wait until a line of the file matches this (Perl/Python-style) regular expression'),
    msg: z.string().optional().describe('Message on failure instead of the default'),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (a.port !== undefined && a.path !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['path'], message: 'port and path parameter can not both be passed to wait_for' })
    if (a.path !== undefined && a.state === 'drained') ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['state'], message: 'state=drained should only be used for checking a port in the wait_for module' })
  })

type WaitArgs = z.output<typeof args>

// Runs on the host: values arrive as positional parameters, never as code. A port is checked with bash's
// /dev/tcp, else nc, else (local listening sockets only) /proc/net/tcp. Patterns go to grep -P, which reads
// Python's syntax (named groups, lookarounds), and to grep -E where grep has no -P.
const SCRIPT = `host=$1 port=$2 path=$3 regex=$4 mode=$5 timeout=$6 pause=$7 ctimeout=$8
hex=$(printf '%04X' "\${port:-0}")
open() {
  if command -v bash >/dev/null 2>&1; then timeout "$ctimeout" bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null; return; fi
  if command -v nc >/dev/null 2>&1; then nc -z -w "$ctimeout" "$host" "$port" 2>/dev/null; return; fi
  grep -Eq "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ 0A" /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
active() { grep -Eq "^ *[0-9]+: [0-9A-F]+:$hex [0-9A-F]+:[0-9A-F]+ (01|02|03|04|05|06)" /proc/net/tcp /proc/net/tcp6 2>/dev/null; }
found() { [ -e "$path" ] && { [ -z "$regex" ] || grep -Pq -e "$regex" -- "$path" 2>/dev/null || grep -Eq -e "$regex" -- "$path" 2>/dev/null; }; }
reached() {
  case $mode in
    port-started) open ;; port-stopped) ! open ;; port-drained) ! active ;;
    path-started) found ;; path-stopped) ! [ -e "$path" ] ;; sleep) false ;;
  esac
}
start=$(date +%s)
while :; do
  if reached; then
    echo "reached $(( $(date +%s) - start ))"
    if [ "$mode" = path-started ]; then stat -L -c '%u %g %a %s %U %G %F' -- "$path"; [ -z "$regex" ] || cat -- "$path"; fi
    exit 0
  fi
  now=$(date +%s)
  if [ $((now - start)) -ge "$timeout" ]; then echo "timeout $((now - start))"; exit 0; fi
  sleep "$pause"
done`

/** What the host loop printed: reached or not, seconds taken, and for a file its `stat` line and content. */
export function parseWaitOutput(stdout: string, checked: string): { reached: boolean; elapsed: number; file?: { stat: string; content: string } } {
  const first = stdout.indexOf('\n')
  const [outcome, seconds] = stdout.slice(0, first < 0 ? undefined : first).trim().split(' ')
  const reached = outcome === 'reached' || checked === 'sleep'
  if (!reached || checked !== 'path-started' || first < 0) return { reached, elapsed: Number(seconds) }
  const rest = stdout.slice(first + 1)
  const second = rest.indexOf('\n')
  return { reached, elapsed: Number(seconds), file: { stat: rest.slice(0, second), content: rest.slice(second + 1) } }
}

/** ansible-core's file fields of a found path, from `stat -c '%u %g %a %s %U %G %F'`. */
export function fileValues(statLine: string): Record<string, unknown> {
  const [uid, gid, mode, size, owner, group, ...type] = statLine.split(' ')
  return { uid: Number(uid), gid: Number(gid), mode: (mode ?? '').padStart(4, '0'), size: Number(size), owner, group, state: type.join(' ') === 'directory' ? 'directory' : 'file' }
}

/** match_groups and match_groupdict of the first match, as Python's re.search with MULTILINE gives them. */
export function matchValues(pattern: string | undefined, content: string): Record<string, unknown> {
  if (pattern === undefined) return {}
  let match: RegExpExecArray | null
  try {
    match = new RegExp(pattern.replaceAll('(?P<', '(?<'), 'm').exec(content)
  } catch {
    return {}
  }
  if (!match) return {}
  return { match_groups: match.slice(1).map((g) => g ?? null), match_groupdict: { ...match.groups } }
}

/** The check the host loops on, named for the script. */
function mode(a: WaitArgs): string {
  const present = a.state === 'started' || a.state === 'present'
  if (a.path !== undefined) return present ? 'path-started' : 'path-stopped'
  if (a.port !== undefined) return a.state === 'drained' ? 'port-drained' : present ? 'port-started' : 'port-stopped'
  return 'sleep'
}

/** ansible-core's failure message for a wait that timed out. */
export function timeoutMessage(a: WaitArgs): string {
  if (a.msg !== undefined) return a.msg
  const present = a.state === 'started' || a.state === 'present'
  if (a.path !== undefined) {
    if (!present) return `Timeout when waiting for ${a.path} to be absent.`
    return a.search_regex === undefined ? `Timeout when waiting for file ${a.path}` : `Timeout when waiting for search string ${a.search_regex} in ${a.path}`
  }
  if (a.state === 'drained') return `Timeout when waiting for ${a.host}:${a.port} to drain`
  return present ? `Timeout when waiting for ${a.host}:${a.port}` : `Timeout when waiting for ${a.host}:${a.port} to stop.`
}

/**
 * Waits on the host for a port, a file or a pattern (Ansible's `wait_for`). Waiting only reads, so it happens
 * in gather and the task is never "changed"; ansible-core skips it in check mode, and so does tsplay.
 */
export const wait_for = defineModule({
  name: 'wait_for',
  args,
  description: 'Wait, on the host, until a port opens or closes, a file appears or disappears, or a file contains a pattern',
  example: 'wait_for:\n  port: 6443\n  timeout: 300',
  async gather(ctx, a) {
    if (ctx.check) return { skipped: true as const }
    await sleep(a.delay * 1000)
    // With neither port nor path, ansible-core simply sleeps for timeout seconds.
    const params = [a.host, String(a.port ?? ''), a.path ?? '', a.search_regex ?? '', mode(a), String(a.timeout), String(a.sleep), String(a.connect_timeout)]
    const result = await ctx.conn.exec(sh`sh -c ${SCRIPT} wait_for ${params}`, { timeoutMs: (a.timeout + a.connect_timeout + 30) * 1000 })
    return { skipped: false as const, delay: a.delay, ...parseWaitOutput(result.stdout, mode(a)) }
  },
  plan(a, state) {
    if (state.skipped) return { changes: [], skip: 'remote module (wait_for) does not support check mode' }
    const elapsed = state.elapsed + state.delay
    if (!state.reached) throw new ModuleError(timeoutMessage(a), { elapsed })
    const found = state.file === undefined ? {} : { ...fileValues(state.file.stat), ...matchValues(a.search_regex, state.file.content) }
    const values = { elapsed, port: a.port ?? null, path: a.path ?? null, search_regex: a.search_regex ?? null, state: a.state, match_groups: [], match_groupdict: {}, ...found }
    return { changes: [], values }
  },
  apply: () => Promise.resolve(),
})
