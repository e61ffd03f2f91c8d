import { spawn } from 'node:child_process'
import { ConnectionError, ModuleError } from '../errors.js'
import { ShellConnection } from './shell-connection.js'
import type { BecomeSpec, RemoteProcess, Transport } from './types.js'

/** Runs command lines with the controller's own /bin/sh (`ansible_connection=local`). */
export class LocalTransport implements Transport {
  constructor(readonly host: string) {}

  spawn(commandLine: string, options: { readonly pty?: boolean } = {}): Promise<RemoteProcess> {
    // util-linux script(1) gives the command a pseudo-terminal without a native module; -e keeps its exit code.
    const argv = options.pty ? ['script', ['-q', '-e', '-c', commandLine, '/dev/null']] as const : ['/bin/sh', ['-c', commandLine]] as const
    let child: ReturnType<typeof spawn>
    try {
      child = spawn(argv[0], [...argv[1]], { stdio: ['pipe', 'pipe', 'pipe'] })
    } catch (error) {
      // Linux takes at most 128 KiB in one argument: a task whose command is longer fails, the run goes on
      if ((error as NodeJS.ErrnoException).code === 'E2BIG') return Promise.reject(new ModuleError(`command line too long to run (${Buffer.byteLength(commandLine)} bytes; the system allows 128 KiB in one argument)`))
      throw error
    }
    // A command that exits before reading its stdin makes writes fail with EPIPE; that is not an error here.
    child.stdin!.on('error', () => {})
    const exit = new Promise<number | null>((resolve, reject) => {
      child.on('error', (error) => reject(new ConnectionError(this.host, `cannot run /bin/sh: ${error.message}`, { cause: error })))
      child.on('close', (code) => resolve(code))
    })
    return Promise.resolve({ stdin: child.stdin!, stdout: child.stdout!, stderr: child.stderr!, exit, kill: () => child.kill('SIGKILL') })
  }

  close(): Promise<void> {
    return Promise.resolve()
  }
}

/** A Connection to the controller itself. */
export const connectLocal = (host: string, become: BecomeSpec | null = null): ShellConnection =>
  new ShellConnection(new LocalTransport(host), become)
