import { matchPattern } from '../inventory/index.js'
import { configureLookups } from '../template/index.js'

/**
 * Hosts matching `pattern` with `groups` as the whole inventory, as ansible's inventory_hostnames lookup builds
 * one from the `groups` variable: the full pattern language (`&`, `!`, wildcards, `~regex`, `[0:2]`).
 */
export function groupsPattern(pattern: string | readonly string[], groups: Record<string, readonly string[]>): string[] {
  const all = groups['all'] ?? [...new Set(Object.values(groups).flat())]
  return matchPattern({ allHosts: () => all, groupHosts: (name) => groups[name], allGroups: () => Object.keys(groups), hasHost: (name) => all.includes(name) }, pattern)
}

/** Connect the lookups' hooks that need the engine (host patterns); the run calls it once before the first play. */
export function connectLookups(): void {
  configureLookups({ hostPattern: groupsPattern })
}
