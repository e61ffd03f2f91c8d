import { TemplateError } from '../../errors.js'
import { pythonRepr, pythonStr, pythonTruthy } from '../../python/index.js'
import { bindArgs } from '../args.js'
import type { Filter } from './types.js'
import { ipaddr } from './ipaddr.js'
import { bits, cidr, first, format, last, parseAddress, parseNet, size, type Net } from './net.js'

// ansible.utils' IP arithmetic filters: ipmath, ipsubnet, nthhost, next/previous_nth_usable,
// network_in_usable, network_in_network, cidr_merge, usable_range, ip4_hex — each as its plugin does it.

const parse = (text: string): Net => parseNet(text)!
const net = (version: 4 | 6, ip: bigint, prefix: number): Net => ({ version, ip, prefix })

/** The value as ipaddr normalises it for these filters: an address keeps its host part, a network is its subnet. */
function normalised(value: unknown): string | undefined {
  const vtype = ipaddr(value, 'type')
  if (vtype === 'address') return ipaddr(value, 'cidr') as string
  if (vtype === 'network') return ipaddr(value, 'subnet') as string
  return undefined
}

function ipmath(value: unknown, amount: unknown): string {
  const text = pythonStr(value)
  const v = text.includes('/') ? parseNet(text) : parseAddress(text)
  if (!v) throw new TemplateError(`You must pass a valid IP address; ${text} is invalid`)
  if (typeof amount !== 'number' || !Number.isInteger(amount)) throw new TemplateError(`You must pass an integer for arithmetic; ${pythonStr(amount)} is not a valid integer`)
  const ip = v.ip + BigInt(amount)
  if (ip < 0n || ip >= 1n << BigInt(bits(v))) throw new TemplateError('result outside valid IP address boundary!')
  return format(v.version, ip)
}

function ipsubnet(value: unknown, ...args: unknown[]): unknown {
  const [queryArg = '', indexArg] = bindArgs('ipsubnet', args, ['query', 'index'])
  const normal = normalised(value)
  if (normal === undefined) return false
  const v0 = parse(normal)
  const v = { ...v0, ip: first(v0) }
  const vtype = ipaddr(cidr(v), 'type')
  const query = pythonStr(queryArg)
  if (query === '') return cidr(v)
  const total = bits(v)
  if (/^\d+$/.test(query)) {
    const q = Number(query)
    if (q > total) return false
    if (indexArg === undefined || indexArg === null) {
      if (vtype === 'address') return cidr(net(v.version, v.ip & ~((1n << BigInt(total - q)) - 1n), q))
      if (q < v.prefix) throw new TemplateError(`Requested subnet size of ${q} is invalid`)
      return String(2n ** BigInt(q - v.prefix))
    }
    let index = Number(indexArg)
    if (vtype === 'address') {
      // netaddr's supernet(q): the enclosing networks from /q down to /(width-1); the index picks one.
      if (index > total + 1 - index || index < q - total) return false
      const supernets = Array.from({ length: Math.max(0, total - q) }, (_, i) => q + i)
      const prefix = supernets.at(index)
      if (prefix === undefined) throw new TemplateError('list index out of range')
      return cidr(net(v.version, v.ip & ~((1n << BigInt(total - prefix)) - 1n), prefix))
    }
    const subnets = 2 ** (q - v.prefix)
    if (index < 0) index += subnets
    if (index < 0 || index >= subnets) return false
    return cidr(net(v.version, v.ip + (BigInt(index) << BigInt(total - q)), q))
  }
  const within = normalised(query)
  if (within === undefined) throw new TemplateError(`You must pass a valid subnet or IP address; ${query} is invalid`)
  const w = parse(within)
  const wp = BigInt(total - w.prefix)
  if (v.ip >> wp === w.ip >> wp) {
    const shift = BigInt(total - v.prefix)
    return String(((v.ip & (((1n << BigInt(v.prefix - w.prefix)) - 1n) << shift)) >> shift) + 1n)
  }
  throw new TemplateError(`${cidr(v)} is not in the subnet ${cidr({ ...w, ip: first(w) })}`)
}

function nthhost(value: unknown, query: unknown): unknown {
  const normal = normalised(value)
  if (normal === undefined || !pythonTruthy(query)) return false
  if (!/^-?\d+$/.test(pythonStr(query))) return false
  const v = parse(normal)
  const nth = BigInt(pythonStr(query))
  if (nth >= size(v)) return false
  if (-nth > size(v)) throw new TemplateError('index out range for address range size!')
  return format(v.version, nth < 0n ? last(v) + 1n + nth : first(v) + nth)
}

function nthUsable(direction: 1n | -1n): Filter {
  return (value, offset) => {
    const normal = normalised(value)
    if (normal === undefined) return false
    if (typeof offset !== 'number' || !Number.isInteger(offset)) throw new TemplateError('Must pass in an integer')
    const v = parse(normal)
    if (size(v) <= 1n) return null
    const [lo, hi] = size(v) === 2n ? [first(v), last(v)] : [first(v) + 1n, last(v) - 1n]
    const ip = v.ip + direction * BigInt(offset)
    return ip >= lo && ip <= hi ? format(v.version, ip) : null
  }
}

