import { randomBytes } from 'node:crypto'
import { quote } from './shell.js'
import type { BufferedResult, Transport } from './types.js'

/**
 * Read-only commands issued on one host in the same turn of the event loop (the probes of a loop's items, the
 * reads of several hosts delegating to one) leave together as one script: one round trip and one runner request
 * instead of one each. Each command still runs in its own subshell with its own exit code, stdout and stderr.
 *
 * The script's output is, per command: its stdout, then `\nNONCE RC\n`, its stderr, `\nNONCE\n`. Stdout goes
 * straight to the script's stdout (any bytes survive); stderr passes through a command substitution (NUL bytes
 * would be lost there, which stderr text does not have). The nonce is random per batch, so no output can fake it.
 */
export class Coalescer {
  private queue: Array<{ readonly line: string; readonly text: boolean; readonly noLog: boolean; readonly settle: (result: Promise<BufferedResult | undefined>) => void }> = []

  constructor(
    private readonly transport: Transport,
    /** Logs a script sent; `noLog` when one of its commands belongs to a `no_log` task. */
    private readonly trace: (line: string, noLog: boolean) => void,
  ) {}

  /**
   * Run `line` (no stdin) with whatever else is queued in this turn; undefined when the transport has no buffered
   * runner. `text` as for Transport.runBuffered: a batch is text when all its commands are. `noLog`: the line
   * must not be logged.
   */
  run(line: string, text = false, noLog = false): Promise<BufferedResult | undefined> {
    return new Promise((resolve) => {
      this.queue.push({ line, text, noLog, settle: resolve })
      if (this.queue.length === 1) setImmediate(() => this.flush())
    })
  }

  private flush(): void {
    const batch = this.queue
    this.queue = []
    if (batch.length === 1) {
      this.trace(batch[0]!.line, batch[0]!.noLog)
      return batch[0]!.settle(this.transport.runBuffered!(batch[0]!.line, Buffer.alloc(0), batch[0]!.text))
    }
    const nonce = `TSPLAY-B-${randomBytes(12).toString('hex')}`
    const script = batchScript(batch.map((b) => b.line), nonce)
    this.trace(script, batch.some((b) => b.noLog))
    const whole = this.transport.runBuffered!(script, Buffer.alloc(0), batch.every((b) => b.text))
    const parts = whole.then((result) => (result === undefined ? undefined : splitBatch(result, nonce, batch.length)))
    batch.forEach((b, i) =>
      b.settle(
        parts.then((split) => {
          if (split === undefined) return undefined
          // a batch that did not come back whole (the host killed it): each command again, on its own
          return split[i] ?? this.transport.runBuffered!(b.line, Buffer.alloc(0), b.text)
        }),
      ),
    )
  }
}

/** The script that runs `lines` one after another, each in a subshell, framed as the class comment says. */
export function batchScript(lines: readonly string[], nonce: string): string {
  const out = ['exec 3>&1', "__tsb_nl='\n'"]
  for (const line of lines) {
    out.push(`__tsb_e=$( { (unset -v __tsb_nl __tsb_e; eval ${quote(line)}) 2>&1 1>&3 3>&- </dev/null; printf '\\n%s' "$?"; } )`)
    out.push(`printf '\\n%s %s\\n%s\\n%s\\n' ${nonce} "\${__tsb_e##*"$__tsb_nl"}" "\${__tsb_e%"$__tsb_nl"*}" ${nonce}`)
  }
  return `${out.join('\n')}\n`
}

/** Each command's result from a batch's output; shorter than `count` when the output stops early. */
export function splitBatch(result: BufferedResult, nonce: string, count: number): BufferedResult[] {
  const out = result.stdout
  const status = Buffer.from(`\n${nonce} `)
  const end = Buffer.from(`\n${nonce}\n`)
  const results: BufferedResult[] = []
  let at = 0
  while (results.length < count) {
    const s = out.indexOf(status, at)
    if (s < 0) break
    const eol = out.indexOf(0x0a, s + status.length)
    const e = eol < 0 ? -1 : out.indexOf(end, eol)
    if (e < 0) break
    const exitCode = Number(out.subarray(s + status.length, eol).toString('latin1'))
    results.push({ exitCode, stdout: out.subarray(at, s), stderr: out.subarray(eol + 1, e) })
    at = e + end.length
  }
  return results
}
