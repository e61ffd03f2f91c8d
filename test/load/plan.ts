// The load test's playbook, generated from a seed, and what it must do: the recap of every host and the files
// each converged host must hold. Pure: the same seed gives the same playbook and the same expectations.
import { createHash } from 'node:crypto'
import { rng } from '../hostile/mutate.js'

/** Where the generated tasks write on each host; the reset play removes it. */
export const ROOT_DIR = '/var/tmp/tsplay-load'

type Outcome = 'ok' | 'changed'

/** One generated task: its YAML, what it does on a first run and on a run over its own result, the path it leaves. */
interface PlannedTask {
  readonly yaml: string
  readonly first: Outcome
  readonly again: Outcome
  /** A file or directory the task leaves, with its mode and content (undefined: a directory). */
  readonly leaves?: { readonly path: string; readonly mode: string; readonly content?: (host: string) => string }
  /** Hosts this task fails (a `fail` task): skipped on the others. */
  readonly fails?: readonly string[]
}

/** Recap counters of one host, as PLAY RECAP prints them. */
export interface Recap { ok: number; changed: number; unreachable: number; failed: number; skipped: number; rescued: number; ignored: number }

/** The generated load: playbook text, the failing hosts and where they fail, and the expectations. */
export interface LoadPlan {
  readonly playbook: string
  readonly template: string
  readonly failAt: ReadonlyMap<string, number>
  /** The recap of a first run on freshly reset hosts (failures on). */
  firstRecap(host: string): Recap
  /** The recap of a re-run with failures off, after `firstRecap`'s run left the host where it failed. */
  retryRecap(host: string): Recap
  /** The state a host must have after a complete run: `path kind mode [md5]` lines, sorted (as `STATE_COMMAND` prints). */
  state(host: string): string[]
}

/** Prints a host's state under ROOT_DIR as `LoadPlan.state` expects it. */
export const STATE_COMMAND = `cd ${ROOT_DIR} && find . -mindepth 1 | LC_ALL=C sort | while read -r p; do if [ -d "$p" ]; then echo "\${p#./} d $(stat -c %a "$p")"; else echo "\${p#./} f $(stat -c %a "$p") $(md5sum < "$p" | cut -c1-32)"; fi; done`

const md5 = (s: string): string => createHash('md5').update(s).digest('hex')
const q = (s: string): string => JSON.stringify(s)

/** The kinds of generated task, each with its known outcome. */
const KINDS: ReadonlyArray<(i: number) => PlannedTask> = [
  (i) => ({ yaml: `file: { path: ${ROOT_DIR}/d${i}, state: directory, mode: "0750" }`, first: 'changed', again: 'ok', leaves: { path: `d${i}`, mode: '750' } }),
  (i) => ({ yaml: `copy: { content: ${q(`copy ${i}\n`)}, dest: ${ROOT_DIR}/c${i}.txt, mode: "0640" }`, first: 'changed', again: 'ok', leaves: { path: `c${i}.txt`, mode: '640', content: () => `copy ${i}\n` } }),
  (i) => ({ yaml: `lineinfile: { path: ${ROOT_DIR}/l${i}.conf, line: "key${i}=value", create: true }`, first: 'changed', again: 'ok', leaves: { path: `l${i}.conf`, mode: '644', content: () => `key${i}=value\n` } }),
  (i) => ({ yaml: `template: { src: load.j2, dest: ${ROOT_DIR}/t${i}.conf }\n  vars: { n: ${i} }`, first: 'changed', again: 'ok', leaves: { path: `t${i}.conf`, mode: '644', content: (host) => `host=${host} task=${i}\n` } }),
  (i) => ({ yaml: `shell: printf '%s\\n' ${i} > ${ROOT_DIR}/s${i}.txt`, first: 'changed', again: 'changed', leaves: { path: `s${i}.txt`, mode: '644', content: () => `${i}\n` } }),
  (i) => ({ yaml: `command: echo ${i}\n  register: echoed\n  changed_when: false`, first: 'ok', again: 'ok' }),
  (i) => ({ yaml: `command: { cmd: touch ${ROOT_DIR}/x${i}, creates: ${ROOT_DIR}/x${i} }`, first: 'changed', again: 'ok', leaves: { path: `x${i}`, mode: '644', content: () => '' } }),
  (i) => ({ yaml: `stat: { path: ${ROOT_DIR} }`, first: 'ok', again: 'ok' }),
  (i) => ({ yaml: `set_fact: { fact_${i}: "{{ inventory_hostname }}-${i}" }`, first: 'ok', again: 'ok' }),
  (i) => ({ yaml: `debug: { msg: "task ${i} on {{ inventory_hostname }}" }`, first: 'ok', again: 'ok' }),
]

/** The playbook for `hosts` with `tasks` tasks, `failRate` of the hosts failing at a seeded task index. */
export function planLoad(hosts: readonly string[], tasks: number, failRate: number, seed: number): LoadPlan {
  const random = rng(seed)
  const failing = [...hosts].sort(() => random() - 0.5).slice(0, Math.round(hosts.length * failRate))
  // a fail task anywhere after the first (which makes the directory) and at most one fail task per index
  const failAt = new Map(failing.map((h) => [h, 1 + Math.floor(random() * (tasks - 1))]))
  const planned: PlannedTask[] = [{ yaml: `file: { path: ${ROOT_DIR}, state: directory, mode: "0755" }`, first: 'changed', again: 'ok' }]
  for (let i = 1; i < tasks; i++) {
    const failHere = failing.filter((h) => failAt.get(h) === i)
    if (failHere.length > 0) planned.push({ yaml: `fail: { msg: "seeded failure at task ${i}" }\n  when: load_fail | bool and inventory_hostname in ${q(failHere.join(','))}.split(',')`, first: 'ok', again: 'ok', fails: failHere })
    else planned.push(KINDS[Math.floor(random() * KINDS.length)]!(i))
  }
  const playbook = `- hosts: all\n  gather_facts: true\n  vars: { load_fail: true }\n  tasks:\n${planned.map((t, i) => `    - name: t${i}\n      ${t.yaml.replace(/\n/g, '\n    ')}\n`).join('')}`
  const recap = (host: string, runsBefore: number | undefined): Recap => {
    // runsBefore: the index the host stopped at in an earlier run (its tasks before it are re-runs), undefined on a first run
    const r: Recap = { ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 }
    const stopAt = runsBefore === undefined ? failAt.get(host) : undefined
    for (const [i, t] of planned.entries()) {
      if (t.fails !== undefined) {
        if (i === stopAt) return { ...r, failed: 1 }
        r.skipped++
        continue
      }
      const outcome = runsBefore !== undefined && i < runsBefore ? t.again : t.first
      r.ok++
      if (outcome === 'changed') r.changed++
    }
    return r
  }
  return {
    playbook,
    template: 'host={{ inventory_hostname }} task={{ n }}\n',
    failAt,
    firstRecap: (host) => recap(host, undefined),
    retryRecap: (host) => recap(host, failAt.get(host) ?? planned.length),
    state: (host) => planned.flatMap((t) => (t.leaves === undefined ? [] : [t.leaves.content === undefined ? `${t.leaves.path} d ${t.leaves.mode}` : `${t.leaves.path} f ${t.leaves.mode} ${md5(t.leaves.content(host))}`])).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
  }
}
