import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { readSysctlFile, rewriteSysctlFile, sameSysctlValue, sysctlValue } from '../../modules/lib/sysctl-file.js'
import { parseGathered, planSysctl, sysctl, type SysctlState } from '../../modules/sysctl.js'
import { makeContext } from '../helpers/module-context.js'
import { recordingLocal } from '../helpers/recording.js'

const plan = (args: Record<string, unknown>, state: SysctlState) => planSysctl(sysctl.args.parse(args), state).changes.map((c) => c.kind)
const key = { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: '/etc/sysctl.d/k8s.conf' }

describe('sysctl file', () => {
  it('reads settings, last one winning, and ignores comments', () => {
    expect(readSysctlFile('# c\n; c\nnet.a = 1\nnet.b=2\nnet.a=3\nnoequals\n')).toEqual(new Map([['net.a', '3'], ['net.b', '2']]))
  })

  it('rewrites as ansible.posix.sysctl does: normalised, in place, duplicates dropped, appended', () => {
    const text = '# kernel\nnet.a = 1\nnet.b=2\nnet.a=5\n'
    expect(rewriteSysctlFile(text, 'net.a', '9')).toBe('# kernel\nnet.a=9\nnet.b=2\n')
    expect(rewriteSysctlFile(text, 'net.c', '3')).toBe('# kernel\nnet.a=1\nnet.b=2\nnet.c=3\n')
    expect(rewriteSysctlFile(text, 'net.a', undefined)).toBe('# kernel\nnet.b=2\n')
    expect(rewriteSysctlFile('', 'net.a', '1')).toBe('net.a=1\n')
  })

  it('normalises values like the module', () => {
    expect([sysctlValue(true), sysctlValue('yes'), sysctlValue('off'), sysctlValue(' 4096 87380 '), sysctlValue(65536)]).toEqual(['1', '1', '0', '4096 87380', '65536'])
    expect(sameSysctlValue('4096\t87380\n', '4096 87380')).toBe(true)
  })
})

describe('sysctl plan', () => {
  it('compares both the file and the live value', () => {
    expect(plan(key, { file: null, live: '0\n' })).toEqual(['write', 'reload'])
    expect(plan(key, { file: 'net.ipv4.ip_forward=1\n', live: '1\n' })).toEqual([])
    expect(plan(key, { file: 'net.ipv4.ip_forward=1\n', live: '0\n' })).toEqual(['reload'])
    expect(plan({ ...key, reload: false }, { file: 'net.ipv4.ip_forward=1\n', live: '0\n' })).toEqual([])
    expect(plan({ ...key, sysctl_set: true }, { file: 'net.ipv4.ip_forward=0\n', live: '0\n' })).toEqual(['set', 'write', 'reload'])
    expect(plan({ ...key, sysctl_set: true, reload: false }, { file: 'net.ipv4.ip_forward=1\n', live: '0\n' })).toEqual(['set'])
    expect(plan({ ...key, state: 'absent' }, { file: 'net.ipv4.ip_forward=1\n', live: '1\n' })).toEqual(['write', 'reload'])
    expect(plan({ ...key, state: 'absent' }, { file: '', live: '1\n' })).toEqual([])
    expect(plan({ ...key, sysctl_set: true, reload: false }, { file: 'net.ipv4.ip_forward=1\n', live: null })).toEqual(['unreadable'])
  })

  it('summarises changes and diffs the file', () => {
    const planned = planSysctl(sysctl.args.parse({ ...key, sysctl_set: true }), { file: '# k8s\n', live: '0\n' })
    expect(planned.changes.map((c) => c.summary)).toEqual(['set net.ipv4.ip_forward 0 → 1', 'write net.ipv4.ip_forward=1 to /etc/sysctl.d/k8s.conf', 'reload /etc/sysctl.d/k8s.conf'])
    expect(planned.diff).toEqual([{ before: '# k8s\n', after: '# k8s\nnet.ipv4.ip_forward=1\n', beforeHeader: '/etc/sysctl.d/k8s.conf (content)', afterHeader: '/etc/sysctl.d/k8s.conf (content)' }])
  })

  it('parses the one-round-trip gather output', () => {
    expect(parseGathered('0\n1\n--tsplay-sysctl-file--\npresent\na=1\n')).toEqual({ live: '1', file: 'a=1\n' })
    expect(parseGathered('255\n\n--tsplay-sysctl-file--\nabsent\n')).toEqual({ live: null, file: null })
  })

  it('validates like the module', () => {
    expect(sysctl.args.safeParse({ name: 'net.a' }).error?.issues[0]?.message).toBe('state is present but all of the following are missing: value')
    expect(sysctl.args.safeParse({ name: '-p', value: 1 }).success).toBe(false)
    expect(sysctl.args.parse({ key: 'net.a', val: 'yes' })).toMatchObject({ name: 'net.a', value: 'yes', reload: true, sysctl_set: false })
  })
})

