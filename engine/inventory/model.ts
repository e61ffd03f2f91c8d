import { formatLocation, PlaybookError, type SourceLocation } from '../errors.js'
import { matchPattern, type PatternTarget, unmatchedTerms } from './host-patterns.js'
import type { Inventory, InventoryGroup, InventoryHost, VarLayer } from './types.js'
import type { Vars } from '../template/index.js'
import { LOCALHOST_NAMES, implicitLocalhostVars } from './localhost.js'

interface GroupData {
  name: string
  hosts: string[]
  children: string[]
  parents: Set<string>
  vars: Vars
  source: string
  depth: number
  priority: number
}

interface HostData {
  name: string
  vars: Vars
  location: SourceLocation
  groups: Set<string>
}

/** What the INI and YAML readers write into. */
export interface InventoryBuilder {
  hasGroup(name: string): boolean
  group(name: string, at: SourceLocation): void
  groupVar(group: string, key: string, value: unknown, at: SourceLocation): void
  child(parent: string, child: string, at: SourceLocation): void
  /** Add a host to a group (`ungrouped`/`all` for none) and merge its variables. */
  host(name: string, group: string, vars: Vars, at: SourceLocation): void
}


/** The mutable inventory behind the Inventory interface; built by the readers, grown by add_host/group_by. */
export class InventoryModel implements Inventory, InventoryBuilder, PatternTarget {
  private readonly groupData = new Map<string, GroupData>()
  private readonly hostData = new Map<string, HostData>()
  private readonly implicit = new Map<string, HostData>()
  private hostsCache: ReadonlyMap<string, InventoryHost> | undefined
  private membersCache = new Map<string, string[]>()
  readonly dirs: string[] = []

  constructor() {
    const at = { file: '<implicit>', line: 1, col: 1 }
    this.group('all', at)
    this.group('ungrouped', at)
    this.link('all', 'ungrouped')
  }

  get hosts(): ReadonlyMap<string, InventoryHost> {
    this.hostsCache ??= new Map([...this.hostData.values(), ...this.implicit.values()].map((h) => [h.name, this.publicHost(h)]))
    return this.hostsCache
  }

  get groups(): ReadonlyMap<string, InventoryGroup> {
    return new Map([...this.groupData.values()].map((g) => [g.name, this.publicGroup(g)]))
  }

  hasGroup(name: string): boolean {
    return this.groupData.has(name)
  }

  group(name: string, at: SourceLocation): void {
    if (this.groupData.has(name)) return
    this.groupData.set(name, { name, hosts: [], children: [], parents: new Set(), vars: {}, source: formatLocation(at), depth: 0, priority: 1 })
    if (name !== 'all') this.link('all', name)
    this.changed()
  }

  groupVar(group: string, key: string, value: unknown, at: SourceLocation): void {
    this.group(group, at)
    const data = this.groupData.get(group)!
    // As in Ansible, the priority orders group merging and is not itself a variable.
    if (key === 'ansible_group_priority') data.priority = Number(value)
    else data.vars[key] = value
  }

  child(parent: string, child: string, at: SourceLocation): void {
    this.group(parent, at)
    this.group(child, at)
    // ansible-core refuses a loop (and would otherwise recurse forever); say where it closes
    if (parent === child || this.isAncestor(child, parent)) throw new PlaybookError(`adding group '${child}' as child to '${parent}' creates a recursive dependency loop`, at)
    this.link(parent, child)
  }

  host(name: string, group: string, vars: Vars, at: SourceLocation): void {
    let data = this.hostData.get(name)
    if (!data) {
      data = { name, vars: {}, location: at, groups: new Set() }
      this.hostData.set(name, data)
    }
    Object.assign(data.vars, vars)
    // Hosts listed directly under `all` (YAML) or before any section (INI) are `ungrouped` until they join a group.
    const target = group === 'all' ? 'ungrouped' : group
    this.group(target, at)
    if (target !== 'ungrouped' || data.groups.size === 0) this.join(data, target)
    this.changed()
  }

  addHost(name: string, groups: readonly string[], vars: Vars): void {
    const at = { file: '<add_host>', line: 1, col: 1 }
    this.host(name, groups[0] ?? 'ungrouped', vars, at)
    for (const g of groups.slice(1)) this.host(name, g, {}, at)
  }

  addToGroup(host: string, group: string, parents: readonly string[] = []): void {
    const at = { file: '<group_by>', line: 1, col: 1 }
    this.host(host, group, {}, at)
    for (const parent of parents) this.child(parent, group, at)
  }

