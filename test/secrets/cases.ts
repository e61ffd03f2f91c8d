// The secrets suite's playbooks: every kind of result (ok, changed, failed, unreachable, loops, until, handlers,
// register, module summaries, template errors) with `no_log` set at one level (task, block, play or role). Each case
// carries its own marker; the marker is built by a template (`'S3C' ~ 'RET-…'`), so it appears in full only where
// tsplay rendered the value, never in a copy of the playbook's text.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { stringify } from 'yaml'

/** Where `no_log: true` is written. */
export type Level = 'task' | 'block' | 'play' | 'role'

/** Every level the suite tries. */
export const LEVELS: readonly Level[] = ['task', 'block', 'play', 'role']

/** The prefix every marker starts with: a marker found anywhere is a leak. */
export const MARKER_PREFIX = 'S3CRET'

/** The marker of one case at one level, as it appears once rendered. */
export const marker = (level: Level, name: string): string => `${MARKER_PREFIX}-${level}-${name}-7f3a`

/** A value ansible prints even under no_log (a registered result shown by a task without no_log): must be visible. */
export const PARITY_MARKER = 'PARITY-registered-value-shown-by-debug'

/** An address with nothing listening: a delegate there is unreachable at once. */
const GONE = { ansible_host: '127.0.0.1', ansible_port: 1, ansible_connection: 'ssh', ansible_user: 'nobody' }

type Task = Record<string, unknown>

/** One case: its tasks (with `v` naming the case's secret variable); `handler` when it notifies one. */
interface Case {
  readonly name: string
  readonly tasks: (v: string, dir: string) => Task[]
  readonly handler?: (v: string) => Task
  /** Only at task level (the keyword itself is what is tested). */
  readonly taskOnly?: boolean
}

const ignore = { ignore_errors: true }

/** The cases, each run at every level (taskOnly ones at task level). */
export const CASES: readonly Case[] = [
  { name: 'ok', tasks: (v) => [{ name: 'ok', debug: { msg: `{{ ${v} }}` } }] },
  { name: 'changed', tasks: (v) => [{ name: 'changed', command: `echo {{ ${v} }}` }] },
  { name: 'failed', tasks: (v) => [{ name: 'failed', command: `/bin/false {{ ${v} }}`, ...ignore }] },
  // the module's own message quotes the value
  { name: 'failmsg', tasks: (v) => [{ name: 'failmsg', file: { path: `/nonexistent/{{ ${v} }}`, state: 'file' }, ...ignore }] },
  { name: 'tplerr', tasks: (v) => [{ name: 'tplerr', debug: { msg: `{{ lookup('file', ${v}) }}` }, ...ignore }] },
  { name: 'unreachable', tasks: (v) => [{ name: 'unreachable', command: `echo {{ ${v} }}`, delegate_to: 'gone', ignore_unreachable: true }] },
  { name: 'loop', tasks: (v) => [{ name: 'loop', debug: { msg: '{{ item }}' }, loop: [`{{ ${v} }}`] }] },
  { name: 'label', tasks: (v) => [{ name: 'label', debug: { msg: 'x' }, loop: [1], loop_control: { label: `{{ ${v} }}` } }] },
  { name: 'loopcmd', tasks: (v) => [{ name: 'loopcmd', command: 'echo {{ item }}', loop: [`{{ ${v} }}`] }] },
  { name: 'loopfail', tasks: (v) => [{ name: 'loopfail', command: '/bin/false {{ item }}', loop: [`{{ ${v} }}`], ...ignore }] },
  { name: 'loopskip', tasks: (v) => [{ name: 'loopskip', debug: { msg: 'x' }, loop: [`{{ ${v} }}`], when: 'item == "nothing"' }] },
  {
    name: 'until',
    tasks: (v) => [{ name: 'until', command: `echo {{ ${v} }}`, register: 'u', until: 'u.rc == 99', retries: 2, delay: 0, ...ignore }],
  },
  { name: 'register', tasks: (v) => [{ name: 'register', command: `echo {{ ${v} }}`, register: 'r' }, { name: 'register debug', debug: { var: 'r' } }] },
  {
    name: 'sysctl',
    tasks: (v, dir) => [{ name: 'sysctl', sysctl: { name: 'kernel.domainname', value: `{{ ${v} }}`, sysctl_file: join(dir, 'out', 'sysctl.conf'), reload: false }, check_mode: true }],
  },
  { name: 'copy', tasks: (v, dir) => [{ name: 'copy', copy: { content: `{{ ${v} }}\n`, dest: join(dir, 'out', 'copy.txt') } }] },
  // the included file shows nothing of the item: ansible does not pass an include's no_log on to its tasks
  { name: 'include', tasks: (v, dir) => [{ name: 'include', include_tasks: join(dir, 'included.yml'), loop: [`{{ ${v} }}`] }] },
  { name: 'includefail', tasks: (v, dir) => [{ name: 'includefail', include_tasks: join(dir, `missing-{{ ${v} }}.yml`), ...ignore }] },
  { name: 'handler', tasks: () => [{ name: 'notifier', command: 'true', notify: 'the handler' }], handler: (v) => ({ name: 'the handler', command: `echo {{ ${v} }}` }) },
  { name: 'templated', taskOnly: true, tasks: (v) => [{ name: 'templated', command: `echo {{ ${v} }}`, no_log: '{{ hide }}' }] },
]

