// - name: rotate the app's logs at night
//   cron:
//     name: logrotate app
//     user: app
//     minute: '15'
//     hour: '3'
//     job: /usr/sbin/logrotate /etc/app/logrotate.conf
import { posix } from 'node:path'
import { z } from 'zod'
import { type Command, type Connection, raw, sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { type Change, defineModule, type ModuleContext, type Plan } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { cronNames, editCrontab, readUserCrontab, renderCrontab, splitLines } from './lib/crontab.js'
import { withAliases } from './lib/packages.js'

const field = (what: string) => text.default('*').describe(what)

const args = withAliases(
  z
    .object({
      name: z.string().describe('the job\'s name, kept in the `#Ansible: NAME` line above it (with env, the variable\'s name)'),
      user: z.string().min(1).optional().describe("whose crontab; default: the (become) user's. Required with cron_file"),
      job: text.optional().describe('the command (with env, the value); required for state present'),
      cron_file: z.string().min(1).optional().describe('a file under /etc/cron.d (or an absolute path) instead of the user crontab'),
      state: z.enum(['present', 'absent']).default('present').describe('whether the job (or variable) should be there'),
      backup: yamlBool.default(false).describe('keep a copy of the crontab as it was in a temporary file (backup_file)'),
      minute: field('minute field'),
      hour: field('hour field'),
      day: field('day of month field'),
      month: field('month field'),
      weekday: field('day of week field'),
      special_time: z.enum(['reboot', 'yearly', 'annually', 'monthly', 'weekly', 'daily', 'hourly']).optional().describe('@reboot, @daily… instead of the time fields'),
      disabled: yamlBool.default(false).describe('write the job commented out'),
      env: yamlBool.default(false).describe('manage a NAME="job" variable line instead of a job'),
      insertafter: z.string().optional().describe('with env: put a new variable after this one'),
      insertbefore: z.string().optional().describe('with env: put a new variable before this one'),
    })
    .strict()
    .superRefine((a, ctx) => {
      if (a.insertafter !== undefined && a.insertbefore !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['insertbefore'], message: 'parameters are mutually exclusive: insertafter|insertbefore' })
    }),
  { value: 'job', dom: 'day', dow: 'weekday' },
)

type Args = z.output<typeof args>

/** What the host has: whether crontab exists, the crontab's text (and `crontab -l`'s exit code), whether cron_file is a file. */
export interface CronState {
  readonly bin: boolean
  readonly path: string
  readonly fileExists: boolean
  readonly rc: number
  readonly text: string
}

/** Write the crontab (or the cron_file), or remove a cron_file left empty; `backup` is the old text to keep. */
export interface CronChange extends Change {
  readonly kind: 'write' | 'remove'
  readonly text: string
  readonly backup: string | undefined
}

/** The cron_file's path: relative names live in /etc/cron.d. */
const cronFilePath = (name: string): string => (name.startsWith('/') ? name : posix.join('/etc/cron.d', name))

/** `crontab` for the user: `-u` only for another user than the one running, as Ansible (a user may not `-u` itself everywhere). */
const crontab = (a: Args, operands: string[]): Command =>
  a.user === undefined ? sh`crontab ${operands}` : sh`if [ "$(id -un)" != ${a.user} ]; then crontab -u ${a.user} ${operands}; else crontab ${operands}; fi`

const RC = '\n--tsplay-rc-- '

/** Read the crontab (or cron_file) in one round trip; the text comes last, its exit code after it. */
export async function gatherCron(conn: Connection, a: Args): Promise<CronState> {
  const path = a.cron_file === undefined ? '' : cronFilePath(a.cron_file)
  const read = a.cron_file === undefined
    ? sh`echo nofile; echo --tsplay-crontext--; ${raw(crontab(a, ['-l']))}; printf ${`${RC}%s\n`} "$?"`
    : sh`f=${path}; if [ -f "$f" ]; then echo file; else echo nofile; fi; echo --tsplay-crontext--; cat -- "$f" 2>/dev/null; printf ${`${RC}%s\n`} 0`
  const { stdout } = await conn.exec(sh`if command -v crontab >/dev/null 2>&1; then echo bin; else echo nobin; fi
${raw(read)}`)
  return { ...parseGathered(stdout), path }
}

