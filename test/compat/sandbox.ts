/**
 * Runs a command so that it cannot write outside its temporary directory: a private mount namespace (own PID
 * namespace too, so a time-out kills everything it started) where /etc, /home, /root, /var, /usr, /opt, /srv and
 * /tmp are overlays whose writes land in a tmpfs that vanishes with the namespace, the rest of / is read-only,
 * and only the run's own directory stays writable. The integration targets create users, write /etc/sudoers.d
 * and hard-coded /tmp paths; none of it survives the run.
 */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

const OVERLAID = ['etc', 'home', 'root', 'var', 'usr', 'opt', 'srv', 'tmp']

// $1 = the run's directory, $2 = the working directory, the rest = the command. The run's directory is bound to
// itself and entered first, so that after /tmp is overlaid (hiding it) it can be bound back from the working
// directory's handle.
const SCRIPT = `set -e
run=$1; work=$2; shift 2
mount --bind "$run" "$run"
cd "$run"
mount -t tmpfs tmpfs .overlays
for d in ${OVERLAID.join(' ')}; do
  [ -d "/$d" ] || continue
  mkdir -p ".overlays/$d-up" ".overlays/$d-work"
  mount -t overlay overlay -o "lowerdir=/$d,upperdir=$PWD/.overlays/$d-up,workdir=$PWD/.overlays/$d-work" "/$d"
done
mount --bind . "$run"
mount -o remount,bind,ro /
cd "$work"
exec "$@"
`

/** What a sandboxed command did. */
export interface SandboxResult {
  readonly exitCode: number | null
  readonly timedOut: boolean
  readonly seconds: number
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string
}

/** Options of one sandboxed run. */
export interface SandboxOptions {
  /** The only directory the command may write to (besides the discarded overlays); created if missing. */
  readonly runDir: string
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
  readonly timeoutSeconds: number
  /** Called with each chunk of output, e.g. to write a log. */
  readonly onOutput?: (chunk: string) => void
}

/** Runs `argv` in the sandbox, killing its whole process group (and PID namespace) after the time limit. */
export function runSandboxed(argv: readonly string[], opts: SandboxOptions): Promise<SandboxResult> {
  mkdirSync(join(opts.runDir, '.overlays'), { recursive: true })
  const started = process.hrtime.bigint()
  const child = spawn(
    'unshare',
    ['--mount', '--propagation', 'private', '--pid', '--fork', '--kill-child', '--mount-proc', '--',
      '/bin/sh', '-c', SCRIPT, 'compat-sandbox', opts.runDir, opts.cwd, ...argv],
    { cwd: opts.runDir, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const take = (chunk: Buffer): void => {
    const text = chunk.toString('utf8')
    output += text
    opts.onOutput?.(text)
  }
  child.stdout.on('data', take)
  child.stderr.on('data', take)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }, opts.timeoutSeconds * 1000)
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      const seconds = Number(process.hrtime.bigint() - started) / 1e9
      resolvePromise({ exitCode: code, timedOut, seconds, output })
    })
  })
}