/** Whether `test` lies inside `value`; `usable` leaves out the network and broadcast addresses of `value`. */
function networkIn(usable: boolean): Filter {
  return (value, test) => {
    const v = normalised(value)
    const w = normalised(test)
    const int = (...answers: unknown[]): bigint => BigInt(ipaddr(answers.find(pythonTruthy) ?? false, 'int') as number)
    try {
      const vFirst = int(ipaddr(v, usable ? 'first_usable' : 'network'), ipaddr(v, 'address'))
      const vLast = int(ipaddr(v, usable ? 'last_usable' : 'broadcast'), ipaddr(v, 'address'))
      const wFirst = int(ipaddr(w, 'network'), ipaddr(w, 'address'))
      const wLast = int(ipaddr(w, 'broadcast'), ipaddr(w, 'address'))
      return vFirst <= wFirst && wFirst <= vLast && vFirst <= wLast && wLast <= vLast
    } catch {
      return false
    }
  }
}

/** CIDR blocks covering [from, to] exactly, largest first, as netaddr's iprange_to_cidrs. */
function rangeToCidrs(version: 4 | 6, from: bigint, to: bigint): string[] {
  const out: string[] = []
  const width = version === 4 ? 32 : 128
  while (from <= to) {
    let host = 0
    while (host < width && (from & ((1n << BigInt(host + 1)) - 1n)) === 0n && from + (1n << BigInt(host + 1)) - 1n <= to) host++
    out.push(cidr(net(version, from, width - host)))
    from += 1n << BigInt(host)
  }
  return out
}

function readNets(value: unknown[]): Net[] {
  return value.map((x) => {
    const v = parseNet(x)
    if (!v) throw new TemplateError(`cidr_merge: error in netaddr: invalid IPNetwork ${pythonStr(x)}`)
    return v
  })
}

function cidrMerge(value: unknown, action: unknown = 'merge'): unknown {
  if (!Array.isArray(value)) throw new TemplateError(`cidr_merge: expected iterable, got ${pythonRepr(value)}`)
  if (action === 'merge') {
    const ranges = readNets(value)
      .map((v) => ({ version: v.version, from: first(v), to: last(v) }))
      .sort((a, b) => a.version - b.version || (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
    const merged: typeof ranges = []
    for (const r of ranges) {
      const top = merged[merged.length - 1]
      if (top && top.version === r.version && r.from <= top.to + 1n) top.to = r.to > top.to ? r.to : top.to
      else merged.push({ ...r })
    }
    return merged.flatMap((r) => rangeToCidrs(r.version, r.from, r.to))
  }
  if (action !== 'span') throw new TemplateError(`cidr_merge: invalid action '${pythonStr(action)}'`)
  if (value.length === 0) return null
  const nets = readNets(value)
  if (nets.length === 1) return cidr(nets[0]!)
  if (nets.some((n) => n.version !== nets[0]!.version)) throw new TemplateError('cidr_merge: error in netaddr: IP sequence cannot contain both IPv4 and IPv6!')
  const lowest = nets.reduce((a, b) => (first(b) < first(a) ? b : a))
  const highest = nets.reduce((a, b) => (first(b) > first(a) || (first(b) === first(a) && last(b) > last(a)) ? b : a))
  let ip = last(highest)
  let prefix = highest.prefix
  while (prefix > 0 && ip > first(lowest)) {
    prefix--
    ip &= ~((1n << BigInt(bits(highest) - prefix)) - 1n)
  }
  return cidr(net(highest.version, ip, prefix))
}

function usableRange(value: unknown): Record<string, unknown> {
  const v = parseNet(value)
  if (!v || v.ip !== first(v)) throw new TemplateError(`Error while using plugin 'usable_range': ${pythonRepr(value)} does not appear to be an IPv4 or IPv6 network`)
  const ips: string[] = []
  for (let ip = first(v); ip <= last(v) && ips.length < 65536; ip++) ips.push(format(v.version, ip))
  return { usable_ips: ips, number_of_ips: Number(size(v)) }
}

function ip4Hex(value: unknown, delimiter: unknown = ''): string {
  return pythonStr(value)
    .split('.')
    .map((n) => Number.parseInt(n, 10).toString(16).padStart(2, '0'))
    .join(pythonStr(delimiter))
}

/** ansible.utils' IP arithmetic filters. */
export const IPNET_FILTERS: Record<string, Filter> = {
  ipmath: (v, amount) => ipmath(v, amount),
  ipsubnet,
  nthhost: (v, query) => nthhost(v, query),
  next_nth_usable: nthUsable(1n),
  previous_nth_usable: nthUsable(-1n),
  network_in_usable: networkIn(true),
  network_in_network: networkIn(false),
  cidr_merge: (v, action) => cidrMerge(v, action),
  usable_range: (v) => usableRange(v),
  ip4_hex: (v, delimiter) => ip4Hex(v, delimiter),
}
