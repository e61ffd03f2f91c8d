// The inventory as the rest of tsplay sees it; the INI and YAML readers build it through InventoryBuilder (model.ts).
import type { SourceLocation } from '../errors.js'
import type { Vars } from '../template/index.js'

/** Variables from one place, with that place named for `--verbose` ("inventories/prod.ini:12"). */
export interface VarLayer {
  readonly source: string
  readonly vars: Vars
}

export interface InventoryHost {
  readonly name: string
  /** Host variables from the inventory file itself (INI inline vars as Python literals, or YAML). */
  readonly vars: VarLayer
  readonly location: SourceLocation
}

export interface InventoryGroup {
  readonly name: string
  /** Direct member hosts, in inventory order. */
  readonly hosts: readonly string[]
  readonly children: readonly string[]
  /** Group variables from the inventory file (INI `[g:vars]` values are literal-evaluated as ansible-core 2.14 does). */
  readonly vars: VarLayer
}

/** Group and host variables found in `group_vars/` and `host_vars/` beside one directory. */
export interface VarsDirs {
  readonly groups: ReadonlyMap<string, VarLayer>
  readonly hosts: ReadonlyMap<string, VarLayer>
}

/** The parsed inventory: hosts in inventory order, groups including the implicit `all` and `ungrouped`. */
export interface Inventory {
  readonly hosts: ReadonlyMap<string, InventoryHost>
  readonly groups: ReadonlyMap<string, InventoryGroup>
  /** Directories of the inventory sources (where their group_vars/ and host_vars/ live). */
  readonly dirs: readonly string[]
  /**
   * Every group the host is in, directly or through children, `all` included, in the order Ansible merges
   * their variables: by depth (all first), then `ansible_group_priority`, then name.
   */
  groupsOf(host: string): readonly string[]
  /** `group_names`: the host's groups sorted, without `all` (`ungrouped` included when the host is in it). */
  groupNames(host: string): readonly string[]
  /** The `groups` magic variable: every group to its hosts (transitively), in inventory order. */
  groupsVar(): Record<string, string[]>
  /**
   * Hosts matching an Ansible host pattern: names, groups, `a:b`, `a,b`, `a:&b`, `a:!b`, wildcards, `~regex`,
   * `group[0]`, `group[1:]`. Unknown names match nothing (the caller warns); `localhost` is implicit.
   */
  select(pattern: string | readonly string[]): string[]
  /** The names of a pattern that match no group or host (ansible warns of each once); the implicit localhost matches. */
  unmatched(pattern: string | readonly string[]): string[]
  /** `add_host`: add or update a host in the given groups (created as needed). */
  addHost(name: string, groups: readonly string[], vars: Vars): void
  /** `group_by`: add a host to a group, creating it (child of `all`, and of `parents`) as needed. */
  addToGroup(host: string, group: string, parents?: readonly string[]): void
}
