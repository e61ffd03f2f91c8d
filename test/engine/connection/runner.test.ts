import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConnectionError } from '../../../engine/errors.js'
import { LocalTransport } from '../../../engine/connection/local.js'
import { RunnerPool } from '../../../engine/connection/runner.js'
import type { RemoteProcess, Transport } from '../../../engine/connection/types.js'

const none = Buffer.alloc(0)
const text = (b: Buffer): string => b.toString('utf8')

/** A pool over the controller's own /bin/sh, which speaks the same loop as a host's. */
const localPool = (max = 2): RunnerPool => new RunnerPool(new LocalTransport('local'), max)

/** The runner temp directories in `dir`. */
const runnerDirs = (dir: string): string[] => readdirSync(dir).filter((name) => name.startsWith('.tsplay-runner.'))

describe('command runners (one long-lived shell instead of a channel per command)', () => {
  it('returns exit code, stdout and stderr byte for byte, trailing newlines and NUL bytes included', async () => {
    const pool = localPool()
    const a = await pool.run(`printf 'a\\n\\n'; printf 'warn\\n' >&2; exit 3`, none)
    expect({ code: a?.exitCode, out: text(a!.stdout), err: text(a!.stderr) }).toEqual({ code: 3, out: 'a\n\n', err: 'warn\n' })
    const b = await pool.run('cat; printf "\\n\\n"', Buffer.from([0x69, 0, 0xff, 0x0a]))
    expect([...b!.stdout]).toEqual([0x69, 0, 0xff, 0x0a, 0x0a, 0x0a])
    const c = await pool.run('printf x; printf y >&2', none)
    expect([text(c!.stdout), text(c!.stderr)]).toEqual(['x', 'y'])
    const big = await pool.run('head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2', none)
    expect([big!.stdout.length, big!.stderr.length]).toEqual([3_000_000, 2_000_000])
    pool.close()
  })

  it('runs each command as a fresh `sh -c` would: no loop variables, no positional parameters, own traps', async () => {
    const pool = localPool()
    const r = await pool.run('set | grep -c "^__tsr_" || true; echo "$#"; trap "echo bye" EXIT', none)
    expect(text(r!.stdout)).toBe('0\n0\nbye\n')
    const unset = await pool.run('echo "${rc-unset} ${s-unset} ${d-unset}"', none)
    expect(text(unset!.stdout)).toBe('unset unset unset\n')
    pool.close()
  })

  it('carries scripts of any size and shape: long ones, quotes across lines, a last line without newline', async () => {
    const pool = localPool()
    const long = `x='${'y'.repeat(10_000)}'\necho \${#x}`
    expect(text((await pool.run(long, none))!.stdout)).toBe('10000\n')
    expect(text((await pool.run("printf '%s' 'two\nlines\n'", none))!.stdout)).toBe('two\nlines\n')
    expect(text((await pool.run('  echo "  indented \\\\ backslash"', none))!.stdout)).toBe('  indented \\ backslash\n')
    pool.close()
  })

  it('returns large output whole and takes large input', async () => {
    const pool = localPool()
    const big = await pool.run('head -c 5000000 /dev/zero', none)
    expect(big!.stdout.length).toBe(5_000_000)
    const input = Buffer.alloc(3_000_000, 'z')
    const echoed = await pool.run('wc -c', input)
    expect(text(echoed!.stdout).trim()).toBe('3000000')
    pool.close()
  })

  it('gives a text command (output captured in memory, no cat) the same result as the file path does', async () => {
    const pool = localPool(1)
    const commands = [`printf 'a\\n\\n'; exit 3`, 'printf x.y.z', 'printf "warn\\n" >&2; echo out', 'cat; echo "read: $?"', 'printf "" ; exit 0', 'echo "${__tsr_r-unset}"']
    for (const command of commands) {
      const input = Buffer.from(command.startsWith('cat') ? 'in\n' : '')
      const [asFile, asText] = [await pool.run(command, input), await pool.run(command, input, true)]
      expect({ code: asText?.exitCode, out: text(asText!.stdout), err: text(asText!.stderr) }).toEqual({ code: asFile?.exitCode, out: text(asFile!.stdout), err: text(asFile!.stderr) })
    }
    expect(text((await pool.run('echo "${__tsr_r-unset}"', none, true))!.stdout)).toBe('unset\n')
    pool.close()
  })

  it('runs concurrent commands on up to `max` runners and queues the rest', async () => {
    const pool = localPool(2)
    const started = Date.now()
    const results = await Promise.all([1, 2, 3, 4].map((i) => pool.run(`sleep 0.3; echo ${i}`, none)))
    expect(results.map((r) => text(r!.stdout))).toEqual(['1\n', '2\n', '3\n', '4\n'])
    // two runners: two rounds of 0.3 s, not one (four runners) and not four (one runner)
    expect(Date.now() - started).toBeGreaterThanOrEqual(550)
    pool.close()
  })

  it('keeps a background process that writes late out of later replies', async () => {
    const pool = localPool(1)
    await pool.run('(sleep 0.2; echo late) &', none)
    const next = await pool.run('sleep 0.4; echo next', none)
    expect(text(next!.stdout)).toBe('next\n')
    pool.close()
  })

  it('keeps its files in a temp directory (TMPDIR respected) and removes it when closed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-test-'))
    const saved = process.env['TMPDIR']
    process.env['TMPDIR'] = dir
    try {
      const pool = localPool(1)
      await pool.run('true', none)
      expect(runnerDirs(dir)).toHaveLength(1)
      pool.close()
      await expect.poll(() => runnerDirs(dir), { timeout: 5000 }).toEqual([])
    } finally {
      if (saved === undefined) delete process.env['TMPDIR']
      else process.env['TMPDIR'] = saved
    }
  })

  it('reports a runner killed under a command as ConnectionError and starts a new one for the next', async () => {
    // in the subshell a command runs in, $$ is the runner's own PID
    const pool = localPool(1)
    await expect(pool.run('kill -KILL $$', none)).rejects.toBeInstanceOf(ConnectionError)
    expect(text((await pool.run('echo again', none))!.stdout)).toBe('again\n')
    pool.close()
  })

  it('turns itself off on a host whose shell cannot run the loop, so callers fall back to channels', async () => {
    let spawned = 0
    const broken: Transport = {
      host: 'old-box',
      spawn: async (): Promise<RemoteProcess> => {
        spawned++
        return new LocalTransport('old-box').spawn('echo "mktemp: not found" >&2; exit 97')
      },
      close: () => Promise.resolve(),
    }
    const pool = new RunnerPool(broken, 2)
    expect(await pool.run('true', none)).toBeUndefined()
    expect(await pool.run('true', none)).toBeUndefined()
    expect(spawned).toBe(1)
  })
})
