// Runner semantics that need no reference run: connections (lazy, one per host, unreachable), delegation,
// become and environment handed to the connection, forks, and the -vv variable sources.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type BecomeSpec, type Connection, connectLocal } from '../../../engine/connection/index.js'
import { ConnectionError } from '../../../engine/errors.js'
import type { RunEvent } from '../../../engine/run/events.js'
import { loadInventory } from '../../../engine/inventory/index.js'
import { loadPlaybook } from '../../../engine/load/index.js'
import { type RunOptions, runPlaybook } from '../../../engine/run/runner.js'

interface Recorded {
  readonly opened: string[]
  readonly settings: Array<{ host: string; become: BecomeSpec | null; env: Record<string, string> }>
  readonly events: RunEvent[]
}

async function run(playbook: string, inventory: string, options: Partial<RunOptions> = {}, unreachable: readonly string[] = []): Promise<Recorded & { code: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'runner-'))
  writeFileSync(join(dir, 'site.yml'), playbook)
  writeFileSync(join(dir, 'hosts.ini'), inventory)
  const rec: Recorded = { opened: [], settings: [], events: [] }
  const wrap = (conn: Connection): Connection => Object.assign(Object.create(conn) as Connection, {
    with: (s: { become?: BecomeSpec | null; env?: Readonly<Record<string, string>> }) => {
      rec.settings.push({ host: conn.host, become: s.become ?? null, env: { ...s.env } })
      return conn.with(s)
    },
  })
  const summary = await runPlaybook(loadPlaybook(join(dir, 'site.yml')), {
    inventory: loadInventory([join(dir, 'hosts.ini')]),
    extraVars: {},
    check: false,
    diff: false,
    tags: [],
    skipTags: [],
    forks: 50,
    forceHandlers: false,
    verbosity: 0,
    connect: (host) => {
      rec.opened.push(host)
      if (unreachable.includes(host)) return Promise.reject(new ConnectionError(host, 'connection refused'))
      return Promise.resolve(wrap(connectLocal(host)))
    },
    gatherFacts: () => Promise.resolve({ distribution: 'Debian' }),
    ...options,
  }, (e) => rec.events.push(e))
  return { ...rec, code: summary.exitCode }
}

const INVENTORY = 'a ansible_connection=local\nb ansible_connection=local\nc ansible_connection=local ansible_become_user=svc\n'
const results = (events: readonly RunEvent[]): string[] => events.flatMap((e) => (e.type === 'result' ? [`${e.taskName} ${e.result.host}${e.result.delegatedTo ? `->${e.result.delegatedTo}` : ''} ${e.result.status}`] : [])).sort()

describe('runner', () => {
  it('opens one connection per host, lazily, and an unreachable host does not stop the others', async () => {
    const r = await run('- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n    - command: "true"\n', INVENTORY, {}, ['b'])
    expect(r.opened.sort()).toEqual(['a', 'b', 'c'])
    expect(results(r.events)).toEqual(['command a changed', 'command a changed', 'command b unreachable', 'command c changed', 'command c changed'])
    expect(r.code).toBe(4)
  })

  it('delegate_to runs on the delegate with the original host in the result', async () => {
    const r = await run('- hosts: a\n  gather_facts: false\n  tasks:\n    - command: "true"\n      delegate_to: c\n', INVENTORY)
    expect(r.opened).toEqual(['c'])
    expect(results(r.events)).toEqual(['command a->c changed'])
  })

  it('delegate_to a name not in the inventory connects to that name with the default connection, never locally', async () => {
    const seen: Array<[string, unknown, unknown]> = []
    const connect = (host: string, vars: Record<string, unknown>): Promise<Connection> => {
      seen.push([host, vars['ansible_connection'], vars['from_all']])
      return vars['ansible_connection'] === 'local' ? Promise.resolve(connectLocal(host)) : Promise.reject(new ConnectionError(host, 'could not resolve hostname'))
    }
    const r = await run('- hosts: a\n  gather_facts: false\n  tasks:\n    - command: "true"\n      delegate_to: typo-host\n    - command: "true"\n      delegate_to: localhost\n', `${INVENTORY}[all:vars]\nfrom_all=1\n`, { connect })
    // the delegating host's ansible_connection=local is not the delegate's; the vars of `all` are (as ansible)
    expect(seen[0]).toEqual(['typo-host', undefined, 1])
    expect(results(r.events)).toEqual(['command a->typo-host unreachable'])
    expect(r.code).toBe(4)
    const local = await run('- hosts: a\n  gather_facts: false\n  tasks:\n    - command: "true"\n      delegate_to: localhost\n', INVENTORY, { connect })
    expect(seen.at(-1)).toEqual(['localhost', 'local', undefined])
    expect(results(local.events)).toEqual(['command a->localhost changed'])
  })

  it('hands become and environment to the connection; inventory become vars win over keywords', async () => {
    const r = await run(`- hosts: all
  gather_facts: false
  become: true
  become_user: app
  environment: {A: "1"}
  tasks:
    - command: "true"
      environment: {B: "{{ inventory_hostname }}"}
      vars:
        ansible_become_password: secret
`, INVENTORY)
    const byHost = Object.fromEntries(r.settings.map((s) => [s.host, s]))
    expect(byHost['a']).toEqual({ host: 'a', become: { user: 'app', method: 'sudo', password: 'secret' }, env: { A: '1', B: 'a' } })
    expect(byHost['c']!.become).toEqual({ user: 'svc', method: 'sudo', password: 'secret' })
  })

  it('gathers facts unless gather_facts is false and exposes them as ansible_* too', async () => {
    const r = await run('- hosts: a\n  tasks:\n    - debug: msg="{{ ansible_distribution }} {{ ansible_facts.distribution }}"\n', INVENTORY)
    const debug = r.events.find((e) => e.type === 'result' && e.taskName === 'debug')
    expect(debug?.type === 'result' && debug.result.data['msg']).toBe('Debian Debian')
    expect(results(r.events)).toContain('Gathering Facts a ok')
  })

  it('runs at most --forks hosts at once', async () => {
    const inventory = Array.from({ length: 6 }, (_, i) => `h${i} ansible_connection=local`).join('\n')
    let running = 0
    let peak = 0
    const r = await run('- hosts: all\n  gather_facts: false\n  tasks:\n    - command: sleep 0.2\n', inventory, {
      forks: 2,
      connect: (host) => Promise.resolve(Object.assign(Object.create(connectLocal(host)) as Connection, {
        with(this: Connection) {
          const conn = connectLocal(host)
          return Object.assign(Object.create(conn) as Connection, {
            exec: async (...args: Parameters<Connection['exec']>) => {
              peak = Math.max(peak, ++running)
              try { return await conn.exec(...args) } finally { running-- }
            },
          })
        },
      })),
    })
    expect(r.code).toBe(0)
    expect(peak).toBe(2)
  })

  it('-vv says where the variables of a task come from', async () => {
    const r = await run('- hosts: a\n  gather_facts: false\n  vars: {greeting: hi}\n  tasks:\n    - debug: msg="{{ greeting }}"\n', INVENTORY, { verbosity: 2 })
    expect(r.events).toContainEqual({ type: 'verbose', level: 2, message: '[a] greeting from play_vars: play vars' })
  })
})

