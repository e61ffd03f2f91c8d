// Connection and become passwords (`ansible_password`, `ansible_become_password`, `ansible_ssh_pass`) never appear in
// tsplay's output at -vvv, in --json, in its trace file, in the files it writes, nor in the process list of the
// controller or the host while commands run (the built CLI runs as a child; here the host is the controller).
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'

const BIN = resolve(import.meta.dirname, '../../bin/tsplay.js')
const root = mkdtempSync(join(tmpdir(), 'tsplay-passwords-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const PASSWORDS = {
  ansible_password: 'PW-ssh-5c1e',
  ansible_become_password: 'PW-become-5c1e',
  ansible_ssh_pass: 'PW-sshpass-5c1e',
}
const PREFIX = 'PW-'

function writeFixture(dir: string): { playbook: string; inventory: string } {
  const inventory = join(dir, 'inventory.yml')
  const local = { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3', ...PASSWORDS }
  const gone = { ansible_host: '127.0.0.1', ansible_port: 1, ansible_connection: 'ssh', ansible_user: 'nobody', ...PASSWORDS }
  writeFileSync(inventory, stringify({ all: { hosts: { h1: local, gone } } }))
  const playbook = join(dir, 'site.yml')
  const tasks = [
    // long enough for the process list to be read while it runs, with and without become
    { name: 'plain', command: 'sleep 1.5' },
    { name: 'with sudo', command: 'sleep 1.5', become: true },
    { name: 'with su', command: 'sleep 1.5', become: true, become_method: 'su' },
    { name: 'a file', copy: { content: 'hello\n', dest: join(dir, 'out.txt') }, become: true },
    { name: 'unreachable', command: 'true', delegate_to: 'gone', become: true, ignore_unreachable: true },
  ]
  writeFileSync(playbook, stringify([{ hosts: 'h1', gather_facts: false, tasks }]))
  return { playbook, inventory }
}

/** Run the built CLI while reading the whole process list every 50 ms; what each channel held. */
async function runWatched(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; out: string; err: string; ps: string; samples: number }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.on('data', (c: Buffer) => void (out += c.toString()))
  child.stderr.on('data', (c: Buffer) => void (err += c.toString()))
  const exited = new Promise<number | null>((r) => child.on('close', r))
  let running = true
  void exited.then(() => (running = false))
  let ps = ''
  let samples = 0
  while (running) {
    const { stdout } = await promisify(execFile)('ps', ['-eww', '-o', 'pid=,args='])
    ps += stdout
    samples++
    await new Promise((r) => setTimeout(r, 50))
  }
  return { code: await exited, out, err, ps, samples }
}

function filesUnder(dir: string, skip: ReadonlySet<string>): string {
  let text = ''
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) text += filesUnder(path, skip)
    else if (!skip.has(path)) text += `${path}\n${readFileSync(path, 'utf8')}\n`
  }
  return text
}

describe.each([['-vvv'], ['--json']])('passwords with %s', (flag) => {
  it('never appear in output, the process list, the trace or written files', async () => {
    const dir = mkdtempSync(join(root, 'run-'))
    const { playbook, inventory } = writeFixture(dir)
    const trace = join(dir, 'trace.jsonl')
    // HOME: known_hosts and anything else tsplay writes for the user lands where it is read back
    const r = await runWatched(['run', playbook, '-i', inventory, '-T', '2', flag], { TSPLAY_TRACE_FILE: trace, HOME: dir })
    expect(r.code, r.out + r.err).toBe(0)
    expect(r.ps, 'the process list was read while the commands ran').toContain('sleep 1.5')
    const traced = readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((l) => {
      const entry = JSON.parse(l) as { stdin?: string }
      return `${l}\n${entry.stdin ? Buffer.from(entry.stdin, 'base64').toString('utf8') : ''}`
    }).join('\n')
    const channels: Record<string, string> = { stdout: r.out, stderr: r.err, ps: r.ps, trace: traced, files: filesUnder(dir, new Set([playbook, inventory])) }
    const leaks = Object.entries(channels).flatMap(([channel, text]) => Object.values(PASSWORDS).filter((p) => text.includes(p)).map((p) => `${channel}: ${p}`))
    console.log(`passwords ${flag}: ${Object.keys(PASSWORDS).length} passwords × ${Object.keys(channels).length} channels (${r.samples} process lists), ${leaks.length} leaks`)
    expect(leaks).toEqual([])
    expect(Object.values(channels).some((t) => t.includes(PREFIX)), 'no password of any kind').toBe(false)
  }, 60_000)
})
