import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { ConnectionError, TsplayError } from '../errors.js'
import type { EventSink } from './events.js'
import { LOCALHOST_NAMES, implicitLocalhostVars, loadVarsDirs, readVarsFile } from '../inventory/index.js'
import { type LoadContext, loadContext as newLoadContext, type Play, type Playbook, type RoleInstance } from '../load/index.js'
import type { HostStats } from './result.js'
import { connection } from './exec.js'
import { setHostFacts } from './facts.js'
import { type HostState, newHostState, type PlayState, type RunOptions, type RunState } from './state.js'
import { hostVars, templateVars, truthy } from './vars.js'
import { activeHosts, flush, noMoreHosts, pool, runItems } from './walk.js'
import { statsOf } from './record.js'
import { renderValue, type Vars } from '../template/index.js'
import { connectLookups } from './lookups.js'

export type { RunOptions } from './state.js'

/** How a run ended: the recap counters and the exit code ansible-playbook would return. */
export interface RunSummary {
  readonly stats: ReadonlyMap<string, HostStats>
  readonly exitCode: 0 | 2 | 4
}

/** Run every play of a playbook; emits events and never prints. Connections are closed at the end. */
export async function runPlaybook(playbook: Playbook, options: RunOptions, emit: EventSink): Promise<RunSummary> {
  connectLookups()
  const run: RunState = {
    options,
    emit,
    playbook,
    hosts: new Map(),
    stats: new Map(),
    waitingForStart: options.startAtTask !== undefined,
    implicit: new Map(),
    playbookVarsDirs: loadVarsDirs(playbook.dir),
    groupsCache: undefined,
    inventoryLayers: new Map(),
    warnedPatterns: new Set(),
    aborted: false,
  }
  try {
    for (const play of playbook.plays) {
      if (run.aborted) break
      await runPlay(run, play)
    }
  } finally {
    await Promise.all([...run.hosts.values()].map(async (s) => { try { await (await s.conn)?.close() } catch { /* already unreachable */ } }))
  }
  emit({ type: 'recap', stats: run.stats })
  const all = [...run.stats.values()]
  const exitCode = all.some((s) => s.unreachable > 0) ? 4 : [...run.hosts.values()].some((s) => s.failed) || all.some((s) => s.failed > 0) ? 2 : 0
  return { stats: run.stats, exitCode }
}

/** The hosts a play targets: its pattern (templated with extra vars), --limit, minus hosts failed earlier. */
export function playHosts(run: RunState, play: Play): string[] {
  return targetHosts(run, play).filter((h) => { const s = run.hosts.get(h); return s === undefined || (!s.failed && !s.unreachable) })
}

/** The play's hosts before hosts failed in earlier plays are removed: serial batches are cut from these. */
function targetHosts(run: RunState, play: Play): string[] {
  const inv = run.options.inventory
  const pattern = renderValue(play.hosts, run.options.extraVars, play.location) as string | string[]
  let hosts = inv.select(pattern)
  // ansible-core warns once of each name in a pattern that matches no group or host, whether or not others match
  for (const name of inv.unmatched(pattern)) {
    if (run.warnedPatterns.has(name)) continue
    run.warnedPatterns.add(name)
    run.emit({ type: 'warning', message: `Could not match supplied host pattern, ignoring: ${name}` })
  }
  const names = [pattern].flat().flatMap((p) => String(p).split(/[,:]/)).map((p) => p.trim())
  for (const local of LOCALHOST_NAMES) {
    if (names.includes(local) && !inv.hosts.has(local) && !hosts.includes(local)) {
      run.implicit.set(local, implicitLocalhostVars())
      hosts.push(local)
    }
  }
  if (run.options.limit !== undefined) {
    const limited = new Set(inv.select(run.options.limit))
    hosts = hosts.filter((h) => limited.has(h) || (run.implicit.has(h) && run.options.limit!.split(/[,:]/).includes(h)))
  }
  return hosts
}

/** The play's `order` keyword applied to its hosts (inventory order by default). */
function ordered(hosts: string[], order: unknown): string[] {
  switch (order) {
    case 'reverse_inventory':
      return [...hosts].reverse()
    case 'sorted':
      return [...hosts].sort()
    case 'reverse_sorted':
      return [...hosts].sort().reverse()
    case 'shuffle':
      return [...hosts].sort(() => Math.random() - 0.5)
    default:
      return hosts
  }
}

