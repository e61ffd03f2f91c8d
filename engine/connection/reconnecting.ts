// A transport that replaces its SSH connection when it is found dead before a command leaves, as ansible's ssh
// client does by starting a new ControlPersist master when the old one has gone.
import { ConnectionError } from '../errors.js'
import type { SshTransport } from './ssh.js'
import { type BufferedResult, type RemoteProcess, type Transport, UnsentError } from './types.js'

/**
 * An SSH transport that reconnects, once per command, when the connection is found closed or broken before the
 * command was sent (sshd restarted or killed, the TCP connection cut between tasks): `open` connects afresh with
 * the same host-key checks as the first time. A command that was on its way when the connection died still fails
 * with ConnectionError (the host is unreachable): it may have run, so it never runs twice.
 */
export class ReconnectingTransport implements Transport {
  private closed = false

  private constructor(
    readonly host: string,
    private current: Promise<SshTransport>,
    private readonly open: () => Promise<SshTransport>,
    private readonly log?: (message: string) => void,
  ) {}

  /** Connect with `open` (throwing ConnectionError when the host cannot be reached) and reconnect with it later. */
  static async connect(host: string, open: () => Promise<SshTransport>, log?: (message: string) => void): Promise<ReconnectingTransport> {
    const first = open()
    await first
    return new ReconnectingTransport(host, first, open, log)
  }

  spawn(commandLine: string, options?: { readonly pty?: boolean }): Promise<RemoteProcess> {
    return this.attempt((t) => t.spawn(commandLine, options))
  }

  runBuffered(commandLine: string, stdin: Buffer, text?: boolean): Promise<BufferedResult | undefined> {
    return this.attempt((t) => t.runBuffered(commandLine, stdin, text))
  }

  async close(): Promise<void> {
    this.closed = true
    await (await this.current.catch(() => undefined))?.close()
  }

  private async attempt<T>(send: (transport: SshTransport) => Promise<T>): Promise<T> {
    const used = this.current
    const found = await used.catch(() => undefined)
    // known dead already (or a reconnect failed before): no need to find out by failing
    if (found === undefined || !found.alive) return send(await this.replace(used, found === undefined ? 'the last attempt failed' : 'the connection was closed'))
    try {
      return await send(found)
    } catch (error) {
      if (!(error instanceof UnsentError) || this.closed) throw error
      return send(await this.replace(used, error.message))
    }
  }

  /** A fresh connection in place of `stale`, unless another command replaced it already. */
  private replace(stale: Promise<SshTransport>, why: string): Promise<SshTransport> {
    if (this.closed) return stale
    if (this.current === stale) {
      this.log?.(`reconnecting to ${this.host}: ${why}`)
      void stale.then((t) => t.close(), () => undefined)
      this.current = this.open()
      // a failed reconnect is this command's failure (unreachable); a later command may try again
      this.current.catch(() => undefined)
    }
    return this.current.catch((error: unknown) => {
      throw error instanceof ConnectionError ? error : new ConnectionError(this.host, String(error))
    })
  }
}