/** Parse the gather's output (without the path, which the arguments decide). */
export function parseGathered(stdout: string): Omit<CronState, 'path'> {
  const start = stdout.indexOf('--tsplay-crontext--\n')
  const end = stdout.lastIndexOf(RC)
  const [bin, file] = stdout.slice(0, start).split('\n')
  return { bin: bin === 'bin', fileExists: file === 'file', rc: Number(stdout.slice(end + RC.length).trim()), text: stdout.slice(start + '--tsplay-crontext--\n'.length, end) }
}

/** Plan the edit as Ansible's cron; pure. */
export function planCron(a: Args, s: CronState, check: boolean): Plan<CronChange> {
  if (a.cron_file === '/etc/crontab') throw new ModuleError('Will not manage /etc/crontab via cron_file, see documentation.')
  if (!s.bin) throw new ModuleError('Failed to find required executable "crontab" in paths')
  if (a.cron_file === undefined && s.rc !== 0 && s.rc !== 1) throw new ModuleError('Unable to read crontab')
  const { lines, existing } = a.cron_file === undefined ? readUserCrontab(s.text) : { lines: splitLines(s.text), existing: s.text }
  const header = a.cron_file !== undefined ? s.path : a.user !== undefined ? `crontab for user "${a.user}"` : 'crontab'
  const edit = editCrontab(a, lines, existing)
  const backup = a.backup && !check ? renderCrontab(lines) : undefined
  if (edit.removeFile) {
    const change: CronChange = { kind: 'remove', summary: `remove ${s.path}`, text: '', backup: undefined }
    return { changes: check && !s.fileExists ? [] : [change], diff: [{ before: existing, after: '', beforeHeader: header, afterHeader: '/dev/null' }], values: { cron_file: a.cron_file, state: a.state } }
  }
  const values = { ...cronNames(edit.lines), ...(edit.warnings.length > 0 ? { warnings: edit.warnings } : {}), ...(a.cron_file !== undefined ? { cron_file: a.cron_file } : {}) }
  if (!edit.changed) return { changes: [], values }
  const after = renderCrontab(edit.lines)
  const what = a.env ? `variable ${a.name}` : `job ${a.name}`
  const change: CronChange = { kind: 'write', summary: `${a.state === 'present' ? 'set' : 'remove'} ${what} in ${header}`, text: after, backup }
  return { changes: [change], diff: [{ before: existing, after, beforeHeader: header, afterHeader: header }], values }
}

/** Keep the old text in a temporary file, as Ansible's backup (`crontabXXXXXXXX` in the temporary directory). */
async function keepBackup(ctx: ModuleContext, text: string): Promise<string> {
  const result = await ctx.conn.exec(sh`b=$(mktemp -p "\${TMPDIR:-/tmp}" crontabXXXXXXXX) && cat > "$b" && printf '%s\\n' "$b"`, { stdin: text })
  return result.stdout.trim()
}

/** Installs, updates or removes a `#Ansible: NAME` job or a variable in a crontab (Ansible's `cron`). */
export const cron = defineModule({
  name: 'cron',
  args,
  description: 'manage cron jobs and variables in a crontab or a file under /etc/cron.d',
  example: "cron:\n  name: nightly backup\n  hour: '2'\n  minute: '0'\n  job: /usr/local/bin/backup",
  gather: (ctx, a: Args) => gatherCron(ctx.conn, a),
  plan: (a: Args, s: CronState, ctx) => planCron(a, s, ctx.check),
  async apply(ctx, plan, a: Args) {
    const change = plan.changes[0]
    if (change === undefined) return
    const path = a.cron_file === undefined ? '' : cronFilePath(a.cron_file)
    if (change.kind === 'remove') {
      await ctx.conn.exec(sh`rm -f -- ${path}`)
      return
    }
    const backup = change.backup === undefined ? undefined : await keepBackup(ctx, change.backup)
    const write = a.cron_file === undefined ? crontab(a, ['-']) : sh`umask 022; cat > ${path}`
    const result = await ctx.conn.exec(write, { stdin: change.text, allowFailure: true })
    if (result.exitCode !== 0) throw new ModuleError(result.stderr.trim() || `cannot write ${a.cron_file ?? 'the crontab'}`)
    return backup === undefined ? {} : { backup_file: backup }
  },
})
