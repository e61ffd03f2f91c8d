import type { Sections } from './script.js'
import { lines, type Facts } from './system.js'


/** processor, processor_count/cores/threads_per_core/vcpus/nproc, ported from Ansible's /proc/cpuinfo reading. */
export function cpuFacts(s: Sections, architecture: string): Facts {
  const cpuinfo = s.get('/proc/cpuinfo')
  if (cpuinfo === undefined) return {}
  const processor: string[] = []
  let i = 0
  let vendorIds = 0
  let modelNames = 0
  let processors = 0
  let physid = '0'
  let coreid = '0'
  const sockets = new Map<string, number>()
  const cores = new Map<string, number>()
  const xen = (s.get('vexists') ?? '').split('\n').includes('/proc/xen') || (s.get('/sys/hypervisor/type') ?? '').trim() === 'xen'
  let xenParavirt = false
  const facts: Facts = {}
  for (const line of lines(cpuinfo)) {
    const at = line.indexOf(':')
    const key = (at < 0 ? line : line.slice(0, at)).trim()
    const value = at < 0 ? '' : line.slice(at + 1).trim()
    if (xen && key === 'flags' && !value.includes('vme')) xenParavirt = true
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(value)
      if (key === 'vendor_id') vendorIds++
      if (key === 'model name') modelNames++
      if (key === 'processor') processors++
      i++
    } else if (key === 'physical id') {
      physid = value
      if (!sockets.has(physid)) sockets.set(physid, 1)
    } else if (key === 'core id') {
      coreid = value
      // Ansible checks `sockets` here, not `cores`; kept so the numbers agree with it.
      if (!sockets.has(coreid)) cores.set(coreid, 1)
    } else if (key === 'cpu cores') sockets.set(physid, Number(value))
    else if (key === 'siblings') cores.set(coreid, Number(value))
    else if (key === '# processors') facts.processor_cores = Number(value)
    else if (key === 'ncpus active') i = Number(value)
  }
  if (vendorIds > 0 && vendorIds === modelNames) i = vendorIds
  if (/^(armv|aarch|ppc)/.test(architecture)) i = processors
  facts.processor = processor
  if (xenParavirt) return { ...facts, processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i }
  const count = sockets.size > 0 ? sockets.size : i
  const firstSocket = [...sockets.values()][0]
  const coresPerSocket = firstSocket ? firstSocket : 1
  const firstCore = [...cores.values()][0]
  const threads = Math.floor((firstCore ?? 1) / coresPerSocket)
  const nproc = s.has('nproc') ? Number.parseInt(s.get('nproc')!.trim(), 10) : allowedCpus(s.get('/proc/self/status'))
  return {
    ...facts,
    processor_count: count,
    processor_cores: coresPerSocket,
    processor_threads_per_core: threads,
    processor_vcpus: threads * count * coresPerSocket,
    processor_nproc: Number.isNaN(nproc) ? processors : nproc,
  }
}

// How many CPUs the process may run on (what `nproc` and Python's sched_getaffinity count): Cpus_allowed_list.
function allowedCpus(status: string | undefined): number {
  const list = /^Cpus_allowed_list:\s*(\S+)/m.exec(status ?? '')?.[1]
  if (list === undefined) return Number.NaN
  return list.split(',').reduce((n, range) => {
    const [from, to = from] = range.split('-').map(Number) as [number, number?]
    return n + (to - from + 1)
  }, 0)
}

/** memtotal_mb, memfree_mb, swaptotal_mb, swapfree_mb and memory_mb, in MiB rounded down as Ansible does. */
export function memoryFacts(s: Sections): Facts {
  const meminfo = s.get('/proc/meminfo')
  if (meminfo === undefined) return {}
  const mb = new Map<string, number>()
  for (const line of lines(meminfo)) {
    const [key = '', rest = ''] = line.split(':', 2)
    mb.set(key.toLowerCase(), Math.floor(Number(rest.trim().split(' ')[0]) / 1024))
  }
  const get = (k: string): number | null => mb.get(k) ?? null
  const total = get('memtotal')
  const free = get('memfree')
  const nocacheFree = [get('cached'), free, get('buffers')].every((v) => v !== null) ? get('cached')! + free! + get('buffers')! : null
  return {
    memtotal_mb: total,
    memfree_mb: free,
    swaptotal_mb: get('swaptotal'),
    swapfree_mb: get('swapfree'),
    memory_mb: {
      real: { total, used: total !== null && free !== null ? total - free : null, free },
      nocache: { free: nocacheFree, used: total !== null && nocacheFree !== null ? total - nocacheFree : null },
      swap: {
        total: get('swaptotal'),
        free: get('swapfree'),
        used: get('swaptotal') !== null && get('swapfree') !== null ? get('swaptotal')! - get('swapfree')! : null,
        cached: get('swapcached'),
      },
    },
  }
}

