// - name: keep the swap file out of fstab (kubelet refuses to run with swap)
//   mount:
//     path: none
//     src: /swapfile
//     fstype: swap
//     state: absent
// - mount:
//     path: /var/lib/etcd
//     src: /dev/vdb1
//     fstype: ext4
//     opts: noatime
//     state: mounted
import { z } from 'zod'
import { sh } from '../engine/connection/index.js'
import { ModuleError } from '../engine/errors.js'
import { defineModule, type Change, type ModuleContext } from '../engine/module.js'
import { text, yamlBool } from './lib/args.js'
import { activeSwaps, escapeFstab, mountPoints, removeEntry, setEntry, findEntry, type FstabEntry } from './lib/fstab.js'
import { splitSections } from './lib/getent.js'
import { withAliases } from './lib/packages.js'

const args = withAliases(
  z
    .object({
      path: z.string().min(1).describe('The mount point; `none` for swap entries (alias name)'),
      src: z.string().optional().describe('Device, UUID=…, or file to mount; required for present and mounted'),
      fstype: z.string().optional().describe('File system type (`swap` for swap); required for present and mounted'),
      opts: z.string().default('defaults').describe('Mount options'),
      dump: text.default('0').describe('fstab dump field'),
      passno: text.default('0').describe('fstab fsck pass field'),
      state: z.enum(['mounted', 'unmounted', 'present', 'absent', 'remounted']).describe('mounted: in fstab and mounted (swap: swapon, where ansible-core fails); present: only in fstab; unmounted: not mounted, fstab untouched; absent: out of fstab, unmounted, mount point removed (swap: only out of fstab); remounted: remount now'),
      fstab: z.string().default('/etc/fstab').describe('The fstab file to edit'),
      boot: yamlBool.default(true).describe('Mount at boot; false adds noauto to the options'),
    })
    .strict()
    .superRefine((a, ctx) => {
      if (a.state !== 'present' && a.state !== 'mounted') return
      for (const key of ['src', 'fstype'] as const) {
        if (a[key] === undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `state is ${a.state} but all of the following are missing: ${key}` })
      }
    }),
  { name: 'path' },
)

type MountArgs = z.output<typeof args>

/** fstab's text, whether path (or the swap source) is active, and whether the mount point directory exists. */
export interface MountState {
  readonly fstab: string
  readonly mounted: boolean
  readonly directory: boolean
}

type MountChange = Change & { readonly kind: 'fstab' | 'mkdir' | 'rmdir' | 'mount' | 'umount' | 'remount' | 'swapon'; readonly content?: string }

const isSwap = (a: MountArgs): boolean => a.fstype === 'swap'

/** The fstab entry the arguments describe, escaped; boot false adds noauto as ansible.posix.mount does. */
export function wantedEntry(a: MountArgs): FstabEntry {
  let opts = a.opts.split(',').filter((o) => o !== 'noauto')
  if (!a.boot) opts.push('noauto')
  if (opts.length === 0) opts = ['defaults']
  return { src: escapeFstab(a.src ?? ''), name: escapeFstab(a.path), fstype: a.fstype ?? '', opts: opts.join(','), dump: a.dump, passno: a.passno }
}

async function gather(ctx: ModuleContext, a: MountArgs): Promise<MountState> {
  const script = sh`echo --tsplay-fstab--; cat -- ${a.fstab} 2>/dev/null; echo; echo --tsplay-mounts--; cat /proc/self/mounts; echo --tsplay-swaps--; cat /proc/swaps 2>/dev/null
echo --tsplay-dir--; if [ -d ${a.path} ]; then echo yes; fi`
  const sections = splitSections((await ctx.conn.exec(script)).stdout)
  // The `echo` after cat makes the marker start a line; splitting on lines takes that newline off again.
  const fstab = sections.get('fstab') ?? ''
  const mounted = isSwap(a) ? activeSwaps(sections.get('swaps') ?? '').has(a.src ?? '') : mountPoints(sections.get('mounts') ?? '').has(a.path)
  return { fstab, mounted, directory: (sections.get('dir') ?? '').trim() === 'yes' }
}

