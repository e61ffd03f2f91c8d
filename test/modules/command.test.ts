import { mkdtempSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { connectLocal } from '../../engine/connection/index.js'
import { runModule } from '../../engine/module.js'
import { command } from '../../modules/command.js'
import { pythonDelta, pythonTime } from '../../modules/lib/command-run.js'
import { splitLines } from '../../modules/lib/command-words.js'
import { makeContext } from '../helpers/module-context.js'

const conn = connectLocal('local')
const run = (args: Record<string, unknown>, check = false) => runModule(command, makeContext({ conn, check }), command.args.parse(args))

describe('command', () => {
  it('runs a program and returns what ansible returns', async () => {
    const out = await run({ cmd: 'echo hi' })
    expect(out.status).toBe('changed')
    expect(out.values).toMatchObject({ cmd: ['echo', 'hi'], rc: 0, stdout: 'hi', stderr: '', stdout_lines: ['hi'], stderr_lines: [], msg: '' })
    expect(out.values['start']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    expect(out.values['delta']).toMatch(/^0:00:0\d(\.\d{6})?$/)
  })

  it('passes every value as data: quotes, $(…), backticks, ;, newlines, leading dash', async () => {
    const nasty = ["it's", '$(touch /tmp/pwned-tsplay)', '`id`', 'a;b', 'x\ny', '-n', '*']
    const out = await run({ argv: ['printf', '%s|', ...nasty] })
    expect(out.values['stdout']).toBe(`${nasty.join('|')}|`)
    expect(existsSync('/tmp/pwned-tsplay')).toBe(false)
  })

  it('splits the free form like shlex and expands $VAR and ~ like ansible-core', async () => {
    const out = await run({ cmd: `printf '[%s]' "a  b" 'c d' $HOME ~ \${HOME}x $NOPE_TSPLAY a~ '$(id)'` })
    const home = process.env['HOME']!
    expect(out.values['stdout']).toBe(`[a  b][c d][${home}][${home}][${home}x][$NOPE_TSPLAY][a~][$(id)]`)
    expect(out.values['cmd']).toEqual(['printf', '[%s]', 'a  b', 'c d', '$HOME', '~', '${HOME}x', '$NOPE_TSPLAY', 'a~', '$(id)'])
  })

  it('fails the task, not the playbook, when no command is given (rc 256 as ansible-core)', async () => {
    const out = await run({ chdir: '/' })
    expect(out.status).toBe('failed')
    expect(out.msg).toBe('no command given')
    expect(out.values).toMatchObject({ changed: false, rc: 256 })
    const both = await run({ cmd: 'echo a', argv: ['echo', 'b'] })
    expect([both.status, both.msg, both.values['rc']]).toEqual(['failed', 'only command or argv can be given, not both', 256])
  })

  it('ignores executable with the warning ansible-core gives', async () => {
    const out = await run({ cmd: 'true', executable: '/bogus' })
    expect(out.values['warnings']).toEqual(["As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '/bogus'."])
  })

  it('fails on a non-zero rc with the values kept for register', async () => {
    const out = await run({ argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] })
    expect(out.status).toBe('failed')
    expect(out.changed).toBe(true)
    expect(out.msg).toBe('non-zero return code')
    expect(out.values).toMatchObject({ rc: 3, stdout: 'out', stderr: 'err', stdout_lines: ['out'] })
  })

  it('reports a missing program as ansible-core does, and keeps a program\'s own 127', async () => {
    expect(await run({ cmd: 'tsplay-no-such-program --x' })).toMatchObject({ status: 'failed', changed: false, msg: "[Errno 2] No such file or directory: b'tsplay-no-such-program'", values: { rc: 2, stdout: '' } })
    expect(await run({ argv: ['sh', '-c', 'exit 127'] })).toMatchObject({ status: 'failed', msg: 'non-zero return code', values: { rc: 127 } })
  })

  it('honours chdir, stdin and its newline, and strip_empty_ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-cmd-'))
    expect((await run({ cmd: 'pwd', chdir: dir })).values['stdout']).toBe(dir)
    expect((await run({ cmd: 'od -c', stdin: 'a' })).values['stdout']).toContain('a  \\n')
    expect((await run({ cmd: 'od -c', stdin: 'a', stdin_add_newline: false })).values['stdout']).not.toContain('\\n')
    expect((await run({ cmd: 'printf "x\\n\\n"', strip_empty_ends: false })).values['stdout']).toBe('x\n\n')
    const missing = await run({ cmd: 'pwd', chdir: join(dir, 'nope') })
    expect(missing.status).toBe('failed')
    expect(missing.msg).toMatch(/^Unable to change directory before execution: /)
  })

  it('check mode without creates/removes is skipped, exactly as ansible-core', async () => {
    const out = await run({ cmd: 'touch /tmp/should-not-exist-tsplay' }, true)
    expect(out).toMatchObject({ status: 'skipped', changed: false, msg: 'Command would have run if not in check mode' })
    expect(out.values).toMatchObject({ rc: 0, stdout: '', start: null })
    expect(existsSync('/tmp/should-not-exist-tsplay')).toBe(false)
  })

  it('creates and removes decide, with globs, in run and check mode', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-cmd-'))
    writeFileSync(join(dir, 'present.conf'), '')
    const marker = join(dir, 'made')
    const glob = join(dir, '*.conf')
    const guarded = await run({ cmd: `touch ${marker}`, creates: glob })
    expect(guarded).toMatchObject({ status: 'ok', changed: false })
    expect(guarded.values).toMatchObject({ msg: `Did not run command since '${glob}' exists`, stdout: `skipped, since ${glob} exists`, rc: 0 })
    expect((await run({ cmd: `touch ${marker}`, creates: glob }, true)).values['msg']).toBe(`Would not run command since '${glob}' exists`)
    const absent = join(dir, 'x*')
    const removes = await run({ cmd: `touch ${marker}`, removes: absent }, true)
    expect(removes).toMatchObject({ status: 'ok' })
    expect(removes.values['msg']).toBe(`Would not run command since '${absent}' does not exist`)
    const predicted = await run({ cmd: `touch ${marker}`, creates: marker }, true)
    expect(predicted).toMatchObject({ status: 'changed', changed: true })
    expect(predicted.values['msg']).toBe('Command would have run if not in check mode')
    expect(existsSync(marker)).toBe(false)
    expect((await run({ cmd: `touch ${marker}`, creates: marker })).status).toBe('changed')
    expect((await run({ cmd: `touch ${marker}`, creates: marker })).status).toBe('ok')
    expect((await run({ cmd: 'true', creates: 'made', chdir: dir })).status).toBe('ok')
  })

  it('refuses argument mistakes before anything runs', () => {
    expect(command.args.safeParse({}).success).toBe(true)
    // a path argument takes any scalar as its Python str(), as ansible-core's type='path'
    expect(command.args.parse({ cmd: 'true', creates: true }).creates).toBe('True')
    expect(command.args.safeParse({ cmd: 'echo "open' }).error?.issues[0]?.message).toBe('no closing quotation')
    expect(command.args.safeParse({ cmd: 'x', craetes: '/a' }).success).toBe(false)
  })
})

describe('python formats', () => {
  it('formats times and durations like str(datetime) and str(timedelta)', () => {
    expect(pythonDelta(3411)).toBe('0:00:00.003411')
    expect(pythonDelta(61_000_000)).toBe('0:01:01')
    expect(pythonDelta(90_000_000_000)).toBe('1 day, 1:00:00')
    expect(pythonTime(new Date(2024, 4, 1, 12, 3, 4).getTime() * 1000 + 5)).toBe('2024-05-01 12:03:04.000005')
  })

  it('splits lines like str.splitlines', () => {
    expect(splitLines('a\r\nb\rc\n')).toEqual(['a', 'b', 'c'])
    expect(splitLines('')).toEqual([])
    expect(splitLines('\n')).toEqual([''])
  })
})
