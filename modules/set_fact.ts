// - set_fact:
//     kube_apiserver_endpoint: "{{ groups['kube_control_plane'][0] }}:6443"
//     cluster_ready: true
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { isJinja2Native } from '../engine/template/index.js'

const args = z.record(z.unknown()).describe('Variable names and their values; `cacheable: true` also stores them as facts')

/** Sets host variables at set_fact precedence, as Ansible's `set_fact`; the engine stores the returned `ansible_facts`. */
export const set_fact = defineModule({
  name: 'set_fact',
  args,
  description: 'Set variables for the rest of the run on this host (Ansible set_fact); no host access',
  example: 'set_fact:\n  api_endpoint: "{{ groups[\'masters\'][0] }}:6443"',
  gather: () => Promise.resolve(undefined),
  plan: (a) => {
    const facts: Record<string, unknown> = {}
    let cacheable = false
    for (const [k, v] of Object.entries(a)) {
      if (k === 'cacheable') { cacheable = v === true || String(v).toLowerCase() === 'true' || String(v).toLowerCase() === 'yes'; continue }
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw new ModuleError(`The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`)
      // Ansible turns explicit boolean strings into booleans here (action/set_fact.py), even outside k=v, unless jinja2_native.
      // (a String object is an unsafe value, made from a host's output: still a str to ansible)
      const text = !isJinja2Native() && (typeof v === 'string' || v instanceof String) ? v.toLowerCase() : undefined
      facts[k] = text !== undefined && ['true', 'false', 'yes', 'no'].includes(text) ? ['true', 'yes'].includes(text) : v
    }
    if (Object.keys(facts).length === 0) throw new ModuleError('No key/value pairs provided, at least one is required for this action to succeed')
    return { changes: [], values: { ansible_facts: facts, ...(cacheable ? { ansible_facts_cacheable: true } : {}) } }
  },
  apply: () => Promise.resolve(),
})
