// Faults during a run of the built CLI under -c local: a task past its timeout, SIGINT once and twice, SIGTERM.
// Each checks what is left behind: processes (found by a marker unique to the test), temp files, the destination.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const CLI = resolve(import.meta.dirname, '../../../dist/engine/cli/main.js')
const dirs: string[] = []

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function workdir(): { dir: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tsplay-faults-'))
  dirs.push(dir)
  return { dir, marker: `tsplaymark${Math.random().toString(36).slice(2, 10)}` }
}

/** Processes whose command line holds `marker` (the shell that runs the command names it as its $0). */
const alive = (marker: string): string => spawnSync('pgrep', ['-af', marker], { encoding: 'utf8' }).stdout.trim()

interface Finished { readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stdout: string; readonly stderr: string; readonly ms: number }

/** Start the CLI; `when(output)` says when to send the next of `signals` (each after the previous one). */
function runCli(args: readonly string[], cwd: string, signals: ReadonlyArray<{ readonly when: (out: string) => boolean; readonly signal: NodeJS.Signals }> = [], env: NodeJS.ProcessEnv = {}): Promise<Finished & { sentAt: number }> {
  const start = Date.now()
  const child = spawn(process.execPath, [CLI, 'run', ...args, '-c', 'local'], { cwd, env: { ...process.env, TSPLAY_NO_KEEPER: '1', ...env } })
  let stdout = ''
  let stderr = ''
  let next = 0
  let sentAt = 0
  const poll = setInterval(() => {
    const s = signals[next]
    if (s !== undefined && s.when(stdout)) {
      child.kill(s.signal)
      sentAt = Date.now()
      next++
    }
  }, 20)
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  return new Promise((done) => child.on('close', (code, signal) => {
    clearInterval(poll)
    done({ code, signal, stdout, stderr, ms: Date.now() - start, sentAt: sentAt === 0 ? 0 : Date.now() - sentAt })
  }))
}

const tempFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('.tsplay.'))

const TIMEOUT_MSG = (n: number): string => `The command action failed to execute in the expected time frame (${n}) and was terminated`

