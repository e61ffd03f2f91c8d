// - name: a scratch directory
//   tempfile:
//     state: directory
//     suffix: build
//   register: scratch
import { z } from 'zod'
import { raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'

const args = z.object({
  state: z.enum(['file', 'directory']).default('file').describe('create a file (mode 0600) or a directory (mode 0700)'),
  path: z.string().optional().describe("directory to create it in; the host's TMPDIR or /tmp by default"),
  prefix: z.string().default('ansible.').describe('start of the name'),
  suffix: z.string().default('').describe('end of the name'),
}).strict()

type Args = z.output<typeof args>

/** Create a uniquely named temporary file or directory on the host, like ansible's `tempfile` (never idempotent). */
export const tempfile = defineModule({
  name: 'tempfile',
  args,
  description: 'create a temporary file or directory and return its path',
  example: 'tempfile:\n  state: directory\n  suffix: build',
  gather: async () => null,
  plan: (a: Args) => ({
    changes: [{ kind: 'create', summary: `create a temporary ${a.state}` }],
    // ansible's tempfile does not support check mode: the task is skipped then
    checkSkip: 'remote module (tempfile) does not support check mode',
  }),
  async apply(ctx, _plan, a) {
    const dir = a.path === undefined ? raw('"${TMPDIR:-/tmp}"') : a.path
    // Python's mkstemp/mkdtemp put eight random characters between prefix and suffix
    const result = await ctx.conn.exec(sh`p=$(mktemp ${a.state === 'directory' ? ['-d'] : []} -p ${dir} --suffix=${a.suffix} -- ${`${a.prefix}XXXXXXXX`}) && stat -c '%u %g %U %G %a %s' -- "$p" && printf '%s' "$p"`, { allowFailure: true, text: true })
    if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim() || 'mktemp failed', { changed: false })
    const [ids = '', ...rest] = result.stdout.split('\n')
    const [uid, gid, owner, group, mode, size] = ids.split(' ')
    return { path: rest.join('\n'), uid: Number(uid), gid: Number(gid), owner, group, mode: mode!.padStart(4, '0'), state: a.state, size: Number(size) }
  },
})
