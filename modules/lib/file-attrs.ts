import { z } from 'zod'
import { and, type Command, sh } from '../../engine/connection/index.js'
import type { Change } from '../../engine/module.js'
import { fileMode, yamlBool } from './args.js'
import type { FileState } from './file-state.js'

/**
 * Ansible's SELinux file arguments and unsafe_writes: accepted and, as ansible-core does on a host without SELinux
 * (Debian's default), ignored; tsplay ignores them everywhere (see `tsplay doc`).
 */
function selinuxArgs() {
  const ignored = (what: string) => z.string().optional().describe(`SELinux ${what} of the result; accepted and ignored (as ansible on a host without SELinux)`)
  return {
    seuser: ignored('user'),
    serole: ignored('role'),
    setype: ignored('type'),
    selevel: ignored('level'),
    unsafe_writes: yamlBool.default(false).describe('accepted for ansible compatibility; tsplay always writes atomically'),
  }
}

/** The `mode`/`owner`/`group` arguments every file-writing module shares, as Ansible's file common arguments. */
export const attrArgs = {
  mode: fileMode.optional().describe("permissions of the result: octal string ('0644') or symbolic ('u=rw,g=r,o=r')"),
  owner: z.string().optional().describe('name (or numeric id) of the user that should own the result'),
  group: z.string().optional().describe('name (or numeric id) of the group that should own the result'),
  ...selinuxArgs(),
}

/**
 * The numeric ids behind `owner` and `group`, as ansible-core resolves them before comparing (and shows them in
 * its diff); `undefined` for a name the host does not know. `self` is the connection user's uid and gid, which a
 * path created by the task gets.
 */
export interface OwnerIds {
  readonly uid?: number
  readonly gid?: number
  readonly self?: { readonly uid: number; readonly gid: number }
}

/** The attribute values a module asks for. */
export interface AttrRequest {
  readonly mode?: string | undefined
  readonly owner?: string | undefined
  readonly group?: string | undefined
}

/** One attribute to set on one path. */
export interface AttrChange extends Change {
  readonly kind: 'mode' | 'owner' | 'group'
  readonly path: string
  /** The value for chmod (four octal digits), chown or chgrp. */
  readonly value: string
  readonly before: string
  /** For owner and group when their ids are known: the uid/gid before and after, which Ansible's diff shows. */
  readonly ids?: { readonly before: number; readonly after: number }
}

const PERM_BITS = 0o7777
const OPERATOR = /[-+=]/

/**
 * The mode a chmod-style `mode` gives a file whose mode is now `current`, exactly as Ansible computes it:
 * octal strings replace the bits; symbolic clauses apply in order, `X` counts for directories and files
 * already executable by someone, and a clause without `u`/`g`/`o`/`a` leaves the bits set in `umask` alone.
 */
export function resolveMode(mode: string, current: number, isDirectory: boolean, umask: number): number {
  if (/^[0-7]+$/.test(mode)) return parseInt(mode, 8) & PERM_BITS
  let result = current & PERM_BITS
  for (const clause of mode.split(',')) {
    const parts = clause.split(OPERATOR)
    const operators = clause.match(/[-+=]/g) ?? []
    const who = parts.shift() ?? ''
    const useUmask = who === ''
    const users = who === '' || who.includes('a') ? 'ugo' : who
    parts.forEach((perms, i) => {
      for (const user of users) {
        const bits = permBits(user as 'u' | 'g' | 'o', perms, result, isDirectory, useUmask ? umask : 0)
        result = applyOperator(user as 'u' | 'g' | 'o', operators[i]!, bits, result)
      }
    })
  }
  return result
}

const SHIFT = { u: 6, g: 3, o: 0 } as const
const SPECIAL = { u: 0o4000, g: 0o2000, o: 0o1000 } as const

function permBits(user: 'u' | 'g' | 'o', perms: string, previous: number, isDirectory: boolean, umask: number): number {
  const keep = ~umask & PERM_BITS
  const shift = SHIFT[user]
  const applyX = isDirectory || (previous & 0o111) !== 0
  let bits = 0
  for (const p of perms) {
    if (p === 'r') bits |= (0o4 << shift) & keep
    else if (p === 'w') bits |= (0o2 << shift) & keep
    else if (p === 'x' || (p === 'X' && applyX)) bits |= (0o1 << shift) & keep
    else if (p === 's' && user !== 'o') bits |= SPECIAL[user]
    else if (p === 't' && user === 'o') bits |= SPECIAL.o
    else if (p === 'u' || p === 'g' || p === 'o') bits |= ((previous >> SHIFT[p]) & 0o7) << shift
  }
  return bits
}