/** DMI strings (`product_name`, `sys_vendor`, …), "NA" when the host has none, as Ansible reports them. */
export function dmiStrings(s: Sections): Record<string, string> {
  const dmi: Record<string, string> = {}
  for (const line of lines(s.get('dmi'))) {
    const at = line.indexOf('=')
    if (at > 0) dmi[line.slice(0, at)] = line.slice(at + 1).trim()
  }
  return dmi
}

/** bios_*, board_*, chassis_*, product_*, system_vendor facts. */
export function dmiFacts(dmi: Readonly<Record<string, string>>): Facts {
  const facts: Facts = {}
  for (const [key, value] of Object.entries(dmi)) {
    if (key === 'product_family') continue
    facts[key === 'sys_vendor' ? 'system_vendor' : key] = value === '' ? 'NA' : value
  }
  return facts
}

const unescape = (field: string): string => field.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)))

/**
 * `mounts` as Ansible lists them: entries of /proc/mounts backed by a device or a network share, one per mount
 * point (the last wins), `,bind` added for bind mounts, sizes from statfs, uuid from lsblk; plus uptime_seconds
 * and loadavg.
 */
export function mountFacts(s: Sections): Facts {
  const facts: Facts = {}
  const sizes = new Map<string, Record<string, number>>()
  for (const line of lines(s.get('statfs'))) {
    const [mount = '', frsize, bsize, blocks, free, available, files, filesFree] = line.split('|').map((f, i) => (i === 0 ? f : Number(f))) as [string, ...number[]]
    if ([frsize, bsize, blocks, free, available, files, filesFree].some((n) => n === undefined || Number.isNaN(n))) continue
    sizes.set(unescape(mount), {
      size_total: frsize! * blocks!, size_available: frsize! * available!,
      block_size: bsize!, block_total: blocks!, block_available: available!, block_used: blocks! - available!,
      inode_total: files!, inode_available: filesFree!, inode_used: files! - filesFree!,
    })
  }
  const binds = new Set(lines(s.get('findmnt')).map((l) => l.split(/\s+/)).filter((f) => f.length >= 2 && /\]$/.test(f[1]!)).map((f) => f[0]!))
  const uuids = new Map<string, string>()
  for (const line of lines(s.get('lsblk'))) {
    const fields = line.trim().split(/\s+/)
    if (fields.length >= 2 && !uuids.has(fields[0]!)) uuids.set(fields[0]!, fields.at(-1)!)
  }
  const mounts = s.get('/proc/mounts')
  if (mounts !== undefined) {
    const byMount = new Map<string, Record<string, unknown>>()
    for (const line of lines(mounts)) {
      const fields = line.split(/\s+/).map(unescape)
      if (fields.length < 4) continue
      const [device = '', mount = '', fstype = '', options = ''] = fields
      if ((!device.startsWith('/') && !device.startsWith('\\') && !device.includes(':/')) || fstype === 'none') continue
      const bind = binds.has(mount) && !/bind/.test(options)
      byMount.set(mount, { mount, device, fstype, options: bind ? `${options},bind` : options, ...sizes.get(mount), uuid: uuids.get(device) || 'N/A' })
    }
    facts.mounts = [...byMount.values()]
  }
  const uptime = Number.parseFloat(s.get('/proc/uptime') ?? '')
  if (!Number.isNaN(uptime)) facts.uptime_seconds = Math.floor(uptime)
  const load = (s.get('/proc/loadavg') ?? '').split(' ')
  if (load.length >= 3) facts.loadavg = { '1m': Number(load[0]), '5m': Number(load[1]), '15m': Number(load[2]) }
  return facts
}
