// - name: look up the etcd user
//   getent:
//     database: passwd
//     key: etcd
//     fail_key: false
//   register: etcd_user     # etcd_user.ansible_facts.getent_passwd.etcd → [x, uid, gid, gecos, home, shell], or None
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'

const args = z
  .object({
    database: z.string().min(1).describe('The getent database: passwd, group, shadow, hosts, services, …'),
    key: text.optional().describe('The one key to look up; without it, the whole database'),
    service: z.string().min(1).optional().describe('The NSS service to ask (getent -s), e.g. files'),
    split: z.string().min(1).optional().describe("Separator of a record's fields; default ':' for passwd, shadow, group and gshadow, else runs of white space"),
    fail_key: yamlBool.default(true).describe('Fail when key is not found; false returns it as null'),
  })
  .strict()

type GetentArgs = z.output<typeof args>

/** What `getent` printed and how it exited. */
export interface GetentState {
  readonly exitCode: number
  readonly stdout: string
}

// Databases whose records ansible splits on ':' when no split is given.
const COLON = new Set(['passwd', 'shadow', 'group', 'gshadow'])

/** A record's fields, as Python's `str.split(sep)` does: literal separator, or runs of white space when none. */
const fields = (line: string, split: string | undefined): string[] => (split === undefined ? line.trim().split(/\s+/).filter((f) => f !== '') : line.split(split))

/**
 * The facts `getent_<database>`: first field → the others; a key seen more than once maps to a list of their
 * field lists, as ansible.builtin.getent builds them. Pure.
 */
export function parseGetent(stdout: string, database: string, split?: string): Record<string, unknown> {
  const separator = split ?? (COLON.has(database) ? ':' : undefined)
  const tree: Record<string, unknown> = {}
  const seen = new Map<string, number>()
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const [first, ...rest] = fields(line, separator)
    if (first === undefined) continue
    const count = seen.get(first) ?? 0
    if (count === 0) tree[first] = rest
    else if (count === 1) tree[first] = [tree[first], rest]
    else (tree[first] as unknown[]).push(rest)
    seen.set(first, count + 1)
  }
  return tree
}

/** getent's exit code turned into ansible's verdict: the facts, or the failure message. Pure. */
export function planGetent(a: GetentArgs, state: GetentState) {
  const name = `getent_${a.database}`
  if (state.exitCode === 0) return { changes: [], values: { ansible_facts: { [name]: parseGetent(state.stdout, a.database, a.split) } } }
  if (state.exitCode === 2) {
    const msg = 'One or more supplied key could not be found in the database.'
    if (!a.fail_key) return { changes: [], values: { ansible_facts: { [name]: { [a.key ?? 'null']: null } }, msg } }
    throw new ModuleError(msg)
  }
  if (state.exitCode === 1) throw new ModuleError('Missing arguments, or database unknown.')
  if (state.exitCode === 3) throw new ModuleError('Enumeration not supported on this database.')
  if (state.exitCode === 127) throw new ModuleError('Failed to find required executable "getent" on the host')
  throw new ModuleError('Unexpected failure!')
}

/** Reads a name-service database with `getent` and returns it as facts (ansible.builtin.getent); never changes anything. */
export const getent = defineModule({
  name: 'getent',
  gathersAhead: true,
  args,
  description: 'Read a name-service database (passwd, group, hosts, …) with getent into ansible_facts.getent_<database>',
  example: 'getent:\n  database: passwd\n  key: etcd\n  fail_key: false',
  async gather(ctx, a: GetentArgs): Promise<GetentState> {
    const command = sh`getent ${a.service === undefined ? [] : ['-s', a.service]} -- ${a.database} ${a.key === undefined ? [] : [a.key]}`
    const { exitCode, stdout } = await ctx.conn.exec(command, { allowFailure: true, text: true })
    return { exitCode, stdout }
  },
  plan: planGetent,
  apply: () => Promise.resolve(),
})
