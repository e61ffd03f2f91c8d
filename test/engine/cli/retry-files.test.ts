// Retry files against ansible-playbook (local connection): the file's place and content, the line printed before
// the recap, `--limit @FILE` alone and among other terms, the errors for a missing file and a directory; and
// tsplay's own `--retry`.
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { expandLimitFiles, retryFilePath, retryHosts } from '../../../engine/cli/retry.js'

const CLI = resolve(import.meta.dirname, '../../../dist/engine/cli/main.js')
const root = mkdtempSync(join(tmpdir(), 'tsplay-retry-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

// z sorts after b and c; `u` is unreachable (an SSH host at a TEST-NET address, 1 s timeout)
const INVENTORY = `[g]
z ansible_connection=local
a ansible_connection=local
c ansible_connection=local
b ansible_connection=local
u ansible_host=192.0.2.1 ansible_connection=ssh ansible_ssh_timeout=1 ansible_timeout=1
`
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - fail:
      when: inventory_hostname in ['z', 'c']
    - command: "true"
`

type Tool = 'ansible' | 'tsplay'

/** A fresh directory with the playbook and inventory, for one tool. */
function project(tool: Tool, name: string): string {
  const dir = join(root, `${tool}-${name}`)
  mkdirSync(join(dir, 'play'), { recursive: true })
  writeFileSync(join(dir, 'hosts'), INVENTORY)
  writeFileSync(join(dir, 'play', 'site.yml'), PLAYBOOK)
  return dir
}

// asynchronous: a synchronous child blocks the test worker, whose reports to vitest then time out
function play(tool: Tool, dir: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string; err: string }> {
  const argv = tool === 'ansible' ? ['ansible-playbook', ...args] : [process.execPath, CLI, 'run', ...args]
  return new Promise((done) => {
    const child = execFile(argv[0]!, argv.slice(1), { cwd: dir, timeout: 240_000, env: { ...process.env, TSPLAY_NO_KEEPER: '1', ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_NOCOLOR: '1', ...env } }, (_error, out, err) => done({ code: child.exitCode, out, err }))
  })
}

const recapHosts = (out: string): string[] => [...out.matchAll(/^(\S+)\s+: ok=/gm)].map((m) => m[1]!)
const retryLine = (out: string): string | undefined => /^\tto retry, use: --limit @(.*)\n\nPLAY RECAP/m.exec(out)?.[1]

describe('retry files, as ansible-playbook', () => {
  it.each(['ansible', 'tsplay'] as const)('%s: off by default, on with ANSIBLE_RETRY_FILES_ENABLED, beside the playbook', async (tool) => {
    const dir = project(tool, 'beside')
    const off = await play(tool, dir, ['-i', 'hosts', 'play/site.yml'])
    expect(off.code).toBe(4)
    expect(existsSync(join(dir, 'play', 'site.retry'))).toBe(false)
    const on = await play(tool, dir, ['-i', 'hosts', 'play/site.yml'], { ANSIBLE_RETRY_FILES_ENABLED: 'true' })
    expect(on.code).toBe(4)
    expect(retryLine(on.out)).toBe(join(dir, 'play', 'site.retry'))
    expect(readFileSync(join(dir, 'play', 'site.retry'), 'utf8')).toBe('c\nu\nz\n')
  }, 600_000)

  it('both tools write the same file in retry_files_save_path (ansible.cfg), made if missing', async () => {
    const files = await Promise.all((['ansible', 'tsplay'] as const).map(async (tool) => {
      const dir = project(tool, 'cfg')
      writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\nretry_files_enabled = True\nretry_files_save_path = saved/here\n')
      const r = await play(tool, dir, ['-i', 'hosts', 'play/site.yml'])
      expect(retryLine(r.out)).toBe(join(dir, 'saved/here/site.retry'))
      return readFileSync(join(dir, 'saved/here/site.retry'), 'utf8')
    }))
    expect(files[1]).toBe(files[0])
  }, 600_000)

  it('--limit @FILE, alone and with other terms, targets the same hosts in both tools', async () => {
    for (const [n, limit] of ['a,@list', '@list,!b,@other'].entries()) {
      const seen = await Promise.all((['ansible', 'tsplay'] as const).map(async (tool) => {
        const dir = project(tool, `limit${n}`)
        writeFileSync(join(dir, 'list'), 'b\n\n  c \nnothere\n')
        writeFileSync(join(dir, 'other'), 'z\n')
        const r = await play(tool, dir, ['-i', 'hosts', 'play/site.yml', '--limit', limit])
        return { code: r.code, hosts: recapHosts(r.out) }
      }))
      expect(seen[1], limit).toEqual(seen[0])
    }
  }, 600_000)

  it('a missing limit file and a directory are refused as ansible refuses them', async () => {
    for (const limit of ['@nofile', '@play']) {
      const [a, t] = await Promise.all((['ansible', 'tsplay'] as const).map((tool) => play(tool, project(tool, 'bad'), ['-i', 'hosts', 'play/site.yml', '--limit', limit])))
      expect(t!.code).toBe(a!.code)
      const message = (s: string): string => s.replace(/^(ERROR! |tsplay: )/m, '').trim()
      expect(message(t!.err)).toBe(message(a!.err))
    }
  }, 600_000)
})

describe('--retry', () => {
  it('runs only the hosts of the retry file, rewrites it with what still fails, removes it when all pass', async () => {
    const dir = project('tsplay', 'retry')
    expect((await play('tsplay', dir, ['-i', 'hosts', 'play/site.yml', '--retry'])).err).toMatch(/--retry: no retry file .*site\.retry/)
    await play('tsplay', dir, ['-i', 'hosts', 'play/site.yml'], { ANSIBLE_RETRY_FILES_ENABLED: '1' })
    // z is fixed; c still fails, u is still unreachable
    writeFileSync(join(dir, 'play', 'site.yml'), PLAYBOOK.replace("['z', 'c']", "['c']"))
    const again = await play('tsplay', dir, ['-i', 'hosts', 'play/site.yml', '--retry'])
    expect(recapHosts(again.out)).toEqual(['c', 'u', 'z'])
    expect(readFileSync(join(dir, 'play', 'site.retry'), 'utf8')).toBe('c\nu\n')
    writeFileSync(join(dir, 'play', 'site.yml'), PLAYBOOK.replace("['z', 'c']", '[]'))
    writeFileSync(join(dir, 'play', 'site.retry'), 'c\n')
    const last = await play('tsplay', dir, ['-i', 'hosts', 'play/site.yml', '--retry'])
    expect([last.code, recapHosts(last.out)]).toEqual([0, ['c']])
    expect(existsSync(join(dir, 'play', 'site.retry'))).toBe(false)
    expect((await play('tsplay', dir, ['-i', 'hosts', 'play/site.yml', '--retry', '--limit', 'a'])).code).toBe(2)
  }, 600_000)
})

describe('retry helpers', () => {
  it('names the file after the playbook without its extension', () => {
    expect(retryFilePath('x/deploy.yaml', null)).toBe(resolve('x/deploy.retry'))
    expect(retryFilePath('x/deploy.yaml', '/var/r')).toBe('/var/r/deploy.retry')
  })
  it('lists failed and unreachable hosts in code point order', () => {
    const s = (failed: number, unreachable: number): { failed: number; unreachable: number } => ({ failed, unreachable })
    expect(retryHosts(new Map([['b', s(1, 0)], ['B', s(0, 1)], ['a', s(0, 0)], ['a10', s(2, 0)], ['a9', s(1, 0)]]))).toEqual(['B', 'a10', 'a9', 'b'])
  })
  it('keeps plain patterns as written', () => {
    expect(expandLimitFiles('web:&db')).toBe('web,&db')
  })
})
