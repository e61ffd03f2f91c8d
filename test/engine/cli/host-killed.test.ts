// A host that dies mid-task (its sshd session and the command killed, as a crash or power loss that closes the
// TCP connection would): that host is UNREACHABLE, the others finish, the recap counts it and the exit code is 4,
// and nothing hangs. The host is a loopback sshd (test/helpers/sshd.ts), the other host the controller.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSshd, type SshdFixture } from '../../helpers/sshd.js'

const CLI = resolve(import.meta.dirname, '../../../dist/engine/cli/main.js')
let sshd: SshdFixture
let dir: string

beforeAll(async () => {
  sshd = await startSshd()
  dir = mkdtempSync(join(tmpdir(), 'tsplay-killed-'))
})
afterAll(async () => {
  await sshd.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** All descendants of a process, from /proc: the sshd sessions serving connections. */
function descendants(pid: number): number[] {
  const children = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number).filter((p) => {
    try {
      return Number(readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]) === pid
    } catch {
      return false
    }
  })
  return children.flatMap((c) => [c, ...descendants(c)])
}

const pids = (pattern: string): number[] => spawnSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number)

describe('a host lost mid-task', () => {
  // killed: the kernel closes its TCP connection; frozen (SIGSTOP): silence, noticed by ServerAliveInterval
  it.each([['killed', 'SIGKILL', ''], ['frozen', 'SIGSTOP', ' -o ServerAliveInterval=1 -o ServerAliveCountMax=2']] as const)('%s: it is unreachable; the other host finishes; recap and exit code 4; no hang', async (_how, signal, alive) => {
    const marker = `tsplaymark${Math.random().toString(36).slice(2, 10)}`
    writeFileSync(join(dir, 'hosts'), [
      `web ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${userInfo().username} ansible_ssh_private_key_file=${sshd.clientKey} ansible_ssh_common_args='-o UserKnownHostsFile=${sshd.knownHosts}${alive}'`,
      'loc ansible_connection=local',
      '',
    ].join('\n'))
    writeFileSync(join(dir, 'pb.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - command: sh -c "sleep 4; touch ${dir}/t1-{{ inventory_hostname }}" ${marker}-{{ inventory_hostname }}
    - command: touch ${dir}/t2-{{ inventory_hostname }}
`)
    for (const f of readdirSync(dir).filter((f) => f.startsWith('t'))) rmSync(join(dir, f))
    const start = Date.now()
    const child = spawn(process.execPath, [CLI, 'run', '-i', 'hosts', 'pb.yml'], { cwd: dir, env: { ...process.env, TSPLAY_NO_KEEPER: '1' } })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const closed = new Promise<number | null>((ok) => child.on('close', ok))
    // both hosts are running the first task: the sshd host dies (its sessions and its command)
    await expect.poll(() => pids(`${marker}-web`).length > 0 && pids(`${marker}-loc`).length > 0, { timeout: 20_000, interval: 50 }).toBe(true)
    const lost = [...descendants(sshd.pid), ...pids(`${marker}-web`)]
    for (const pid of lost) {
      try { process.kill(pid, signal) } catch { /* gone already */ }
    }
    const code = await closed
    for (const pid of lost) {
      try { process.kill(pid, 'SIGKILL') } catch { /* gone already */ }
    }
    expect(code, out).toBe(4)
    expect(out).toMatch(/fatal: \[web\]: UNREACHABLE!/)
    expect(out).toMatch(/web +: ok=0 +changed=0 +unreachable=1 +failed=0/)
    expect(out).toMatch(/loc +: ok=2 +changed=2 +unreachable=0 +failed=0/)
    expect(existsSync(join(dir, 't2-loc'))).toBe(true)
    expect(existsSync(join(dir, 't1-web'))).toBe(false)
    expect(existsSync(join(dir, 't2-web'))).toBe(false)
    expect(Date.now() - start).toBeLessThan(25_000)
  }, 40_000)
})

describe('task timeout over ssh', () => {
  it('kills the remote command (its process group) and fails the task', async () => {
    const marker = `tsplaymark${Math.random().toString(36).slice(2, 10)}`
    writeFileSync(join(dir, 'hosts'), `web ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=${userInfo().username} ansible_ssh_private_key_file=${sshd.clientKey} ansible_ssh_common_args='-o UserKnownHostsFile=${sshd.knownHosts}'\n`)
    writeFileSync(join(dir, 'pb.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - shell: (sh -c 'sleep 30' ${marker}-bg &); sh -c 'sleep 30' ${marker}-fg
      timeout: 2
`)
    const r = spawnSync(process.execPath, [CLI, 'run', '-i', 'hosts', 'pb.yml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TSPLAY_NO_KEEPER: '1' }, timeout: 30_000 })
    expect(r.stdout).toContain('The shell action failed to execute in the expected time frame (2) and was terminated')
    expect(r.status).toBe(2)
    await expect.poll(() => pids(marker).length, { timeout: 3000, interval: 100 }).toBe(0)
  }, 40_000)
})
