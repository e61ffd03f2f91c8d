import { and, type Command, sh } from '../../engine/connection/index.js'
import type { AttrRequest, OwnerIds } from './file-attrs.js'


const isId = (v: string): boolean => /^\d+$/.test(v)

/** Shell lines printing `ids-owner N`, `ids-group N` (empty when unknown) and `ids-self UID GID`, for the names asked for (`self`: always). */
export function idScript(r: AttrRequest, self = false): Command {
  const lines: Command[] = []
  if (r.owner !== undefined && !isId(r.owner)) lines.push(sh`echo "ids-owner $(getent passwd -- ${r.owner} | cut -d: -f3)"`)
  if (r.group !== undefined && !isId(r.group)) lines.push(sh`echo "ids-group $(getent group -- ${r.group} | cut -d: -f3)"`)
  if (self || r.owner !== undefined || r.group !== undefined) lines.push(sh`echo "ids-self $(id -u) $(id -g)"`)
  return lines.length === 0 ? sh`:` : and(...lines)
}

/** The ids `idScript` printed, with ids given as digits taken as they are. */
export function parseIds(stdout: string, r: AttrRequest): OwnerIds {
  const line = (key: string): string | undefined => new RegExp(`^ids-${key} ?(.*)$`, 'm').exec(stdout)?.[1]
  const id = (value: string | undefined, key: string): number | undefined => {
    if (value === undefined) return undefined
    if (isId(value)) return Number(value)
    const found = line(key)
    return found !== undefined && /^\d+$/.test(found) ? Number(found) : undefined
  }
  const self = /^(\d+) (\d+)$/.exec(line('self') ?? '')
  const uid = id(r.owner, 'owner')
  const gid = id(r.group, 'group')
  return { ...(uid === undefined ? {} : { uid }), ...(gid === undefined ? {} : { gid }), ...(self ? { self: { uid: Number(self[1]), gid: Number(self[2]) } } : {}) }
}

/** Ansible's message for an owner or group name the host cannot resolve, or undefined when both resolve. */
export function unknownIdMessage(r: AttrRequest, ids: OwnerIds): string | undefined {
  if (r.owner !== undefined && ids.uid === undefined) return `chown failed: failed to look up user ${r.owner}`
  if (r.group !== undefined && ids.gid === undefined) return `chgrp failed: failed to look up group ${r.group}`
  return undefined
}
