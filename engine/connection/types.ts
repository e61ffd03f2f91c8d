import type { Readable, Writable } from 'node:stream'
import { ConnectionError, TsplayError, type ExecResult } from '../errors.js'

export type { ExecResult } from '../errors.js'

/**
 * A shell command line whose every interpolated value was quoted by the `sh` tag.
 * The brand makes it a type error to hand a connection a string assembled by hand.
 */
export type Command = string & { readonly __brand: 'Command' }

/** Privilege escalation for a command, as `become`, `become_user`, `become_method`, `become_password` say. */
export interface BecomeSpec {
  readonly user: string
  readonly method: 'sudo' | 'su'
  /** Fed on stdin after the prompt; never on a command line, never logged. */
  readonly password?: string
  /** Extra flags for the become program (`become_flags`), already split into words. */
  readonly flags?: readonly string[]
}

export interface ExecOptions {
  /** Data for the command's standard input (after any become password). */
  readonly stdin?: string | Buffer
  /** Return non-zero exits instead of throwing CommandError; for probes. */
  readonly allowFailure?: boolean
  /** Working directory on the host. */
  readonly cwd?: string
  /** Give up after this many milliseconds: the command is killed and a ConnectionError thrown. */
  readonly timeoutMs?: number
  /**
   * The command prints only text, never a NUL byte (base64 for file content): on a `reads` view its output may
   * then be captured in memory on the host, which spares an exec per command.
   */
  readonly text?: boolean
}

/** Like ExecResult, but with the raw bytes of stdout (file contents are not always text). */
export interface RawExecResult {
  readonly command: string
  readonly exitCode: number
  readonly stdout: Buffer
  readonly stderr: string
}

export interface WriteOptions {
  /** Octal string such as `0644`, or a symbolic mode (`u=rw,go=r`) understood by chmod. */
  readonly mode?: string
  readonly owner?: string
  readonly group?: string
}

/** What `Connection.with` may change. */
export interface ConnectionSettings {
  readonly become?: BecomeSpec | null
  readonly env?: Readonly<Record<string, string>>
  /**
   * The view's commands only read the host and start nothing that outlives them (a module's gather step): reads
   * issued together may share one round trip, and they leave `writeEpoch` alone.
   */
  readonly reads?: boolean
  /** The view runs a `no_log` task: its command lines and input never reach a log (the trace file shows a placeholder). */
  readonly noLog?: boolean
  /**
   * When it aborts, the view's running commands are killed (their process groups) and no new one starts: a task
   * that outlived its `timeout`.
   */
  readonly signal?: AbortSignal
}

/** What a module sees of a host: run commands, read and write files. Nothing else. */
export interface Connection {
  /** Inventory name of the host, for messages. */
  readonly host: string
  readonly become: BecomeSpec | null
  readonly env: Readonly<Record<string, string>>
  /** Run one command; throws CommandError on a non-zero exit unless `allowFailure`. */
  exec(command: Command, options?: ExecOptions): Promise<ExecResult>
  /** Same as exec, with stdout as bytes. */
  execRaw(command: Command, options?: ExecOptions): Promise<RawExecResult>
  /** File content, or null when the path does not exist. Throws on other failures (permission, directory). */
  readFile(path: string): Promise<Buffer | null>
  /**
   * Write a whole file atomically: a temp file in the same directory gets the content, then owner and
   * mode (given, or else those of the file it replaces), then is renamed over `path`.
   */
  writeFile(path: string, data: string | Buffer, options?: WriteOptions): Promise<void>
  /**
   * Counts the commands started on this host (through any view) that were not declared reads: a read taken
   * while it had one value still describes the host as long as it keeps that value.
   */
  readonly writeEpoch: number
  /**
   * A view of the same host with other become or environment settings; shares the transport.
   */
  with(settings: ConnectionSettings): Connection
  /** Close the transport; idempotent. */
  close(): Promise<void>
}

/** A running command on a host, however the bytes travel. */
export interface RemoteProcess {
  readonly stdin: Writable
  readonly stdout: Readable
  readonly stderr: Readable
  /** Exit code, or null when killed by a signal. Rejects with ConnectionError when the transport dies. */
  readonly exit: Promise<number | null>
  kill(): void
}

/** What a command run to completion with all its input given up front returned. */
export interface BufferedResult {
  readonly exitCode: number
  readonly stdout: Buffer
  readonly stderr: Buffer
}

/** The one thing local and SSH differ in: how a command line reaches `/bin/sh` on the host. */
export interface Transport {
  readonly host: string
  /**
   * Start a command line. With `pty`, it runs on a pseudo-terminal (for `su`, which reads passwords only from
   * a terminal): stdout and stderr then arrive merged on stdout.
   */
  spawn(commandLine: string, options?: { readonly pty?: boolean }): Promise<RemoteProcess>
  /**
   * Run a command line to completion with `stdin` given whole, where the transport has a cheaper way than
   * `spawn`; undefined means "use spawn" (optional: transports without a cheaper way leave it out). With `text`,
   * the command prints only text (no NUL byte) and starts nothing that outlives it, which spares the host an exec.
   */
  runBuffered?(commandLine: string, stdin: Buffer, text?: boolean): Promise<BufferedResult | undefined>
  close(): Promise<void>
}

/** Become failed: wrong or missing password, or the user may not sudo. A task failure, not unreachable. */
export class BecomeError extends TsplayError {
  override readonly name: string = 'BecomeError'
}

/**
 * The connection was found dead before a command left for the host: the command did not run, so it may go again
 * over a fresh connection. Anything else unreachable may have run and must not be sent twice.
 */
export class UnsentError extends ConnectionError {}

/** `error` (the reason the connection is gone) as the failure of a command that never left. */
export const unsent = (error: ConnectionError): UnsentError => new UnsentError(error.host, error.message, { cause: error })

/** How `openConnection` reaches a host beyond its variables. */
export interface ConnectOptions {
  /** Record unknown host keys instead of refusing them (`--accept-new-host-keys`). */
  readonly acceptNewHostKeys: boolean
  /** Password from `--ask-pass`, used when the host has no `ansible_password`. */
  readonly password?: string
  /** Seconds to wait for the TCP connection and the SSH handshake (`--timeout`, default 10). */
  readonly timeoutSeconds: number
  /** Verbose-only messages (accepted host keys, skipped key files); never receives secrets. */
  readonly log?: (message: string) => void
}
