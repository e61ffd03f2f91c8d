// sshd restarted on a lab host while a play runs on it, as a package upgrade or a config change does:
// - `systemctl restart ssh` during a task: Debian's ssh.service has KillMode=process, so the sessions live on
//   and the run must carry on over its kept connection, every task ok;
// - every sshd killed (sessions too, as a crash) then ssh started again, while the controller is in a `pause`:
//   the kept connection is dead; the next task must reconnect and carry on, or fail UNREACHABLE with a message
//   naming the host; never hang. ansible-playbook (ControlPersist) opens a new master and carries on.
// Both with the connection keeper (the default) and without (TSPLAY_NO_KEEPER=1).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labHostNamed, labKeyFile, labKnownHosts, sshRun, type LabHost } from './helpers.js'

const CLI = resolve(import.meta.dirname, '../../dist/engine/cli/main.js')
let dir: string
let host: LabHost

beforeAll(() => {
  host = labHostNamed('TSPLAY_FAULT_HOST', 'lab4')
  dir = mkdtempSync(join(tmpdir(), 'tsplay-sshd-restart-'))
  writeFileSync(join(dir, 'hosts'), [
    `${host.name} ansible_host=${host.address} ansible_user=root ansible_ssh_private_key_file=${labKeyFile()} ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes'`,
    '',
  ].join('\n'))
  writeFileSync(join(dir, 'pb.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - name: t1 long
      command: sleep 6
    - name: t2 after restart
      command: echo two
    - name: t3 controller pause
      pause: { seconds: 8 }
    - name: t4 after crash
      command: echo four
`)
})
afterAll(async () => {
  // leave sshd running whatever happened
  await sshRun(host.name, 'systemctl start ssh', { timeoutMs: 30_000 }).catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
})

interface Run { readonly code: number | null; readonly out: string; readonly ms: number }

/** Run the playbook with `tool`; do `atT1` on the host once task t1 has started and `atT3` once t3 has. */
function play(tool: 'tsplay' | 'ansible', env: NodeJS.ProcessEnv, atT1: string, atT3: string): Promise<Run> {
  const start = Date.now()
  const argv = tool === 'tsplay' ? [process.execPath, CLI, 'run', '-i', 'hosts', 'pb.yml'] : ['ansible-playbook', '-i', 'hosts', 'pb.yml']
  const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env: { ...process.env, ANSIBLE_NOCOLOR: '1', CI: 'true', ...env } })
  let out = ''
  const done: string[] = []
  const act = (marker: string, command: string): void => {
    if (done.includes(marker) || !out.includes(marker)) return
    done.push(marker)
    // detached on the host: the crash case kills the session that asked for it
    void sshRun(host.name, `systemd-run --no-block --collect sh -c ${JSON.stringify(`sleep 1; ${command}`)}`, { timeoutMs: 30_000 })
  }
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); act('TASK [t1 long]', atT1); act('TASK [t3 controller pause]', atT3) })
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  // no hang: past 90 s the run is killed and the test fails on its exit code
  const guard = setTimeout(() => child.kill('SIGKILL'), 90_000)
  return new Promise((ok) => child.on('close', (code) => { clearTimeout(guard); ok({ code, out, ms: Date.now() - start }) }))
}

const RESTART = 'systemctl restart ssh'
// every sshd process, the sessions of the run included, then the service again
const CRASH = 'pkill -KILL -x sshd; systemctl reset-failed ssh; systemctl start ssh'
function summary(r: Run): string {
  const recap = r.out.slice(r.out.indexOf('PLAY RECAP')).split('\n')[1]?.trim() ?? r.out.slice(-600)
  const fatal = /^fatal: .*UNREACHABLE.*$/m.exec(r.out)?.[0]
  return `exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s: ${recap}${fatal === undefined ? '' : `\n  ${fatal}`}`
}

describe('sshd restarted mid-run', () => {
  it.each([['with the keeper', {}], ['without the keeper', { TSPLAY_NO_KEEPER: '1' }]] as const)('%s: a restart keeps the session; a crash is reconnected or UNREACHABLE; no hang', async (_label, env) => {
    const restarted = await play('tsplay', env, RESTART, 'true')
    console.log(`tsplay ${_label}, sshd restarted during t1: ${summary(restarted)}`)
    expect(restarted.code, restarted.out).toBe(0)
    expect(restarted.out).toMatch(new RegExp(`${host.name} +: ok=4 +changed=3 +unreachable=0 +failed=0`))

    const crashed = await play('tsplay', env, 'true', CRASH)
    console.log(`tsplay ${_label}, every sshd killed and ssh started during t3: ${summary(crashed)}`)
    expect(crashed.ms).toBeLessThan(80_000)
    if (crashed.code === 0) expect(crashed.out).toMatch(new RegExp(`${host.name} +: ok=4 +changed=3 +unreachable=0 +failed=0`))
    else {
      expect(crashed.code, crashed.out).toBe(4)
      expect(crashed.out).toMatch(new RegExp(`fatal: \\[${host.name}\\]: UNREACHABLE! => .*"msg": "[^"]{10,}`))
    }
  }, 240_000)

  it('ansible-playbook, for the record: both cases', async () => {
    for (const [label, atT1, atT3] of [['restart during t1', RESTART, 'true'], ['crash during t3', 'true', CRASH]] as const) {
      const r = await play('ansible', {}, atT1, atT3)
      console.log(`ansible-playbook, ${label}: ${summary(r)}`)
      expect(r.ms).toBeLessThan(90_000)
    }
  }, 240_000)
})
