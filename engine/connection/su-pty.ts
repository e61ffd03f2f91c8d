import { trackCommand } from './live.js'
import { randomBytes } from 'node:crypto'
import { ConnectionError } from '../errors.js'
import { raw, sh } from './shell.js'
import { BecomeError, type BecomeSpec, type Command, type ExecOptions, type RawExecResult, type Transport } from './types.js'
import { waitForExit } from './wait.js'

/** su's password prompt, in the most common of the languages Ansible's su plugin knows. */
export const SU_PROMPT = /(password|passwort|mot de passe|contraseña|senha|wachtwoord|lösenord|пароль|密码|密碼|パスワード|암호)\s*[:：]\s*$/i

/**
 * Run `command` as `become.user` with `su` and a password. su reads passwords only from a terminal, so the
 * command runs on a pty: the terminal is switched to raw mode once su let us in (so stdin and stdout pass
 * byte for byte), stdin is fed with its exact length, and stderr is kept in a file and sent after stdout,
 * between markers that carry a random nonce. The password goes to su's prompt only, never on a command line.
 */
export async function runSuOnPty(transport: Transport, command: Command, shown: Command, become: BecomeSpec, options: ExecOptions): Promise<RawExecResult> {
  const nonce = randomBytes(8).toString('hex')
  const ready = `TSPLAY-SU-READY-${nonce}\n`
  const errors = `TSPLAY-SU-STDERR-${nonce}\n`
  const input = options.stdin === undefined ? Buffer.alloc(0) : Buffer.from(options.stdin)
  const feed = input.length > 0 ? sh`head -c ${input.length} |` : sh`</dev/null`
  const inner = sh`stty raw -echo 2>/dev/null; e=$(mktemp) || exit 125; printf %s ${ready}; ${raw(feed)} /bin/sh -c ${command} 2>"$e"; rc=$?; printf %s ${errors}; cat "$e"; rm -f "$e"; exit $rc`
  const proc = await transport.spawn(sh`su ${become.flags ?? []} -s /bin/sh -c ${inner} -- ${become.user}`, { pty: true })
  trackCommand(proc)
  let output = Buffer.alloc(0)
  let start = -1
  let prompted = false
  proc.stderr.on('data', () => {})
  proc.stdout.on('data', (chunk: Buffer) => {
    output = Buffer.concat([output, chunk])
    if (start >= 0) return
    const at = output.indexOf(ready)
    if (at >= 0) {
      start = at + ready.length
      // The terminal is raw now: what we write reaches the command unchanged.
      proc.stdin.write(input)
      return
    }
    if (SU_PROMPT.test(output.toString('utf8'))) {
      if (prompted) return
      prompted = true
      output = Buffer.alloc(0)
      proc.stdin.write(`${become.password ?? ''}\n`)
    }
  })
  let exitCode: number | null
  try {
    exitCode = await waitForExit(proc, transport.host, shown, options.timeoutMs)
  } finally {
    proc.stdin.end()
  }
  if (start < 0) {
    const said = output.toString('utf8').replace(/\r/g, '').trim()
    const reason = /authentication failure|incorrect password|sorry/i.test(said) ? 'incorrect su password' : `su failed${said ? `: ${said}` : ''}`
    throw new BecomeError(`become: ${reason} (becoming '${become.user}')`)
  }
  const body = output.subarray(start)
  const split = body.lastIndexOf(errors)
  if (split < 0) throw new ConnectionError(transport.host, `su session ended before the command finished: ${shown}`)
  return { command: shown, exitCode: exitCode ?? -1, stdout: body.subarray(0, split), stderr: body.subarray(split + errors.length).toString('utf8') }
}
