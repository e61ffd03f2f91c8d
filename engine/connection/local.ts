import { type ChildProcess, spawn } from 'node:child_process'
import type { Writable } from 'node:stream'
import { ConnectionError } from '../errors.js'
import { KILL_GRACE_MS } from './live.js'
import { ShellConnection } from './shell-connection.js'
import type { BecomeSpec, RemoteProcess, Transport } from './types.js'

const LONG_COMMAND = 64 * 1024
const READ_FD3 = 'tsplay_command=$(cat <&3; echo .); exec 3<&-; eval "${tsplay_command%.}"'

/** Runs command lines with the controller's own /bin/sh (`ansible_connection=local`). */
export class LocalTransport implements Transport {
  constructor(readonly host: string) {}

  spawn(commandLine: string, options: { readonly pty?: boolean } = {}): Promise<RemoteProcess> {
    // util-linux script(1) gives the command a pseudo-terminal without a native module; -e keeps its exit code.
    // An argument longer than the kernel's MAX_ARG_STRLEN (128 KiB) fails exec with E2BIG: a long command line
    // reaches the shell on a pipe of its own (fd 3, closed before the command runs) instead.
    const long = Buffer.byteLength(commandLine) > LONG_COMMAND
    const line = long ? READ_FD3 : commandLine
    const argv = options.pty ? ['script', ['-q', '-e', '-c', line, '/dev/null']] as const : ['/bin/sh', ['-c', line]] as const
    let child
    try {
      // a process group of its own: a timeout or an interrupt kills the command with everything it started, and a
      // Ctrl-C on the terminal reaches tsplay alone, which decides what happens to the commands in flight
      child = spawn(argv[0], [...argv[1]], { stdio: long ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'], detached: true })
    } catch (error) {
      return Promise.reject(new ConnectionError(this.host, `cannot run /bin/sh: ${(error as Error).message}`, { cause: error }))
    }
    if (long) (child.stdio[3] as Writable).on('error', () => {}).end(commandLine)
    // A command that exits before reading its stdin makes writes fail with EPIPE; that is not an error here.
    child.stdin!.on('error', () => {})
    const exit = new Promise<number | null>((resolve, reject) => {
      child.on('error', (error) => reject(new ConnectionError(this.host, `cannot run /bin/sh: ${error.message}`, { cause: error })))
      child.on('close', (code) => resolve(code))
    })
    return Promise.resolve({ stdin: child.stdin!, stdout: child.stdout!, stderr: child.stderr!, exit, kill: () => killGroup(child) })
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  const pid = child.pid
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-pid, name)
    } catch {
      child.kill(name)
    }
  }
  // TERM first, so a writer's trap removes its temp file; KILL later for whatever ignored it
  signal('SIGTERM')
  setTimeout(() => { if (child.exitCode === null && child.signalCode === null) signal('SIGKILL') }, KILL_GRACE_MS).unref()
}

/** A Connection to the controller itself. */
export const connectLocal = (host: string, become: BecomeSpec | null = null): ShellConnection =>
  new ShellConnection(new LocalTransport(host), become)
