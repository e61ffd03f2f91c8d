import { describe, expect, it } from 'vitest'
import { LabError, processAlive, requireHost, run } from '../../../engine/lab/system.js'

describe('lab system helpers', () => {
  it('names the missing programs and the Debian packages that provide them', () => {
    const check = (): void => requireHost(['sh', 'tsplay-no-such-program', 'debootstrap-missing-too'])
    if (process.getuid?.() !== 0) {
      expect(check).toThrow('needs root: run it as root (sudo tsplay lab …)')
      return
    }
    expect(check).toThrow(
      'needs tsplay-no-such-program, debootstrap-missing-too: install with `apt-get install -y tsplay-no-such-program debootstrap-missing-too`',
    )
  })

  it('runs programs without a shell and reports a failure with its stderr', () => {
    expect(run('printf', ['%s', '$(echo not run)'])).toBe('$(echo not run)')
    expect(() => run('sh', ['-c', 'echo broken >&2; exit 3'])).toThrow(LabError)
    expect(() => run('sh', ['-c', 'echo broken >&2; exit 3'])).toThrow(/exit 3\nbroken/)
  })

  it('tells a live process from a reused PID by its command line', () => {
    expect(processAlive(process.pid, 'vitest')).toBe(true)
    expect(processAlive(process.pid, '/no/such/marker')).toBe(false)
    expect(processAlive(undefined, 'x')).toBe(false)
  })
})