/** The cases tried at a level. */
export const casesAt = (level: Level): readonly Case[] => CASES.filter((c) => level === 'task' || !c.taskOnly)

const varName = (c: Case): string => `s_${c.name}`

/** Write the level's playbook (and its role) under `dir`, without the cases named in `leaveOut`; returns its path. */
export function writeLevel(level: Level, dir: string, leaveOut: readonly string[] = []): string {
  mkdirSync(join(dir, 'out'), { recursive: true })
  writeFileSync(join(dir, 'included.yml'), stringify([{ name: 'included', debug: { msg: 'included' } }]))
  const cases = casesAt(level).filter((c) => !leaveOut.includes(c.name))
  const vars: Record<string, unknown> = { hide: true, parity: PARITY_MARKER }
  for (const c of cases) vars[varName(c)] = `{{ 'S3C' ~ 'RET-${level}-${c.name}-7f3a' }}`
  const atTask = (t: Task): Task => (level === 'task' && t['no_log'] === undefined ? { ...t, no_log: true } : t)
  const tasks = cases.flatMap((c) => c.tasks(varName(c), dir).map(atTask))
  const handlers = cases.flatMap((c) => (c.handler ? [c.handler(varName(c))] : [])).map((h) => (level === 'play' || level === 'role' ? h : { ...h, no_log: true }))
  // ansible does not censor a registered value shown by a task without no_log: neither does tsplay
  const parity: Task[] = [
    { name: 'parity register', command: 'echo {{ parity }}', register: 'p', no_log: true },
    { name: 'parity debug', debug: { var: 'p.stdout' }, no_log: false },
  ]
  const play: Record<string, unknown> = { name: `no_log at ${level} level`, hosts: 'h1', gather_facts: false, vars }
  if (level === 'task' || level === 'play') play['tasks'] = [...tasks, ...parity]
  else if (level === 'block') play['tasks'] = [{ name: 'secret block', block: tasks, no_log: true }, ...parity]
  else play['tasks'] = parity
  if (level === 'play') play['no_log'] = true
  if (level === 'role') {
    const role = join(dir, 'roles', 'secret')
    mkdirSync(join(role, 'tasks'), { recursive: true })
    mkdirSync(join(role, 'handlers'), { recursive: true })
    writeFileSync(join(role, 'tasks', 'main.yml'), stringify(tasks))
    writeFileSync(join(role, 'handlers', 'main.yml'), stringify(handlers))
    play['roles'] = [{ role: 'secret', no_log: true }]
  } else play['handlers'] = handlers
  writeFileSync(join(dir, 'inventory.yml'), stringify({ all: { hosts: { h1: { ansible_connection: 'local', ansible_python_interpreter: '/usr/bin/python3' }, gone: GONE } } }))
  const path = join(dir, 'site.yml')
  writeFileSync(path, stringify([play]))
  return path
}