/** ansible.posix.mount's decisions for each state; pure. */
export function planMount(a: MountArgs, state: MountState) {
  const want = wantedEntry(a)
  const changes: MountChange[] = []
  let after = state.fstab
  if (a.state === 'absent') {
    // As ansible.posix.mount: only an fstab entry that was there leads to unmounting and removing the
    // mount point; a swap entry (path none) is only taken out of fstab, the swap stays on until reboot.
    if (findEntry(state.fstab, want)) {
      after = removeEntry(state.fstab, want)
      changes.push({ kind: 'fstab', summary: `remove ${a.path}${isSwap(a) ? ` (${a.src})` : ''} from ${a.fstab}`, content: after })
      if (!isSwap(a) && state.mounted) changes.push({ kind: 'umount', summary: `unmount ${a.path}` })
      if (!isSwap(a) && state.directory) changes.push({ kind: 'rmdir', summary: `remove directory ${a.path}` })
    }
  } else if (a.state === 'unmounted') {
    if (!isSwap(a) && state.mounted) changes.push({ kind: 'umount', summary: `unmount ${a.path}` })
  } else if (a.state === 'remounted') {
    changes.push({ kind: 'remount', summary: `remount ${a.path}` })
  } else {
    after = setEntry(state.fstab, want)
    const fstabChanged = after !== state.fstab
    if (fstabChanged) changes.push({ kind: 'fstab', summary: `${findEntry(state.fstab, want) ? 'update' : 'add'} ${a.path} in ${a.fstab}`, content: after })
    if (a.state === 'mounted') {
      if (isSwap(a)) {
        if (!state.mounted) changes.push({ kind: 'swapon', summary: `swapon ${a.src}` })
      } else {
        if (!state.directory) changes.push({ kind: 'mkdir', summary: `create ${a.path}` })
        if (!state.mounted) changes.push({ kind: 'mount', summary: `mount ${a.path}` })
        else if (fstabChanged) changes.push({ kind: 'remount', summary: `remount ${a.path}` })
      }
    }
  }
  const diff = after === state.fstab ? [] : [{ before: state.fstab, after, beforeHeader: `${a.fstab} (content)`, afterHeader: `${a.fstab} (content)` }]
  const values = { name: a.path, src: a.src, fstype: a.fstype, opts: want.opts, dump: a.dump, passno: a.passno, fstab: a.fstab, boot: a.boot }
  return { changes, diff, values }
}

const ERROR_VERB: Record<string, string> = { umount: 'unmounting', rmdir: 'rmdir', mkdir: 'creating', mount: 'mounting', remount: 'remounting', swapon: 'enabling swap on' }

/** Manages fstab entries (swap included) and what is mounted (ansible.posix.mount). */
export const mount = defineModule({
  name: 'mount',
  gathersAhead: true,
  args,
  description: 'Keep a file system or swap entry in fstab and mount or unmount it',
  example: 'mount:\n  path: none\n  src: /swapfile\n  fstype: swap\n  state: absent',
  gather,
  plan: planMount,
  async apply(ctx, plan, a) {
    const table = a.fstab === '/etc/fstab' ? [] : ['-T', a.fstab]
    for (const change of plan.changes) {
      if (change.kind === 'fstab') {
        await ctx.conn.writeFile(a.fstab, change.content ?? '')
        continue
      }
      const command = {
        mkdir: sh`mkdir -p -- ${a.path}`,
        mount: sh`mount ${table} -- ${a.path}`,
        umount: sh`umount -- ${a.path}`,
        // A remount that fails falls back to unmount and mount, as ansible.posix.mount does.
        remount: sh`mount -o remount ${table} -- ${a.path} || { umount -- ${a.path} && mount ${table} -- ${a.path}; }`,
        rmdir: sh`rmdir -- ${a.path}`,
        swapon: sh`swapon -- ${a.src ?? ''}`,
      }[change.kind]
      const result = await ctx.conn.exec(command, { allowFailure: true })
      if (result.exitCode !== 0) throw new ModuleError(`Error ${ERROR_VERB[change.kind]} ${a.path}: ${result.stderr.trim()}`, plan.values ?? {})
    }
  },
})