async function runPlay(run: RunState, play: Play): Promise<void> {
  const hosts = playHosts(run, play)
  if (targetHosts(run, play).length === 0) {
    run.emit({ type: 'play', name: play.name, check: run.options.check })
    run.emit({ type: 'no-hosts', pattern: [play.hosts].flat().join(',') })
    return
  }
  for (const h of hosts) {
    const s = hostState(run, h)
    s.ended = false
  }
  const strategy = play.keywords['strategy']
  if (strategy !== undefined && strategy !== 'linear') run.emit({ type: 'warning', message: `strategy '${String(strategy)}' is not supported by tsplay; running the play with the linear strategy` })
  if (play.keywords['vars_prompt'] !== undefined) run.emit({ type: 'warning', message: 'vars_prompt is not supported by tsplay (runs are non-interactive); pass the values with -e' })
  const loadContext: LoadContext = newLoadContext(run.playbook.dir, play.seenRoles, run.playbook.paths)
  const publicRoles: RoleInstance[] = []
  let playEnded = false
  const live = new Set(hosts)
  const targets = targetHosts(run, play)
  for (const fullBatch of batches(play, ordered(targets, play.keywords['order']))) {
    if (playEnded || run.aborted) break
    const batch = fullBatch.filter((h) => live.has(h))
    run.emit({ type: 'play', name: play.name, check: run.options.check })
    const ps: PlayState = { run, play, batch, playHosts: targets, loadContext, publicRoles, handlers: [...play.handlers], notified: new Map(), varsFiles: {}, rescuable: new Map(), guarded: new Map(), failedInBatch: new Set(), stopped: false, playEnded: false, connectionsChecked: new Set() }
    ps.varsFiles = readVarsFiles(ps)
    if (run.options.stop?.aborted) break
    await gather(ps)
    for (const section of [play.preTasks, play.tasks, play.postTasks]) {
      if (ps.stopped) break
      if (section.length > 0 && activeHosts(ps, batch).length === 0) noMoreHosts(ps)
      await runItems(ps, section, batch)
      await flush(ps)
    }
    // a batch whose every host failed ends the whole playbook, not just the play (ansible's break_play)
    if (batch.length > 0 && batch.every((h) => run.hosts.get(h)!.failed || run.hosts.get(h)!.unreachable)) {
      run.aborted = true
      break
    }
    playEnded = ps.playEnded
  }
  for (const h of hosts) run.hosts.get(h)!.ended = false
}

function hostState(run: RunState, host: string): HostState {
  let s = run.hosts.get(host)
  if (s === undefined) run.hosts.set(host, (s = newHostState()))
  return s
}

/** Batches of a play's hosts by `serial` (number, percentage, or a list of them, the last repeating). */
export function batches(play: Pick<Play, 'keywords'>, hosts: readonly string[]): string[][] {
  const serial = play.keywords['serial']
  if (serial === undefined || serial === null) return [[...hosts]]
  const sizes = [serial].flat().map((s) => {
    const text = String(s).trim()
    const n = text.endsWith('%') ? Math.floor((hosts.length * Number(text.slice(0, -1))) / 100) : Number(text)
    return Math.max(1, Number.isFinite(n) ? n : hosts.length)
  })
  const out: string[][] = []
  let i = 0
  for (let b = 0; i < hosts.length; b++) {
    const size = sizes[Math.min(b, sizes.length - 1)]!
    out.push(hosts.slice(i, i + size))
    i += size
  }
  return out
}

function readVarsFiles(ps: PlayState): Vars {
  const out: Vars = {}
  const host = ps.batch[0]
  for (const entry of ps.play.varsFiles) {
    const vars = host ? templateVars(hostVars(ps, host)) : ps.run.options.extraVars
    const candidates = [entry].flat().map((e) => resolve(ps.run.playbook.dir, String(renderValue(e, vars))))
    // the first file that exists is read, and its own error (a YAML error at its line) is the one reported
    const file = candidates.find((c) => existsSync(c))
    if (file === undefined) throw new TsplayError(`vars_files: no file found: ${candidates.join(' or ')}`)
    Object.assign(out, readVarsFile(file, true))
  }
  return out
}

async function gather(ps: PlayState): Promise<void> {
  const gathering = ps.run.options.gathering ?? 'implicit'
  const own = ps.play.keywords['gather_facts']
  if (!truthy(own ?? gathering !== 'explicit')) return
  // gathering = implicit (ansible-core's default): every play gathers again; facts persist across plays;
  // smart: only hosts without facts from this run
  const gathered = (host: string): boolean => Object.keys(ps.run.hosts.get(host)?.facts ?? {}).length > 0
  const hosts = activeHosts(ps, ps.batch).filter((host) => gathering !== 'smart' || !gathered(host))
  if (hosts.length === 0) return
  ps.run.emit({ type: 'task', name: 'Gathering Facts', handler: false, hosts })
  const subset = ps.play.keywords['gather_subset'] ?? ps.run.options.gatherSubset
  await pool(hosts, ps.run.options.forks, async (host) => {
    const state = ps.run.hosts.get(host)!
    const stats = statsOf(ps, host)
    try {
      const conn = await connection(ps, host)
      const interpreter = templateVars(hostVars(ps, host))['ansible_python_interpreter']
      setHostFacts(state.facts, await ps.run.options.gatherFacts(conn, subset === undefined ? undefined : [subset].flat().map(String), typeof interpreter === 'string' ? interpreter : undefined))
      stats.ok++
      ps.run.emit({ type: 'result', taskName: 'Gathering Facts', result: { host, status: 'ok', data: { changed: false }, diff: [], changes: [] } })
    } catch (error) {
      if (!(error instanceof TsplayError)) throw error
      const unreachable = error instanceof ConnectionError
      if (unreachable) { stats.unreachable++; state.unreachable = true } else { stats.failed++; state.failed = true }
      ps.run.emit({ type: 'result', taskName: 'Gathering Facts', result: { host, status: unreachable ? 'unreachable' : 'failed', data: { changed: false, msg: error.message, ...(unreachable ? { unreachable: true } : { failed: true }) }, diff: [], changes: [] } })
    }
  })
}
