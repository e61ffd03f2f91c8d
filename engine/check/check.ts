// `tsplay check`: everything about a playbook that can be known without connecting to a host, all problems at once.
import { existsSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { isMap, isScalar, isSeq, type Node } from 'yaml'
import { PlaybookError, TsplayError } from '../errors.js'
import { loadInventory, loadVarsDirs, readVarsFile, type Inventory } from '../inventory/index.js'
import { checkNotified, loadContext, loadPlaybook, type ConfiguredPaths, type Play, type Playbook, type RoleInstance } from '../load/index.js'
import { loadYaml } from '../yaml/index.js'
import { checkArgumentSpecs } from './argspecs.js'
import { Findings } from './findings.js'
import { checkKeywordValues } from './keywords.js'
import { mapAt, pairIn, whereIs } from './locate.js'
import { reportUndefined } from './names.js'
import { fromLoadError, sortProblems, type Problem } from './problem.js'
import { refineKind } from './kinds.js'
import { walkItems } from './tasks.js'
import { checkStrings } from './values.js'

/** What `tsplay check` is given besides the playbooks. */
export interface CheckOptions {
  /** Inventory sources, as `-i` takes them; none: only the implicit localhost. */
  readonly inventory: readonly string[]
  /** `-e` variables: defined for every play. */
  readonly extraVars?: Readonly<Record<string, unknown>>
  readonly configured?: ConfiguredPaths
}

const PLAY_SECTIONS = new Set(['tasks', 'pre_tasks', 'post_tasks', 'handlers', 'roles', 'hosts', 'vars_files', 'vars_prompt'])

/** Every problem in the playbooks at `paths` and what they load, sorted by place; an empty list when none. */
export function checkPlaybooks(paths: readonly string[], options: CheckOptions): Problem[] {
  const f = new Findings()
  const onError = (error: PlaybookError): void => void f.problems.push(refineKind(fromLoadError(error)))
  const inventory = readInventory(f, options.inventory, onError)
  f.define(options.extraVars)
  for (const path of paths) {
    const playbook = loadPlaybook(path, options.configured ?? {}, onError)
    try {
      const dirs = loadVarsDirs(playbook.dir)
      for (const layer of [...dirs.groups.values(), ...dirs.hosts.values()]) f.define(layer.vars)
    } catch (error) {
      if (!(error instanceof PlaybookError)) throw error
      onError(error)
    }
    for (const play of playbook.plays) checkPlay(f, play, playbook, inventory, onError)
  }
  for (const src of f.sources) {
    for (const { key, line, col } of src.duplicateKeys) f.add({ file: src.path, line, col }, 'warning', 'duplicate-key', `duplicate key '${key}': the last value is used`)
  }
  if (!f.inventoryGrows) for (const { at, message } of f.unmatchedHosts) f.add(at, 'warning', 'no-matching-hosts', message)
  if (f.problems.some((p) => p.kind === 'vault-secret-missing')) f.unknowable = true
  reportUndefined(f)
  return sortProblems(f.problems)
}

function readInventory(f: Findings, sources: readonly string[], onError: (e: PlaybookError) => void): Inventory | undefined {
  try {
    const inventory = loadInventory(sources)
    for (const host of inventory.hosts.values()) f.define(host.vars.vars)
    for (const group of inventory.groups.values()) f.define(group.vars.vars)
    for (const dirs of inventory.varsDirs) for (const layer of [...dirs.groups.values(), ...dirs.hosts.values()]) f.define(layer.vars)
    return inventory
  } catch (error) {
    if (error instanceof PlaybookError) onError(error)
    else if (error instanceof TsplayError) f.add({ file: sources[0] ?? '.', line: 1, col: 1 }, 'error', 'inventory-error', error.message)
    else throw error
    f.unknowable = true
    return undefined
  }
}

function checkPlay(f: Findings, play: Play, playbook: Playbook, inventory: Inventory | undefined, onError: (e: PlaybookError) => void): void {
  const src = loadYaml(resolve(play.location.file))
  f.sources.add(src)
  const map = mapAt(src, play.location)
  if (map) {
    checkKeywordValues(f, src, map, 'play')
    for (const pair of map.items) if (isScalar(pair.key) && !PLAY_SECTIONS.has(String(pair.key.value))) checkStrings(f, src, pair.value)
    checkHosts(f, play, inventory, whereIs(src, pairIn(map, 'hosts')?.value, play.location))
    checkVarsFiles(f, pairIn(map, 'vars_files')?.value as Node | undefined, playbook.dir, src, onError)
    const prompts = pairIn(map, 'vars_prompt')?.value
    if (isSeq(prompts)) for (const p of prompts.items) if (isMap(p)) f.defined.add(String(p.get('name')))
  }
  f.define(play.vars)
  const ctx = { ...loadContext(playbook.dir, play.seenRoles, playbook.paths, onError), vars: play.vars }
  walkItems({ f, ctx, inventory, visited: new Set() }, [...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers])
  checkNotified(ctx, [...play.handlers, ...ctx.handlers])
  const roles = [...play.roles, ...ctx.roles]
  for (const role of roles) defineRole(f, role)
  checkArgumentSpecs(f, [...play.preTasks, ...play.tasks, ...play.postTasks], roles)
}

function checkHosts(f: Findings, play: Play, inventory: Inventory | undefined, at: { file: string; line: number; col: number }): void {
  const hosts = [play.hosts].flat().map(String)
  if (inventory === undefined || hosts.some((h) => /\{\{|\{%/.test(h))) return
  const unmatched = inventory.unmatched(hosts)
  for (const term of unmatched) f.unmatchedHosts.push({ at, message: `could not match supplied host pattern '${term}': no such host or group in the inventory` })
  if (unmatched.length === 0 && inventory.select(hosts).length === 0) f.unmatchedHosts.push({ at, message: `host pattern '${hosts.join(',')}' matches no host of the inventory` })
}

function checkVarsFiles(f: Findings, node: Node | undefined, dir: string, src: ReturnType<typeof loadYaml>, onError: (e: PlaybookError) => void): void {
  if (node === undefined || node === null) return
  const entries = isSeq(node) ? (node.items as Node[]) : [node]
  for (const entry of entries) {
    // a list inside the list: the first of those files that exists
    const names = (isSeq(entry) ? (entry.items as Node[]) : [entry]).map((n) => (isScalar(n) ? String(n.value) : ''))
    if (names.some((n) => /\{\{|\{%/.test(n))) {
      f.unknowable = true
      continue
    }
    const found = names.map((n) => resolve(dir, n)).find((p) => existsSync(p) && statSync(p).isFile())
    if (found === undefined) {
      f.add(whereIs(src, entry, { file: src.path, line: 1, col: 1 }), 'error', 'vars-file-missing', `vars_files: file not found: ${names.join(' or ')}`)
      continue
    }
    try {
      f.define(readVarsFile(found))
      f.sources.add(loadYaml(found))
    } catch (error) {
      if (!(error instanceof PlaybookError)) throw error
      onError(error)
    }
  }
}

function defineRole(f: Findings, role: RoleInstance): void {
  f.define(role.defaults)
  f.define(role.vars)
  for (const dir of ['defaults', 'vars', 'meta', 'handlers']) {
    for (const name of ['main.yml', 'main.yaml']) {
      const file = join(role.path, dir, name)
      if (existsSync(file)) {
        try {
          f.sources.add(loadYaml(file))
        } catch {
          // a file the role loader could not read was reported when the role was loaded
        }
      }
    }
  }
  for (const dep of role.dependencies) defineRole(f, dep)
}

