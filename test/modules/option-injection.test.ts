import { describe, expect, it } from 'vitest'
import { type Command, type Connection, quote } from '../../engine/connection/index.js'
import { treeCommand, treeScript } from '../../modules/lib/file-tree.js'
import { parseWalk, walkScript } from '../../modules/lib/file-walk.js'
import { readAptState } from '../../modules/lib/apt-state.js'
import { expandingPrologue, expandingWord } from '../../modules/lib/command-words.js'
import { group } from '../../modules/group.js'
import { hostname } from '../../modules/hostname.js'
import { modprobe } from '../../modules/modprobe.js'
import { sysctl } from '../../modules/sysctl.js'
import { systemd } from '../../modules/systemd.js'
import { user } from '../../modules/user.js'
import { makeContext } from '../helpers/module-context.js'

// The argv of root-only modules, built with a value that looks like an option: it must come after `--`
// (or as a path no program reads as an option). The injection suite runs these modules in check mode only.

/** A connection that records each command and answers every one with success and no output. */
function recorder(): { conn: Connection; commands: string[] } {
  const commands: string[] = []
  const ok = { exitCode: 0, stdout: '', stderr: '', command: '' }
  const conn: Connection = {
    host: 'h', become: null, env: {}, writeEpoch: 0,
    exec: (c: Command) => (commands.push(c), Promise.resolve(ok)),
    execRaw: (c: Command) => (commands.push(c), Promise.resolve({ ...ok, stdout: Buffer.alloc(0) })),
    readFile: () => Promise.resolve(null),
    writeFile: () => Promise.resolve(),
    with: () => conn,
    close: () => Promise.resolve(),
  }
  return { conn, commands }
}

const HOSTILE = ['-rf', '--help', '-delete', '-p']

async function applied(module: { apply: (...a: never[]) => Promise<unknown> }, args: unknown, kinds: Record<string, unknown>[]): Promise<string[]> {
  const { conn, commands } = recorder()
  const ctx = makeContext({ conn })
  await (module.apply as (c: unknown, p: unknown, a: unknown) => Promise<unknown>)(ctx, { changes: kinds.map((k) => ({ summary: '', ...k })), values: {} }, args)
  return commands
}

describe.each(HOSTILE)('a value %j that looks like an option', (v) => {
  const q = quote(v)

  it('user, group, sysctl, hostname and modprobe names are rejected before any command', () => {
    for (const m of [user, group, sysctl, hostname, modprobe]) expect(m.args.safeParse({ name: v, value: '1' }).success).toBe(false)
  })

  it('user and group: useradd/usermod/userdel/groupadd/groupmod/groupdel end options first', async () => {
    for (const kind of ['useradd', 'usermod', 'userdel']) {
      const [command] = await applied(user, { ...user.args.parse({ name: 'x' }), name: v }, [{ kind, flags: ['-c', v] }])
      expect(command).toBe(`${kind} ${quote('-c')} ${q} -- ${q}`)
    }
    for (const kind of ['groupadd', 'groupmod', 'groupdel']) {
      const [command] = await applied(group, { ...group.args.parse({ name: 'x', gid: 5 }), name: v }, [{ kind }])
      expect(command).toMatch(new RegExp(`^${kind} .*-- ${q.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}$`))
    }
  })

  it('sysctl: -w, -p and the gather all end options', async () => {
    const commands = await applied(sysctl, { ...sysctl.args.parse({ name: 'x', value: '1' }), name: v, sysctl_file: v }, [{ kind: 'set' }, { kind: 'reload' }])
    expect(commands[0]).toBe(`sysctl -w -- ${quote(`${v}=1`)}`)
    expect(commands[1]).toBe(`LANG=C sysctl -p -- ${q}`)
    const { conn, commands: read } = recorder()
    await sysctl.gather!(makeContext({ conn }), { ...sysctl.args.parse({ name: 'x', value: '1' }), name: v }).catch(() => undefined)
    expect(read[0]).toContain(`sysctl -e ${quote('-n')} -- ${q} `)
  })

  it('systemd, hostname, modprobe: the name after --', async () => {
    const unit = await applied(systemd, systemd.args.parse({ name: v, state: 'started' }), [{ kind: 'start' }])
    expect(unit[0]).toMatch(/systemctl +start +-- /)
    expect(unit[0]).toContain(`-- ${q}`)
    expect((await applied(hostname, { ...hostname.args.parse({ name: 'x' }), name: v }, [{ kind: 'current', systemd: false }]))[0]).toBe(`hostname -- ${q}`)
    expect((await applied(modprobe, { ...modprobe.args.parse({ name: 'x' }), name: v }, [{ kind: 'load' }]))[0]?.trim()).toBe(`modprobe -- ${q}`)
  })

  it('apt: dpkg-query and apt-cache policy take the names after --', async () => {
    const { conn, commands } = recorder()
    await readAptState(conn, [{ name: v } as never], [], { alwaysPolicy: true }).catch(() => undefined)
    expect(commands[0]).toContain(`-- ${q} 2>/dev/null`)
    expect(commands[0]).toContain(`policy -- ${q}`)
  })

  it('file trees: find starts at ./VALUE, never at an option or operator, and reports the path as given', () => {
    expect(treeScript(v)).toBe(`find ${quote(`./${v}`)} -mindepth 1 -printf '%y %m %U %G %u %g %p\\0'`)
    expect(treeCommand({ owner: 'root' }, v)).toBe(`find ${quote(`./${v}`)} -mindepth 1 -exec chown -h -- root {} +`)
    expect(walkScript(v)).toContain(`find ${quote(`./${v}`)} -mindepth 1`)
    expect(parseWalk(`d d ./${v}/a\0f f ./${v}/a/b\0`, v)).toEqual({ directories: [`${v}/a`], files: [`${v}/a/b`] })
  })
})

describe('find with other operators and absolute paths', () => {
  it('prefixes every relative start (!, (, a) and leaves absolute ones', () => {
    for (const p of ['!', '(', 'a']) expect(treeScript(p)).toMatch(new RegExp(`^find '?\\./`))
    expect(treeScript('/srv/-x')).toMatch(/^find \/srv\/-x /)
    expect(parseWalk('d d /srv/-x/a\0', '/srv/-x')).toEqual({ directories: ['/srv/-x/a'], files: [] })
  })
})

describe('command words expand environment variables only', () => {
  it('looks each $NAME up with printenv, so IFS and other shell variables stay as written', () => {
    expect(expandingWord('a${IFS}b')).toBe(`a\${tsplay_env_IFS-'\${IFS}'}b''`)
    expect(expandingPrologue('a${IFS}b', '$HOME')).toBe('tsplay_env_IFS=$(printenv IFS && echo .) && tsplay_env_IFS=${tsplay_env_IFS%??} || unset tsplay_env_IFS; tsplay_env_HOME=$(printenv HOME && echo .) && tsplay_env_HOME=${tsplay_env_HOME%??} || unset tsplay_env_HOME; IFS=; set -f; ')
  })
})