describe('sysctl on this machine (file only: the live kernel here is not ours to change)', () => {
  it('writes the file, is idempotent, and check mode predicts without writing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-sysctl-'))
    const file = join(dir, 'sysctl.conf')
    writeFileSync(file, '# keep me\nkernel.ostype = Linux\n')
    const ctx = (check: boolean) => makeContext({ conn: connectLocal('local'), check })
    const args = sysctl.args.parse({ name: 'kernel.tsplay_test', value: '$(touch /tmp/pwned-sysctl)', sysctl_file: file, reload: false })
    const predicted = await runModule(sysctl, ctx(true), args)
    expect(predicted.status).toBe('changed')
    expect(readFileSync(file, 'utf8')).toBe('# keep me\nkernel.ostype = Linux\n')
    expect((await runModule(sysctl, ctx(false), args)).changes).toEqual(predicted.changes)
    expect(readFileSync(file, 'utf8')).toBe('# keep me\nkernel.ostype=Linux\nkernel.tsplay_test=$(touch /tmp/pwned-sysctl)\n')
    expect((await runModule(sysctl, ctx(false), args)).status).toBe('ok')
    const live = await runModule(sysctl, ctx(false), sysctl.args.parse({ name: 'kernel.ostype', value: 'Linux', sysctl_file: file }))
    expect(live.status).toBe('ok')
  })
})

describe('sysctl gathering a loop\'s keys together (this machine\'s live kernel, read only)', () => {
  it('reads what one gather per key reads, with one command', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-sysctl-'))
    const file = join(dir, 'sysctl.conf')
    writeFileSync(file, 'kernel.ostype = Linux\n')
    const { conn, commands } = recordingLocal()
    const ctx = makeContext({ conn })
    // a value with a tab, a key this kernel lacks, a key given twice
    const names = ['kernel.ostype', 'net.ipv4.ip_local_port_range', 'kernel.tsplay_no_such_key', 'kernel.pid_max', 'kernel.ostype']
    const items = names.map((name) => sysctl.args.parse({ name, value: '1', sysctl_file: file }))
    const together = await sysctl.gatherMany!(ctx, items)
    expect(commands).toHaveLength(1)
    const oneByOne = await Promise.all(items.map((a) => sysctl.gather(ctx, a)))
    expect(together).toEqual(oneByOne)
    expect(together[1]!.live).toMatch(/^\d+\t\d+$/)
    expect(together[2]!.live).toBe('')
    expect(together[0]!.file).toBe('kernel.ostype = Linux\n')
  })

  it('falls back to one gather per key for keys sysctl would print otherwise, or different files', async () => {
    const { conn, commands } = recordingLocal()
    const items = [{ name: 'kernel/ostype' }, { name: 'kernel.ostype' }].map((k) => sysctl.args.parse({ ...k, value: 'Linux', sysctl_file: '/nonexistent/sysctl.conf' }))
    const states = await sysctl.gatherMany!(makeContext({ conn }), items)
    expect(commands).toHaveLength(2)
    expect(states.map((s) => s.live)).toEqual(['Linux', 'Linux'])
  })
})

describe('sysctl on output captured from a lab host', () => {
  const fixture = (name: string): string => readFileSync(join(import.meta.dirname, '../fixtures/output/sysctl', name), 'utf8')
  it('keeps Debian\'s commented sysctl.conf intact and compares tab-separated live values', () => {
    const conf = fixture('debian-sysctl.conf')
    expect(readSysctlFile(conf).size).toBe(0)
    expect(rewriteSysctlFile(conf, 'net.ipv4.ip_forward', '1')).toBe(`${conf}net.ipv4.ip_forward=1\n`)
    const live = new Map(fixture('sysctl-a.txt').trimEnd().split('\n').map((l) => l.split(' = ') as [string, string]))
    expect(sameSysctlValue(live.get('net.ipv4.tcp_rmem')!, '4096 131072 33554432')).toBe(true)
    expect(sameSysctlValue(live.get('net.ipv4.ip_local_port_range')!, '32768 61000')).toBe(false)
  })
})
