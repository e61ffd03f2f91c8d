import { describe, expect, it } from 'vitest'
import { batchScript, Coalescer, splitBatch } from '../../../engine/connection/coalesce.js'
import { LocalTransport } from '../../../engine/connection/local.js'
import { RunnerPool } from '../../../engine/connection/runner.js'
import { ShellConnection } from '../../../engine/connection/shell-connection.js'
import { userShell } from '../../../engine/connection/shell.js'
import type { BufferedResult, Transport } from '../../../engine/connection/types.js'

const none = Buffer.alloc(0)
const NONCE = 'TSPLAY-B-0123456789abcdef01234567'

/** The controller's own /bin/sh behind a runner pool, with every buffered run recorded. */
function localTransport(): { transport: Transport; sent: string[]; close: () => void } {
  const local = new LocalTransport('local')
  const pool = new RunnerPool(local, 2)
  const sent: string[] = []
  const transport: Transport = {
    host: 'local',
    spawn: (line, options) => local.spawn(line, options),
    runBuffered: (line: string, stdin: Buffer) => (sent.push(line), pool.run(line, stdin)),
    close: async () => pool.close(),
  }
  return { transport, sent, close: () => pool.close() }
}

const plain = (r: BufferedResult | undefined): { code: number | undefined; out: number[]; err: string } => ({ code: r?.exitCode, out: [...(r?.stdout ?? [])], err: r?.stderr.toString('utf8') ?? '' })

const COMMANDS = [
  `printf 'a\\n\\n'; printf 'warn\\n\\n' >&2; exit 3`,
  `printf x`,
  `printf 'i\\000\\377\\n'`,
  `cat; echo "stdin ended"`,
  `cd /; x=1; trap 'echo bye' EXIT`,
  `pwd; echo "\${x-unset} \${__tsb_e-unset} \${__tsb_nl-unset}"`,
  `echo 'TSPLAY-B-not-the-nonce 0'; echo "it's quoted"`,
  `printf '' >&2; exit 0`,
]

describe('coalesced reads (one script for the reads issued together)', () => {
  it('gives each command of a batch the exit code, stdout and stderr a run of its own gives', async () => {
    const { transport, close } = localTransport()
    const alone = await Promise.all(COMMANDS.map((c) => transport.runBuffered!(c, none)))
    const batch = await transport.runBuffered!(batchScript(COMMANDS, NONCE), none)
    const split = splitBatch(batch!, NONCE, COMMANDS.length)
    expect(split.map(plain)).toEqual(alone.map(plain))
    expect(plain(split[5]).out).toEqual([...Buffer.from(`${process.cwd()}\nunset unset unset\n`)])
    close()
  })

  it('keeps a command that does not parse to itself', async () => {
    const { transport, close } = localTransport()
    const lines = ['echo before', 'if then fi (', 'echo after']
    const split = splitBatch((await transport.runBuffered!(batchScript(lines, NONCE), none))!, NONCE, 3)
    expect(split.map((r) => [r.exitCode, r.stdout.toString()])).toEqual([[0, 'before\n'], [2, ''], [0, 'after\n']])
    expect(split[1]!.stderr.toString()).toMatch(/Syntax error/)
    close()
  })

  it('returns only the results that came back whole when the output stops early', () => {
    const whole = Buffer.from(`one\n${NONCE} 0\n\n${NONCE}\ntwo\n${NONCE} 1\nerr\n${NONCE}\n`)
    const result = (stdout: Buffer): BufferedResult => ({ exitCode: 0, stdout, stderr: none })
    expect(splitBatch(result(whole), NONCE, 2).map(plain)).toEqual([
      { code: 0, out: [...Buffer.from('one')], err: '' },
      { code: 1, out: [...Buffer.from('two')], err: 'err' },
    ])
    expect(splitBatch(result(whole.subarray(0, whole.length - 3)), NONCE, 2)).toHaveLength(1)
  })

  it('sends reads issued in one turn as one request, and a lone read as it is', async () => {
    const { transport, sent, close } = localTransport()
    const coalescer = new Coalescer(transport, () => undefined)
    const results = await Promise.all(['echo 1', 'echo 2; exit 4', 'echo 3 >&2'].map((c) => coalescer.run(c)))
    expect(results.map((r) => [r?.exitCode, r?.stdout.toString(), r?.stderr.toString()])).toEqual([[0, '1\n', ''], [4, '2\n', ''], [0, '', '3\n']])
    expect(sent).toHaveLength(1)
    expect((await coalescer.run('echo alone'))?.stdout.toString()).toBe('alone\n')
    expect(sent[1]).toBe('echo alone')
    // the same batch with its output captured in memory on the host (all three print text)
    const asText = await Promise.all(['echo 1', 'echo 2; exit 4', 'echo 3 >&2'].map((c) => coalescer.run(c, true)))
    expect(asText.map(plain)).toEqual(results.map(plain))
    close()
  })

  it('runs again on their own the commands a cut-short batch did not answer', async () => {
    const { transport, sent, close } = localTransport()
    let first = true
    const cutting: Transport = {
      ...transport,
      runBuffered: async (line, stdin) => {
        const r = await transport.runBuffered!(line, stdin)
        if (!first || r === undefined) return r
        first = false
        return { ...r, stdout: r.stdout.subarray(0, r.stdout.indexOf('second')) }
      },
    }
    const coalescer = new Coalescer(cutting, () => undefined)
    const results = await Promise.all(['echo first', 'echo second'].map((c) => coalescer.run(c)))
    expect(results.map((r) => r?.stdout.toString())).toEqual(['first\n', 'second\n'])
    expect(sent.slice(1)).toEqual(['echo second'])
    close()
  })

  it('counts the commands that are not declared reads in writeEpoch, through every view of the host', async () => {
    const { transport, sent, close } = localTransport()
    const conn = new ShellConnection(transport)
    const reads = conn.with({ reads: true })
    await Promise.all([reads.exec(userShell('echo a')), reads.exec(userShell('echo b')), reads.readFile('/etc/hostname')])
    expect(sent).toHaveLength(1)
    expect(conn.writeEpoch).toBe(0)
    await conn.exec(userShell('true'))
    await conn.with({ env: { A: '1' } }).exec(userShell('true'))
    expect([conn.writeEpoch, reads.writeEpoch]).toEqual([2, 2])
    close()
  })
})