describe('task timeout', () => {
  it('kills the command on the host whose task ran too long; the other host and the next task go on', async () => {
    const { dir, marker } = workdir()
    writeFileSync(join(dir, 'hosts'), 'a ansible_connection=local nap=30\nb ansible_connection=local nap=0\n')
    writeFileSync(join(dir, 'pb.yml'), `- hosts: all
  gather_facts: false
  tasks:
    - command: sh -c "sleep {{ nap }}; touch ${dir}/slept-{{ inventory_hostname }}" ${marker}
      timeout: 2
    - ansible.builtin.command: sleep 30
      timeout: 1
      when: inventory_hostname == 'b'
      ignore_errors: true
    - command: touch ${dir}/next-{{ inventory_hostname }}
`)
    const r = await runCli(['pb.yml', '-i', 'hosts'], dir)
    expect(r.stdout).toContain('fatal: [b]: FAILED! => {"changed": false, "msg": "The ansible.builtin.command action failed to execute in the expected time frame (1) and was terminated"}')
    expect(r.stdout).toContain(`fatal: [a]: FAILED! => {"changed": false, "msg": "${TIMEOUT_MSG(2)}"}`)
    expect(r.stdout).toMatch(/a +: ok=0 +changed=0 +unreachable=0 +failed=1/)
    expect(r.stdout).toMatch(/b +: ok=3 +changed=2 +unreachable=0 +failed=0 +skipped=0 +rescued=0 +ignored=1/)
    expect(r.code).toBe(2)
    expect(alive(marker)).toBe('')
    expect(existsSync(join(dir, 'slept-b'))).toBe(true)
    expect(existsSync(join(dir, 'next-a'))).toBe(false)
    expect(existsSync(join(dir, 'next-b'))).toBe(true)
    expect(r.ms).toBeLessThan(20_000)
  }, 30_000)

  it('--task-timeout and ANSIBLE_TASK_TIMEOUT apply to every task; the keyword wins over them', async () => {
    const { dir, marker } = workdir()
    writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost
  gather_facts: false
  tasks:
    - command: sh -c "sleep 30" ${marker}
      ignore_errors: true
    - command: sh -c "sleep 2; touch ${dir}/kept" ${marker}
      timeout: 10
`)
    for (const [args, env] of [[['--task-timeout', '1'], {}], [[], { ANSIBLE_TASK_TIMEOUT: '1' }]] as const) {
      rmSync(join(dir, 'kept'), { force: true })
      const r = await runCli(['pb.yml', ...args], dir, [], env)
      expect(r.stdout).toContain(TIMEOUT_MSG(1))
      expect(r.stdout).toContain('...ignoring')
      expect(r.code).toBe(0)
      expect(existsSync(join(dir, 'kept'))).toBe(true)
      expect(alive(marker)).toBe('')
    }
  }, 60_000)

  it('says what ansible-playbook says', () => {
    const { dir } = workdir()
    writeFileSync(join(dir, 'pb.yml'), '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - command: sleep 20\n      timeout: 1\n')
    const r = spawnSync('ansible-playbook', ['-c', 'local', '-i', 'localhost,', 'pb.yml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, ANSIBLE_NOCOLOR: '1' } })
    expect(r.stdout).toContain(`"msg": "${TIMEOUT_MSG(1)}"`)
    expect(r.status).toBe(2)
  }, 60_000)
})

describe('interrupts', () => {
  it('SIGINT once: the command in flight finishes, nothing after it runs, no handler, no recap, exit 99', async () => {
    const { dir, marker } = workdir()
    writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost
  gather_facts: false
  tasks:
    - command: sh -c "sleep 2; touch ${dir}/finished" ${marker}
      notify: h
    - command: touch ${dir}/next
  handlers:
    - name: h
      command: touch ${dir}/handler
`)
    const r = await runCli(['pb.yml'], dir, [{ when: () => alive(marker) !== '', signal: 'SIGINT' }])
    expect(r.code).toBe(99)
    expect(r.stderr).toContain('[ERROR]: User interrupted execution')
    expect(r.stdout).not.toContain('PLAY RECAP')
    expect(existsSync(join(dir, 'finished'))).toBe(true)
    expect(existsSync(join(dir, 'next'))).toBe(false)
    expect(existsSync(join(dir, 'handler'))).toBe(false)
    expect(alive(marker)).toBe('')
  }, 30_000)

  it('SIGINT during a large copy: the destination is the old file or the whole new one, no temp file', async () => {
    const { dir, marker } = workdir()
    const big = Buffer.alloc(40 * 1024 * 1024, 97)
    writeFileSync(join(dir, 'big'), big)
    writeFileSync(join(dir, 'dest'), 'original\n')
    writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost
  gather_facts: false
  tasks:
    - copy: src=big dest=${dir}/dest
    - command: sh -c "sleep 30" ${marker}
`)
    const r = await runCli(['pb.yml'], dir, [{ when: (out) => out.includes('TASK [copy]'), signal: 'SIGINT' }])
    expect(r.code).toBe(99)
    const dest = readFileSync(join(dir, 'dest'))
    expect(dest.equals(big) || dest.toString() === 'original\n').toBe(true)
    expect(tempFiles(dir)).toEqual([])
    expect(alive(marker)).toBe('')
  }, 60_000)

  it('SIGINT twice: the commands in flight are killed and tsplay dies of SIGINT at once, as ansible-playbook', async () => {
    const { dir, marker } = workdir()
    writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost
  gather_facts: false
  tasks:
    - command: sh -c "sleep 30; touch ${dir}/finished" ${marker}
`)
    let first = 0
    const r = await runCli(['pb.yml'], dir, [
      { when: () => alive(marker) !== '' && (first = Date.now()) > 0, signal: 'SIGINT' },
      { when: () => first > 0 && Date.now() - first > 300, signal: 'SIGINT' },
    ])
    expect(r.signal).toBe('SIGINT')
    expect(r.sentAt).toBeLessThan(5000)
    expect(alive(marker)).toBe('')
    await new Promise((ok) => setTimeout(ok, 500))
    expect(existsSync(join(dir, 'finished'))).toBe(false)
  }, 30_000)

  it('SIGTERM: commands killed, no temp file, destination intact, dies of SIGTERM as ansible-playbook', async () => {
    const { dir, marker } = workdir()
    const big = Buffer.alloc(40 * 1024 * 1024, 98)
    writeFileSync(join(dir, 'big'), big)
    writeFileSync(join(dir, 'dest'), 'original\n')
    writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost
  gather_facts: false
  tasks:
    - copy: src=big dest=${dir}/dest
`)
    const r = await runCli(['pb.yml'], dir, [{ when: (out) => out.includes('TASK [copy]'), signal: 'SIGTERM' }])
    expect(r.signal).toBe('SIGTERM')
    const dest = readFileSync(join(dir, 'dest'))
    expect(dest.equals(big) || dest.toString() === 'original\n').toBe(true)
    expect(tempFiles(dir)).toEqual([])
    expect(alive(marker)).toBe('')
    expect(r.sentAt).toBeLessThan(5000)
  }, 60_000)

  it('SIGTERM while a command runs: its process group is killed', async () => {
    const { dir, marker } = workdir()
    writeFileSync(join(dir, 'pb.yml'), `- hosts: localhost
  gather_facts: false
  tasks:
    - shell: (sh -c 'sleep 30' ${marker}-bg &) ; sh -c 'sleep 30' ${marker}-fg
`)
    const r = await runCli(['pb.yml'], dir, [{ when: () => alive(marker) !== '', signal: 'SIGTERM' }])
    expect(r.signal).toBe('SIGTERM')
    expect(r.stdout).not.toContain('PLAY RECAP')
    // the background shell left the command's shell (its parent is init now) but not its process group
    expect(alive(marker)).toBe('')
  }, 30_000)
})
