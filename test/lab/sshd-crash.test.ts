// Every sshd on a lab host killed (the listener and the sessions, the run's own included), then ssh started again,
// as a crash or an OOM kill does, at two moments of one play:
// - between two tasks (the controller sits in a `pause`): the next task must open a new connection and carry on,
//   as ansible-playbook does (its ssh client starts a new ControlPersist master when the old one has gone);
// - while a task's command runs: that task is UNREACHABLE, exactly as in ansible-playbook, and nothing runs again.
// Then, with the connection keeper, the same crash between two runs: the second run gets a new kept connection
// instead of reporting the host unreachable. (ansible-playbook's run of the same scenario is not compared here: on
// the lab its t3 met sshd not yet listening again, "Connection refused", failed=1; see issue 16's note.)
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { labHostNamed, labKeyFile, labKnownHosts, sshCheck, sshRun, type LabHost } from './helpers.js'

const CLI = resolve(import.meta.dirname, '../../dist/engine/cli/main.js')
let dir: string
let host: LabHost

/**
 * Kill every sshd (sessions too) after `delay` seconds, from a unit of its own so that it outlives the sessions (on
 * the lab hosts the sessions live in ssh.service's cgroup: `systemctl kill` run by a task kills that task's session).
 */
const crashLater = (delay: number): string =>
  `systemd-run --quiet --collect --on-active=${delay} sh -c 'systemctl kill -s KILL ssh; pkill -KILL -x sshd; systemctl reset-failed ssh; systemctl start ssh'`

beforeAll(() => {
  host = labHostNamed('TSPLAY_CRASH_HOST', 'lab5')
  dir = mkdtempSync(join(tmpdir(), 'tsplay-sshd-crash-'))
  writeFileSync(join(dir, 'hosts'), [
    `${host.name} ansible_host=${host.address} ansible_user=root ansible_ssh_private_key_file=${labKeyFile()} ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes'`,
    '',
  ].join('\n'))
  writeFileSync(join(dir, 'crash.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - name: t1 sshd killed in four seconds
      shell: ${JSON.stringify(crashLater(4))}
    - name: t2 controller pause
      pause: { seconds: 10 }
    - name: t3 after the crash
      command: echo three
    - name: t4 crash under a running command
      shell: ${JSON.stringify(`rm -f /root/crash-marks; ${crashLater(2)}; echo ran >> /root/crash-marks; sleep 10`)}
    - name: t5 never on this host
      command: echo five
`)
  writeFileSync(join(dir, 'once.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - name: one command
      command: echo one
`)
})
afterAll(async () => {
  // leave sshd running whatever happened
  await sshRun(host.name, 'systemctl reset-failed ssh; systemctl start ssh', { timeoutMs: 30_000 }).catch(() => undefined)
  rmSync(dir, { recursive: true, force: true })
})

/** `check` once the host's sshd answers again (it restarts right after the kill; ssh refuses until then). */
async function whenSshdIsBack(check: () => Promise<string>): Promise<string> {
  for (let tries = 1; ; tries++) {
    try {
      return await check()
    } catch (error) {
      if (tries >= 30 || !String(error).includes('Connection refused')) throw error
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
}

interface Run { readonly code: number | null; readonly out: string; readonly ms: number }

function play(tool: 'tsplay' | 'ansible', playbook: string, keeper: boolean): Promise<Run> {
  const start = Date.now()
  const argv = tool === 'tsplay' ? [process.execPath, CLI, 'run', '-i', 'hosts', playbook] : ['ansible-playbook', '-i', 'hosts', playbook]
  const env: NodeJS.ProcessEnv = { ...process.env, ANSIBLE_NOCOLOR: '1', CI: 'true' }
  // the test projects turn the keeper off (vitest.config.ts)
  if (keeper) delete env['TSPLAY_NO_KEEPER']
  else env['TSPLAY_NO_KEEPER'] = '1'
  const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  // no hang: past 150 s the run is killed and the test fails on its exit code
  const guard = setTimeout(() => child.kill('SIGKILL'), 150_000)
  return new Promise((ok) => child.on('close', (code) => { clearTimeout(guard); ok({ code, out, ms: Date.now() - start }) }))
}

const recap = (r: Run): string => r.out.slice(r.out.indexOf('PLAY RECAP')).split('\n')[1]?.trim().replace(/\s+/g, ' ') ?? ''
const fatal = (r: Run): string => /^fatal: .*$/m.exec(r.out)?.[0] ?? ''
/** What the two tools must agree on: exit code, counts, and which task was unreachable. */
function outcome(r: Run): { code: number | null; recap: string; unreachableTask: string } {
  const at = r.out.indexOf('UNREACHABLE!')
  const task = at < 0 ? '' : /TASK \[([^\]]*)\]/g.exec(r.out.slice(r.out.lastIndexOf('TASK [', at), at))?.[1] ?? ''
  return { code: r.code, recap: recap(r).replace(/ (rescued|ignored)=0/g, ''), unreachableTask: task }
}

describe('every sshd killed on the host', () => {
    it.each([['without the keeper', false], ['with the keeper', true]] as const)('tsplay %s: reconnects between tasks, UNREACHABLE for the command in flight', async (label, keeper) => {
    const r = await play('tsplay', 'crash.yml', keeper)
    console.log(`tsplay ${label}: exit ${r.code} in ${(r.ms / 1000).toFixed(1)} s: ${recap(r)}\n  ${fatal(r)}`)
    expect(r.code, r.out).toBe(4)
    expect(r.out).toMatch(new RegExp(`${host.name} +: ok=3 +changed=2 +unreachable=1 +failed=0`))
    expect(outcome(r).unreachableTask).toBe('t4 crash under a running command')
    expect(r.out).toMatch(new RegExp(`fatal: \\[${host.name}\\]: UNREACHABLE! => .*"msg": "[^"]*${host.name}`))
    expect(r.out).not.toContain('TASK [t5')
    // the command that was running when the connection died ran once, never again on a new connection (once sshd
    // is back: systemd-run starts it again right after the kill)
    expect(await whenSshdIsBack(() => sshCheck(host.name, 'cat /root/crash-marks'))).toBe('ran\n')
  }, 300_000)

  it('tsplay with the keeper: a kept connection whose sshd died between two runs is replaced', async () => {
    const first = await play('tsplay', 'once.yml', true)
    expect(first.code, first.out).toBe(0)
    await sshRun(host.name, crashLater(1), { timeoutMs: 30_000 })
    await new Promise((r) => setTimeout(r, 4000))
    const second = await play('tsplay', 'once.yml', true)
    console.log(`tsplay with the keeper, sshd killed between runs: exit ${second.code}: ${recap(second)}`)
    expect(second.code, second.out).toBe(0)
    expect(second.out).toMatch(new RegExp(`${host.name} +: ok=1 +changed=1 +unreachable=0 +failed=0`))
  }, 200_000)
})
