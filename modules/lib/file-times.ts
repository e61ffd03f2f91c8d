import { z } from 'zod'
import { and, type Command, sh } from '../../engine/connection/index.js'
import { type FileState, statTime } from './file-state.js'
import { pathArg } from './path-arg.js'

const DEFAULT_FORMAT = '%Y%m%d%H%M.%S'
const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{2})$/

/** The file module's time arguments, as Ansible names them. */
export const timeArgs = {
  modification_time: z.string().optional().describe("'preserve', 'now', or a time in modification_time_format (default: now for state touch, else preserve)"),
  modification_time_format: z.literal(DEFAULT_FORMAT).default(DEFAULT_FORMAT).describe('format of modification_time (only the default is supported)'),
  access_time: z.string().optional().describe("'preserve', 'now', or a time in access_time_format (default: now for state touch, else preserve)"),
  access_time_format: z.literal(DEFAULT_FORMAT).default(DEFAULT_FORMAT).describe('format of access_time (only the default is supported)'),
}

/** The time arguments a module received. */
export interface TimeRequest {
  readonly modification_time?: string | undefined
  readonly access_time?: string | undefined
}

/** Check a time argument before anything runs: 'preserve', 'now' or `YYYYmmddHHMM.SS`. */
export function validTime(value: string | undefined): boolean {
  return value === undefined || value === 'preserve' || value === 'now' || TIMESTAMP.test(value)
}

/** `date` text for a `YYYYmmddHHMM.SS` timestamp, read by the host in its own time zone, as Ansible does. */
const dateText = (value: string): string => value.replace(TIMESTAMP, '$1-$2-$3 $4:$5:$6')

/**
 * Shell lines printing the host's epoch seconds for each given timestamp (`epoch-m N`, `epoch-a N`), and with
 * `touching` or a 'now' two readings of the host's clock (`epoch-now`), which a diff shows as Ansible's time.time().
 */
export function epochScript(r: TimeRequest, touching = false): Command {
  const lines: Command[] = []
  if (r.modification_time && TIMESTAMP.test(r.modification_time)) lines.push(sh`echo "epoch-m $(date -d ${dateText(r.modification_time)} +%s)"`)
  if (r.access_time && TIMESTAMP.test(r.access_time)) lines.push(sh`echo "epoch-a $(date -d ${dateText(r.access_time)} +%s)"`)
  if (touching || r.modification_time === 'now' || r.access_time === 'now') lines.push(sh`echo "epoch-now $(date +%s.%N) $(date +%s.%N)"`)
  return lines.length === 0 ? sh`:` : and(...lines)
}

/** What `epochScript` printed: the timestamps' epochs and the clock readings. */
export interface Epochs {
  readonly m?: number
  readonly a?: number
  readonly now?: readonly [number, number]
}

/** The epochs `epochScript` printed. */
export function parseEpochs(stdout: string): Epochs {
  const m = /^epoch-m (\d+)$/m.exec(stdout)
  const a = /^epoch-a (\d+)$/m.exec(stdout)
  const now = /^epoch-now (\S+) (\S+)$/m.exec(stdout)
  return { ...(m ? { m: Number(m[1]) } : {}), ...(a ? { a: Number(a[1]) } : {}), ...(now ? { now: [statTime(now[1]), statTime(now[2])] as const } : {}) }
}

/** The touch commands of a time change and the `mtime`/`atime` fields Ansible's diff shows for it (floats, as Python's). */
export interface TimesPlan {
  readonly commands: Command[]
  readonly before: Record<string, number>
  readonly after: Record<string, number>
}

/**
 * The touch commands that set the requested times on `file` (which exists or is about to be created, then
 * without times: it gets the clock's first reading), or none when every time is preserved or already exactly
 * right (ansible-core compares the floats). `touching` makes 'now' the default (state touch).
 */
export function planTimes(r: TimeRequest, file: FileState, epochs: Epochs, touching: boolean): TimesPlan {
  const fallback = touching ? 'now' : 'preserve'
  const [first, later] = epochs.now ?? [Date.now() / 1000, Date.now() / 1000]
  const plan: TimesPlan = { commands: [], before: {}, after: {} }
  const wanted = (value: string | undefined, epoch: number | undefined, current: number | undefined, flag: '-m' | '-a', key: 'mtime' | 'atime'): void => {
    const v = value ?? fallback
    if (v === 'preserve') return
    const previous = current ?? first
    if (v === 'now') plan.commands.push(sh`touch ${flag} -- ${pathArg(file.path)}`)
    else if (epoch !== undefined && previous === epoch) return
    else plan.commands.push(sh`touch ${flag} -d ${`@${epoch}`} -- ${pathArg(file.path)}`)
    plan.before[key] = previous
    plan.after[key] = v === 'now' ? later : epoch!
  }
  wanted(r.modification_time, epochs.m, file.mtime, '-m', 'mtime')
  wanted(r.access_time, epochs.a, file.atime, '-a', 'atime')
  return plan
}
