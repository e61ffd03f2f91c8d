import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { modprobe, parseGathered, planModprobe, type ModprobeState } from '../../modules/modprobe.js'
import { makeContext } from '../helpers/module-context.js'

const state = (loaded: boolean, files: Record<string, string> = {}, dryRun = { rc: 0, stderr: '' }): ModprobeState => ({ loaded, dryRun, files: new Map(Object.entries(files)) })
const plan = (args: Record<string, unknown>, s: ModprobeState) => planModprobe(modprobe.args.parse(args), s)
const summaries = (args: Record<string, unknown>, s: ModprobeState) => plan(args, s).changes.map((c) => c.summary)

describe('modprobe plan', () => {
  it('loads and unloads only when needed', () => {
    expect(summaries({ name: 'br_netfilter' }, state(false))).toEqual(['load br_netfilter'])
    expect(summaries({ name: 'br_netfilter' }, state(true))).toEqual([])
    expect(summaries({ name: 'dummy', params: 'numdummies=2' }, state(false))).toEqual(['load dummy numdummies=2'])
    expect(summaries({ name: 'dummy', state: 'absent' }, state(true))).toEqual(['unload dummy'])
    expect(summaries({ name: 'dummy', state: 'absent' }, state(false))).toEqual([])
  })

  it('fails like modprobe when the module cannot be loaded', () => {
    const missing = state(false, {}, { rc: 1, stderr: "modprobe: FATAL: Module nope not found in directory /lib/modules/6.1.0" })
    expect(() => plan({ name: 'nope' }, missing)).toThrow('modprobe: FATAL: Module nope not found')
  })

  it('writes the persistent files only when missing, with their content', () => {
    const planned = plan({ name: 'dummy', params: 'numdummies=2', persistent: 'present' }, state(true))
    expect(planned.changes.map((c) => [c.path, c.content])).toEqual([
      ['/etc/modules-load.d/dummy.conf', 'dummy\n'],
      ['/etc/modprobe.d/dummy.conf', 'options dummy numdummies=2\n'],
    ])
    const configured = state(true, { '/etc/modules-load.d/k8s.conf': 'overlay\ndummy\n', '/etc/modprobe.d/dummy.conf': 'options dummy numdummies=2\n' })
    expect(summaries({ name: 'dummy', params: 'numdummies=2', persistent: 'present' }, configured)).toEqual([])
    expect(summaries({ name: 'dummy', params: 'numdummies=3', persistent: 'present' }, configured)).toEqual(['write /etc/modules-load.d/dummy.conf', 'write /etc/modprobe.d/dummy.conf'])
  })

  it('comments the module out everywhere for persistent absent', () => {
    const configured = state(false, { '/etc/modules-load.d/k8s.conf': 'overlay\ndummy\n', '/etc/modprobe.d/dummy.conf': 'options dummy numdummies=2\n', '/etc/modprobe.d/other.conf': 'options loop max_loop=8\n' })
    const planned = plan({ name: 'dummy', state: 'absent', persistent: 'absent' }, configured)
    expect(planned.changes.map((c) => [c.path, c.content])).toEqual([
      ['/etc/modules-load.d/k8s.conf', 'overlay\n#dummy\n'],
      ['/etc/modprobe.d/dummy.conf', '#options dummy numdummies=2\n'],
    ])
    expect(planned.values).toEqual({ name: 'dummy', params: '', state: 'absent' })
  })

  it('parses the gather output', () => {
    const parsed = parseGathered('loaded\n0\n\n\n--tsplay-modprobe-- /etc/modules-load.d/a.conf\noverlay\nbr_netfilter\n\n--tsplay-modprobe-- /etc/modprobe.d/b.conf\noptions x y=1\n')
    expect(parsed.loaded).toBe(true)
    expect(parsed.files).toEqual(new Map([['/etc/modules-load.d/a.conf', 'overlay\nbr_netfilter\n'], ['/etc/modprobe.d/b.conf', 'options x y=1\n']]))
  })

  it('refuses names that are not module names and unbalanced params', () => {
    expect(modprobe.args.safeParse({ name: '-r' }).success).toBe(false)
    expect(modprobe.args.safeParse({ name: 'x', params: 'a="b' }).error?.issues[0]).toMatchObject({ path: ['params'], message: 'no closing quotation' })
  })
})

describe('modprobe gather on this machine (read only)', () => {
  it('reads in one round trip and says an unknown module is not loaded', async () => {
    const s = await modprobe.gather(makeContext({ conn: connectLocal('local') }), modprobe.args.parse({ name: 'tsplay_no_such_module' }))
    expect(s.loaded).toBe(false)
    expect(s.dryRun.rc).not.toBe(0)
  })
})
