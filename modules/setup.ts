// - setup:
//     gather_subset: ['!all', 'network']
//     filter: ['ansible_default_ipv4', 'ansible_*_mb']
import { z } from 'zod'
import { gatherFacts } from '../engine/facts/index.js'
import { fnmatchRegExp } from '../engine/python/index.js'
import { defineModule } from '../engine/module.js'
import { stringList, yamlInt } from './lib/args.js'

const args = z.object({
  gather_subset: stringList.default(['all']).describe("Fact subsets to gather: all, min, hardware, network, virtual, or single names (distribution, pkg_mgr…); '!name' excludes"),
  filter: stringList.default([]).describe("Shell-style patterns (fnmatch) the returned fact names must match, such as 'ansible_*_mb'; the ansible_ prefix is optional"),
  gather_timeout: yamlInt.default(10).describe('Accepted for compatibility; facts are gathered by one command, bounded by the connection timeout'),
}).strict()

/** Facts under Ansible's names (`ansible_` prefix, except the gather metadata), kept when a filter pattern matches. */
export function filterFacts(facts: Readonly<Record<string, unknown>>, filter: readonly string[]): Record<string, unknown> {
  const named = Object.entries(facts).map(([k, v]) => [k === 'gather_subset' || k === 'module_setup' ? k : `ansible_${k}`, v] as const)
  if (filter.length === 0 || (filter.length === 1 && filter[0] === '*')) return Object.fromEntries(named)
  const patterns = filter.flatMap((f) => (/^(ansible_|facter|ohai)/.test(f) ? [f] : [f, `ansible_${f}`])).map(fnmatchRegExp)
  return Object.fromEntries(named.filter(([k]) => patterns.some((p) => p.test(k))))
}

/** Gathers facts (Ansible's `setup`): never changes anything; the engine stores the returned `ansible_facts`. */
export const setup = defineModule({
  name: 'setup',
  args,
  description: 'Gather facts about the host in one round trip (Ansible setup), with gather_subset and filter',
  example: "setup:\n  gather_subset: ['!all', 'network']\n  filter: ansible_default_ipv4",
  gather: (ctx, a) => {
    const interpreter = ctx.vars['ansible_python_interpreter']
    return gatherFacts(ctx.conn, a.gather_subset, typeof interpreter === 'string' ? interpreter : undefined)
  },
  plan: (a, facts) => ({ changes: [], values: { ansible_facts: filterFacts(facts, a.filter) } }),
  apply: () => Promise.resolve(),
})
