import type { SourceLocation } from '../errors.js'
import type { HostStats, TaskResult } from './result.js'

/** Everything the runner reports; the reporter is the only consumer that writes to the terminal. */
export type RunEvent =
  | { readonly type: 'play'; readonly name: string; readonly check: boolean }
  /** `location`: where the task is written (absent for the implicit Gathering Facts), for reports that name it. */
  | { readonly type: 'task'; readonly name: string; readonly handler: boolean; readonly hosts: readonly string[]; readonly location?: SourceLocation }
  | { readonly type: 'result'; readonly result: TaskResult; readonly taskName: string }
  | { readonly type: 'item'; readonly result: TaskResult; readonly taskName: string }
  | { readonly type: 'retry'; readonly host: string; readonly taskName: string; readonly retriesLeft: number; readonly result: TaskResult }
  /** An async job polled and not finished yet (`poll`), or found finished (`ok`/`failed`), as ansible's callback shows it. */
  | { readonly type: 'async'; readonly host: string; readonly phase: 'poll' | 'ok' | 'failed'; readonly jid: string; readonly started?: unknown; readonly finished?: unknown }
  | { readonly type: 'included'; readonly file: string; readonly hosts: readonly string[]; readonly label?: string }
  | { readonly type: 'no-hosts'; readonly pattern: string }
  | { readonly type: 'no-more-hosts' }
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'verbose'; readonly level: number; readonly message: string }
  | { readonly type: 'recap'; readonly stats: ReadonlyMap<string, HostStats> }

/** Receives run events in order. */
export type EventSink = (event: RunEvent) => void
