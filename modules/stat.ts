// - name: is kubelet configured?
//   stat:
//     path: /etc/kubernetes/kubelet.conf
//   register: kubelet_conf
import { z } from 'zod'
import { defineModule } from '../engine/module.js'
import { yamlBool } from './lib/args.js'
import { probeFile, type FileState } from './lib/file-state.js'
import { withAliases } from './lib/packages.js'

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const

const args = withAliases(z.object({
  path: z.string().min(1).describe('path to examine'),
  follow: yamlBool.default(false).describe('describe what a symbolic link points to instead of the link'),
  get_checksum: yamlBool.default(true).describe('compute the checksum of a regular file'),
  checksum_algorithm: z.enum(ALGORITHMS).default('sha1').describe('digest used for checksum'),
  get_mime: yamlBool.default(true).describe("report mimetype and charset (from the host's `file` program)"),
  get_attributes: yamlBool.default(true).describe("report file system attributes (from the host's `lsattr`)"),
  get_md5: yamlBool.default(false).describe('accepted for compatibility (removed from ansible-core); ignored'),
}).strict(), { dest: 'path', name: 'path', checksum: 'checksum_algorithm', checksum_algo: 'checksum_algorithm' })

type Args = z.output<typeof args>

/** Ansible's `stat` dictionary for a probed path. */
export function statDict(s: FileState): Record<string, unknown> {
  if (!s.exists) return { exists: false }
  const mode = parseInt(s.mode ?? '0', 8)
  const bit = (b: number): boolean => (mode & b) !== 0
  const [mimetype, charset] = (s.mime ?? '').split(/;\s*charset=/)
  return {
    exists: true,
    path: s.path,
    mode: s.mode,
    isdir: s.type === 'directory',
    ischr: s.type === 'char',
    isblk: s.type === 'block',
    isreg: s.type === 'file',
    isfifo: s.type === 'fifo',
    islnk: s.type === 'link',
    issock: s.type === 'socket',
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    inode: s.inode,
    dev: s.dev,
    nlink: s.nlink,
    atime: s.atime,
    mtime: s.mtime,
    ctime: s.ctime,
    wusr: bit(0o200), rusr: bit(0o400), xusr: bit(0o100),
    wgrp: bit(0o020), rgrp: bit(0o040), xgrp: bit(0o010),
    woth: bit(0o002), roth: bit(0o004), xoth: bit(0o001),
    isuid: bit(0o4000),
    isgid: bit(0o2000),
    blocks: s.blocks,
    block_size: s.blockSize,
    device_type: s.rdev ?? 0,
    readable: s.readable,
    writeable: s.writeable,
    executable: s.executable,
    pw_name: s.owner,
    gr_name: s.group,
    ...(s.checksum === undefined ? {} : { checksum: s.checksum }),
    ...(s.mime ? { mimetype, charset } : {}),
    ...(s.type === 'link' ? { lnk_source: s.linkSource, lnk_target: s.linkTarget } : {}),
  }
}

// lsattr's letters as ansible-core names them (module_utils/basic.py FILE_ATTRIBUTES).
const FILE_ATTRIBUTES: Readonly<Record<string, string>> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted', h: 'blocksize',
  i: 'immutable', I: 'indexed', j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous', t: 'notail', T: 'blockroot', u: 'undelete',
  X: 'compressedraw', Z: 'compresseddirty',
}

function attributeFields(s: FileState): Record<string, unknown> {
  const flags = s.attrFlags ?? ''
  return { attr_flags: flags, attributes: [...flags].map((f) => FILE_ATTRIBUTES[f] ?? f), version: s.version ?? null }
}

/** Report facts about a path, like Ansible's `stat`; never changes anything. */
export const stat = defineModule({
  name: 'stat',
  gathersAhead: true,
  args,
  description: 'report whether a path exists and what it is (type, mode, owner, size, checksum, link target)',
  example: 'stat:\n  path: /etc/kubernetes/kubelet.conf\nregister: kubelet_conf',
  gather: (ctx, a: Args) => probeFile(ctx.conn, { path: a.path, follow: a.follow, mime: a.get_mime, attributes: a.get_attributes, ...(a.get_checksum ? { checksum: a.checksum_algorithm } : {}) }),
  plan: (a: Args, s: FileState) => ({ changes: [], values: { stat: { ...statDict(s), ...(s.exists && a.get_attributes ? attributeFields(s) : {}) } } }),
  apply: () => Promise.resolve(),
})