describe('reconnecting (reboot, wait_for_connection)', () => {
  it('tries a fresh connection after an attempt that could not connect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-reconnect-'))
    const bootId = join(dir, 'boot_id')
    writeFileSync(bootId, 'old\n')
    let attempts = 0
    // an SSH host as far as reboot can tell (it refuses local ones), reached here through this machine's shell: the
    // first reconnect finds it down (as in the middle of a reboot), the later ones find it up
    const r = await run(`- hosts: a
  gather_facts: false
  tasks:
    - reboot: {boot_time_command: 'cat ${bootId}', reboot_command: 'echo new >${bootId}', test_command: 'true', reboot_timeout: 20}
`, 'a ansible_host=192.0.2.1\n', { connect: (host) => (++attempts === 2 ? Promise.reject(new ConnectionError(host, 'connection refused')) : Promise.resolve(connectLocal(host))) })
    expect(results(r.events), JSON.stringify(r.events.filter((e) => e.type === 'result'))).toEqual(['reboot a changed'])
    // the run's, the refused one, the boot id check's, the test command's
    expect(attempts).toBe(4)
  }, 30_000)
})

describe('runner errors at run time', () => {
  it('a broken included file fails the include on its hosts with the located message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-inc-'))
    writeFileSync(join(dir, 'broken.yml'), '- debug: msg=x\n  notify: nobody\n')
    const r = await run(`- hosts: a\n  gather_facts: false\n  tasks:\n    - include_tasks: ${join(dir, 'broken.yml')}\n    - command: "true"\n`, INVENTORY)
    const failure = r.events.find((e) => e.type === 'result' && e.result.status === 'failed')
    expect(failure?.type === 'result' && failure.result.data['msg']).toBe(`${join(dir, 'broken.yml')}:2:11: notify: no handler named 'nobody'\n      notify: nobody\n              ^`)
    expect(r.code).toBe(2)
  })

  it('an undefined variable fails the task and names the variable', async () => {
    const r = await run('- hosts: a\n  gather_facts: false\n  tasks:\n    - debug: msg="{{ nope }}"\n', INVENTORY)
    const failure = r.events.find((e) => e.type === 'result')
    expect(failure?.type === 'result' && String(failure.result.data['msg'])).toMatch(/'nope' is undefined/)
    expect(r.code).toBe(2)
  })
})

describe('connection keywords', () => {
  it('play connection/remote_user/port fill in what the host does not set', async () => {
    let seen: Record<string, unknown> = {}
    await run('- hosts: b\n  gather_facts: false\n  connection: local\n  remote_user: deploy\n  tasks:\n    - command: "true"\n', 'b ansible_port=2222\n', {
      connect: (host, vars) => {
        seen = { connection: vars['ansible_connection'], user: vars['ansible_user'], port: vars['ansible_port'] }
        return Promise.resolve(connectLocal(host))
      },
    })
    expect(seen).toEqual({ connection: 'local', user: 'deploy', port: 2222 })
  })
  it('gives plays ansible_version with the keys ansible-playbook gives (roles test ansible_version.full)', async () => {
    const play = '- hosts: a\n  gather_facts: false\n  tasks:\n    - debug: { msg: "{{ ansible_version.keys() | sort | join(\',\') }}" }\n      when: ansible_version.full is version_compare("2.12", ">=") and ansible_version.major == 2\n'
    const r = await run(play, INVENTORY)
    const debug = r.events.find((e) => e.type === 'result' && e.taskName === 'debug')
    const ansible = JSON.parse(execFileSync('ansible', ['localhost', '-m', 'debug', '-a', 'msg={{ ansible_version.keys() | sort | join(",") }}'], { encoding: 'utf8', env: { ...process.env, ANSIBLE_LOAD_CALLBACK_PLUGINS: '1', ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_LOCALHOST_WARNING: '0' } }))
    expect(debug?.type === 'result' && debug.result.data['msg']).toBe(ansible.plays[0].tasks[0].hosts.localhost.msg)
  })
})
