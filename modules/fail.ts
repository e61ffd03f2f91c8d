// - fail:
//     msg: "kubeadm needs at least 2 CPUs, {{ inventory_hostname }} has {{ ansible_processor_vcpus }}"
//   when: ansible_processor_vcpus < 2
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'

const args = z.object({ msg: z.unknown().optional().describe('The failure message') }).strict()

/** Fails the task with a message, as Ansible's `fail`. */
export const fail = defineModule({
  name: 'fail',
  args,
  description: 'Fail the task with a custom message (Ansible fail)',
  example: 'fail:\n  msg: "unsupported distribution {{ ansible_distribution }}"\nwhen: ansible_os_family != "Debian"',
  gather: () => Promise.resolve(undefined),
  plan: (a) => {
    throw new ModuleError(a.msg === undefined ? 'Failed as requested from task' : typeof a.msg === 'string' ? a.msg : JSON.stringify(a.msg))
  },
  apply: () => Promise.resolve(),
})
