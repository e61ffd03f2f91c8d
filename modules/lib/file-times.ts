import { z } from 'zod'
import { and, sh } from '../../engine/connection/shell.js'
import type { Command } from '../../engine/connection/types.js'
import type { FileState } from './file-state.js'

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

/** Shell lines printing the host's epoch seconds for each given timestamp (`epoch-m N`, `epoch-a N`). */
export function epochScript(r: TimeRequest): Command {
  const lines: Command[] = []
  if (r.modification_time && TIMESTAMP.test(r.modification_time)) lines.push(sh`echo "epoch-m $(date -d ${dateText(r.modification_time)} +%s)"`)
  if (r.access_time && TIMESTAMP.test(r.access_time)) lines.push(sh`echo "epoch-a $(date -d ${dateText(r.access_time)} +%s)"`)
  return lines.length === 0 ? sh`:` : and(...lines)
}

/** The epochs `epochScript` printed. */
export function parseEpochs(stdout: string): { m?: number; a?: number } {
  const m = /^epoch-m (\d+)$/m.exec(stdout)
  const a = /^epoch-a (\d+)$/m.exec(stdout)
  return { ...(m ? { m: Number(m[1]) } : {}), ...(a ? { a: Number(a[1]) } : {}) }
}

/**
 * The touch commands that set the requested times on `file` (which exists or is about to be created), or
 * none when every time is preserved or already right. `touching` makes 'now' the default (state touch).
 */
export function planTimes(r: TimeRequest, file: FileState, epochs: { m?: number; a?: number }, touching: boolean): Command[] {
  const fallback = touching ? 'now' : 'preserve'
  const wanted = (value: string | undefined, epoch: number | undefined, current: number | undefined, flag: '-m' | '-a'): Command[] => {
    const v = value ?? fallback
    if (v === 'preserve') return []
    if (v === 'now') return [sh`touch ${flag} -- ${file.path}`]
    return epoch !== undefined && Math.floor(current ?? -1) === epoch ? [] : [sh`touch ${flag} -d ${`@${epoch}`} -- ${file.path}`]
  }
  return [...wanted(r.modification_time, epochs.m, file.mtime, '-m'), ...wanted(r.access_time, epochs.a, file.atime, '-a')]
}