function applyOperator(user: 'u' | 'g' | 'o', operator: string, bits: number, current: number): number {
  if (operator === '+') return current | bits
  if (operator === '-') return current & ~bits
  const mask = (0o7 << SHIFT[user]) | SPECIAL[user]
  return (current & (mask ^ PERM_BITS)) | bits
}

/** Four-digit octal text of a mode, as Ansible returns `mode`. */
export const octal = (mode: number): string => mode.toString(8).padStart(4, '0')

const differs = (wanted: string, name: string | undefined, id: number | undefined): boolean =>
  /^\d+$/.test(wanted) ? Number(wanted) !== id : wanted !== name

/**
 * The attribute changes that bring `state` (an existing path, or what a new one will look like) to `request`.
 * Owner and group compare by name, or by id when given as digits; with `ids` (the host's ids of the names, as
 * ansible-core resolves them) always by id, and the change carries both ids for the diff.
 */
export function planAttrs(request: AttrRequest, state: FileState, umask: number, ids?: OwnerIds): AttrChange[] {
  const changes: AttrChange[] = []
  const path = state.path
  const byId = (wanted: string, id: number | undefined, name: string | undefined, current: number | undefined) =>
    ids !== undefined && id !== undefined && current !== undefined ? { differs: id !== current, ids: { before: current, after: id } } : { differs: differs(wanted, name, current) }
  const owner = request.owner === undefined ? undefined : byId(request.owner, ids?.uid, state.owner, state.uid)
  if (request.owner !== undefined && owner!.differs) {
    changes.push({ kind: 'owner', path, value: request.owner, before: state.owner ?? '', summary: `set owner of ${path} ${state.owner ?? '?'} → ${request.owner}`, ...(owner!.ids ? { ids: owner!.ids } : {}) })
  }
  const group = request.group === undefined ? undefined : byId(request.group, ids?.gid, state.group, state.gid)
  if (request.group !== undefined && group!.differs) {
    changes.push({ kind: 'group', path, value: request.group, before: state.group ?? '', summary: `set group of ${path} ${state.group ?? '?'} → ${request.group}`, ...(group!.ids ? { ids: group!.ids } : {}) })
  }
  if (request.mode !== undefined && request.mode !== 'preserve') {
    const current = parseInt(state.mode ?? '0', 8)
    const wanted = resolveMode(request.mode, current, state.type === 'directory', umask)
    if (wanted !== current) {
      changes.push({ kind: 'mode', path, value: octal(wanted), before: octal(current), summary: `set mode of ${path} ${octal(current)} → ${octal(wanted)}` })
    }
  }
  return changes
}

/** Commands that perform attribute changes (owner before mode, since chown may clear setuid bits). */
export function attrCommand(changes: readonly AttrChange[], follow = true): Command | undefined {
  const noDeref = follow ? [] : ['-h']
  const commands = changes.map((c) => {
    if (c.kind === 'owner') return sh`chown ${noDeref} -- ${c.value} ${c.path}`
    if (c.kind === 'group') return sh`chgrp ${noDeref} -- ${c.value} ${c.path}`
    return sh`chmod -- ${c.value} ${c.path}`
  })
  const order = { owner: 0, group: 1, mode: 2 }
  const sorted = commands.map((cmd, i) => ({ cmd, rank: order[changes[i]!.kind] })).sort((a, b) => a.rank - b.rank)
  return sorted.length === 0 ? undefined : and(...sorted.map((s) => s.cmd))
}

/** chown/chgrp/chmod of the temp file `"$t"` a write is about to rename into place, for the attributes asked for. */
export function tempAttrCommands(request: AttrRequest): Command[] {
  return [
    ...(request.owner === undefined ? [] : [sh`chown -- ${request.owner} "$t"`]),
    ...(request.group === undefined ? [] : [sh`chgrp -- ${request.group} "$t"`]),
    ...(request.mode === undefined ? [] : [sh`chmod -- ${request.mode} "$t"`]),
  ]
}

/** The before/after fields Ansible puts in a diff for attribute changes (`mode`, and `owner`/`group` as ids when known). */
export function attrDiffFields(changes: readonly AttrChange[]): { before: Record<string, string | number>; after: Record<string, string | number> } {
  const before: Record<string, string | number> = {}
  const after: Record<string, string | number> = {}
  for (const c of changes) {
    before[c.kind] = c.ids?.before ?? c.before
    after[c.kind] = c.ids?.after ?? c.value
  }
  return { before, after }
}

/** Dict diffs as Ansible's callback prints them (moved to file-diff.ts; kept here for the modules importing it from here). */
export { jsonDiffText } from './file-diff.js'
