// - name: read the join token
//   slurp:
//     src: /etc/kubernetes/token
//   register: token          # token.content | b64decode
import { z } from 'zod'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { probeFile, type FileState } from './lib/file-state.js'
import { withAliases } from './lib/packages.js'

const args = withAliases(z.object({
  src: z.string().min(1).describe('file on the host to read'),
}).strict(), { path: 'src' })

type Args = z.output<typeof args>

/** Read a file from the host and return it base64-encoded, like Ansible's `slurp`. */
export const slurp = defineModule({
  name: 'slurp',
  gathersAhead: true,
  args,
  description: "read a file on the host; returns its content base64-encoded (decode with 'b64decode')",
  example: 'slurp:\n  src: /etc/kubernetes/token\nregister: token',
  gather: (ctx, a: Args) => probeFile(ctx.conn, { path: a.src, follow: true, content: true }),
  plan(a: Args, s: FileState) {
    if (!s.exists) throw new ModuleError(`file not found: ${a.src}`)
    if (s.type === 'directory') throw new ModuleError(`source is a directory and must be a file: ${a.src}`)
    if (s.content === undefined) throw new ModuleError(`file is not readable: ${a.src}`)
    return { changes: [], values: { content: s.content.toString('base64'), encoding: 'base64', source: a.src } }
  },
  apply: () => Promise.resolve(),
})