  groupsOf(host: string): readonly string[] {
    const data = this.hostData.get(host)
    if (!data) return this.implicit.has(host) ? [] : ['all']
    const all = new Set<string>(['all'])
    const visit = (g: string): void => {
      if (all.has(g) && g !== 'all') return
      all.add(g)
      for (const p of this.groupData.get(g)?.parents ?? []) visit(p)
    }
    for (const g of data.groups) visit(g)
    return [...all].map((g) => this.groupData.get(g)!).sort(compareGroups).map((g) => g.name)
  }

  groupNames(host: string): readonly string[] {
    return this.groupsOf(host).filter((g) => g !== 'all').sort()
  }

  groupsVar(): Record<string, string[]> {
    const out: Record<string, string[]> = {}
    for (const name of this.groupData.keys()) out[name] = [...(this.groupHosts(name) ?? [])]
    return out
  }

  select(pattern: string | readonly string[]): string[] {
    const hosts = matchPattern(this, pattern)
    // Ansible's implicit localhost: usable by name without being part of `all`.
    const terms = typeof pattern === 'string' ? pattern.split(/[,:]/) : pattern
    for (const term of terms) {
      const name = term.trim()
      if (LOCALHOST_NAMES.includes(name) && !this.hostData.has(name) && !hosts.includes(name)) {
        this.implicit.set(name, { name, vars: implicitLocalhostVars(), location: { file: '<implicit>', line: 1, col: 1 }, groups: new Set() })
        this.hostsCache = undefined
        hosts.push(name)
      }
    }
    return hosts
  }

  unmatched(pattern: string | readonly string[]): string[] {
    return unmatchedTerms(this, pattern).filter((name) => !LOCALHOST_NAMES.includes(name))
  }

  allHosts(): readonly string[] {
    return [...this.hostData.keys()]
  }

  groupHosts(name: string): readonly string[] | undefined {
    if (!this.groupData.has(name)) return undefined
    if (name === 'all') return this.allHosts()
    const cached = this.membersCache.get(name)
    if (cached) return cached
    const hosts = new Set<string>()
    const seen = new Set<string>()
    const queue = [name]
    while (queue.length) {
      const g = this.groupData.get(queue.shift()!)!
      if (seen.has(g.name)) continue
      seen.add(g.name)
      for (const h of g.hosts) hosts.add(h)
      queue.push(...g.children)
    }
    const list = [...hosts]
    this.membersCache.set(name, list)
    return list
  }

  hasHost(name: string): boolean {
    return this.hostData.has(name)
  }

  allGroups(): Iterable<string> {
    return this.groupData.keys()
  }

  private join(host: HostData, group: string): void {
    const g = this.groupData.get(group)!
    if (!g.hosts.includes(host.name)) g.hosts.push(host.name)
    host.groups.add(group)
    // A host that joins a real group leaves `ungrouped`.
    if (group !== 'ungrouped' && host.groups.delete('ungrouped')) {
      const u = this.groupData.get('ungrouped')!
      u.hosts.splice(u.hosts.indexOf(host.name), 1)
    }
  }

  private isAncestor(group: string, of: string): boolean {
    const seen = new Set<string>()
    const up = [of]
    for (let g = up.pop(); g !== undefined; g = up.pop()) {
      if (g === group) return true
      if (seen.has(g)) continue
      seen.add(g)
      up.push(...(this.groupData.get(g)?.parents ?? []))
    }
    return false
  }

  private link(parent: string, child: string): void {
    const p = this.groupData.get(parent)!
    const c = this.groupData.get(child)!
    if (!p.children.includes(child)) p.children.push(child)
    c.parents.add(parent)
    // Group depth is the longest path from `all`; it orders variable merging.
    const deepen = (g: GroupData, depth: number): void => {
      if (g.depth >= depth && g.name !== child) return
      g.depth = Math.max(g.depth, depth)
      for (const k of g.children) deepen(this.groupData.get(k)!, g.depth + 1)
    }
    deepen(c, p.depth + 1)
    this.changed()
  }

  private changed(): void {
    this.hostsCache = undefined
    this.membersCache.clear()
  }

  private publicHost(h: HostData): InventoryHost {
    const layer: VarLayer = { source: formatLocation(h.location), vars: h.vars }
    return { name: h.name, vars: layer, location: h.location }
  }

  private publicGroup(g: GroupData): InventoryGroup {
    return { name: g.name, hosts: g.hosts, children: g.children, vars: { source: g.source, vars: g.vars } }
  }
}

function compareGroups(a: GroupData, b: GroupData): number {
  return a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
}
