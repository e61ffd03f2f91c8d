import { TemplateError } from '../../errors.js'
import { pythonStr, pythonTruthy } from '../../python/index.js'
import type { Filter } from './types.js'
import { NETADDR, bits, broadcast, cidr, first, format, last, mask, parseNet, size, within, type Net } from './net.js'

// ansible.utils' ipaddr filter (and ipv4, ipv6, ipwrap), query by query as its ipaddr_utils computes
// them with netaddr: a query that does not apply answers None (null), a value that is no IP False.

type VType = 'address' | 'network'
type Query = (v: Net, vtype: VType, value: unknown) => unknown

const ipText = (v: Net): string => format(v.version, v.ip)
const addr = (v: Net, ip: bigint): string => format(v.version, ip)
const isNetmask = (v: Net): boolean => {
  const x = (v.ip ^ ((1n << BigInt(bits(v))) - 1n)) + 1n
  return (x & (x - 1n)) === 0n
}
const isHostmask = (v: Net): boolean => ((v.ip + 1n) & v.ip) === 0n
const single = (v: Net, ip = v.ip): Net => ({ version: v.version, ip, prefix: bits(v) })

/** First and last usable address: a /31 uses both, bigger networks lose network and broadcast. */
function usable(v: Net): [bigint, bigint] | undefined {
  if (size(v) === 2n) return [first(v), last(v)]
  if (size(v) > 1n) return [first(v) + 1n, last(v) - 1n]
  return undefined
}

function needNetwork(vtype: VType): void {
  if (vtype === 'address') throw new TemplateError('Not a network address')
}

const isPrivate = (v: Net): boolean => within(v, NETADDR.private) || within(v, NETADDR.linkLocal)

function sixToFour(v: Net, vtype: VType, value: unknown): unknown {
  if (v.version === 4) {
    if (size(v) > 1n && v.ip === first(v)) return false
    const one = single(v)
    const isPublic = !within(one, NETADDR.multicast) && !isPrivate(one) && !within(one, NETADDR.loopback) && !isNetmask(one) && !isHostmask(one)
    if (!isPublic && !isPrivate(one)) return false
    const hex = [24n, 16n, 8n, 0n].map((s) => ((v.ip >> s) & 255n).toString(16).padStart(2, '0'))
    return `2002:${hex[0]}${hex[1]}:${hex[2]}${hex[3]}::1/48`
  }
  const in2002 = (ip: bigint): boolean => ip >> 112n === 0x2002n
  if (vtype === 'address') return in2002(v.ip) ? value : false
  return v.ip !== first(v) && in2002(v.ip) ? value : false
}

function peer(v: Net, vtype: VType): string {
  needNetwork(vtype)
  if (size(v) === 2n) return addr(v, v.ip ^ 1n)
  if (size(v) === 4n) {
    if (v.ip % 4n === 0n) throw new TemplateError('Network address of /30 has no peer')
    if (v.ip % 4n === 3n) throw new TemplateError('Broadcast address of /30 has no peer')
    return addr(v, v.ip ^ 3n)
  }
  throw new TemplateError('Not a point-to-point network')
}

function revdns(v: Net): string {
  if (v.version === 4) return `${ipText(v).split('.').reverse().join('.')}.in-addr.arpa.`
  return `${[...v.ip.toString(16).padStart(32, '0')].reverse().join('.')}.ip6.arpa.`
}

const hostOrNet = (v: Net): boolean => v.ip !== first(v) || broadcast(v) === undefined
const addressPrefix = (v: Net): unknown => (size(v) > 2n && (v.ip === first(v) || v.ip === broadcast(v)) ? false : cidr(v))

const QUERIES: Record<string, Query> = {
  '': (v, vtype) => (vtype === 'address' ? ipText(v) : cidr(v)),
  '6to4': sixToFour,
  address: (v) => (size(v) === 1n || hostOrNet(v) || v.version === 6 ? ipText(v) : null),
  'address/prefix': addressPrefix,
  bool: () => true,
  broadcast: (v) => (size(v) > 2n ? addr(v, last(v)) : null),
  cidr: (v) => cidr(v),
  first_usable: (v, vtype) => (needNetwork(vtype), size(v) === 2n ? addr(v, first(v)) : size(v) > 1n ? addr(v, first(v) + 1n) : null),
  host: (v) => (size(v) === 1n || hostOrNet(v) ? cidr(v) : null),
  hostmask: (v) => addr(v, size(v) - 1n),
  int: (v, vtype) => (vtype === 'address' ? Number(v.ip) : `${v.ip}/${v.prefix}`),
  'ip/prefix': (v) => (size(v) === 2n || (size(v) > 1n && v.ip !== first(v)) ? cidr(v) : null),
  ip_netmask: (v) => (size(v) === 2n || (size(v) > 1n && v.ip !== first(v)) ? `${ipText(v)} ${addr(v, mask(v))}` : null),
  ipv4: (v, _t, value) => {
    if (v.version === 4) return value
    const mapped = v.ip >> 32n === 0xffffn || v.ip >> 32n === 0n
    return mapped && v.prefix >= 96 ? `${format(4, v.ip & 0xffffffffn)}/${v.prefix - 96}` : false
  },
  ipv6: (v, _t, value) => (v.version === 6 ? value : `${format(6, 0xffff00000000n | v.ip)}/${v.prefix + 96}`),
  last_usable: (v, vtype) => (needNetwork(vtype), size(v) > 1n ? addr(v, usable(v)![1]) : null),
  'link-local': (v, _t, value) => (within(single(v), NETADDR.linkLocal) ? value : null),
  loopback: (v, _t, value) => (within(single(v), NETADDR.loopback) ? value : null),
  multicast: (v, _t, value) => (within(v, NETADDR.multicast) ? value : null),
  net: (v) => (size(v) > 1n && v.ip === first(v) ? cidr(v) : null),
  next_usable: (v, vtype) => {
    needNetwork(vtype)
    const range = usable(v)
    return range && v.ip + 1n >= range[0] && v.ip + 1n <= range[1] ? addr(v, v.ip + 1n) : null
  },
  netmask: (v) => addr(v, mask(v)),
  network: (v) => addr(v, first(v)),
  network_netmask: (v) => `${addr(v, first(v))} ${addr(v, mask(v))}`,
  network_wildcard: (v) => `${addr(v, first(v))} ${addr(v, size(v) - 1n)}`,
  peer: (v, vtype) => peer(v, vtype),
  prefix: (v) => v.prefix,
  previous_usable: (v, vtype) => {
    needNetwork(vtype)
    const range = usable(v)
    return range && v.ip - 1n >= range[0] && v.ip - 1n <= range[1] ? addr(v, v.ip - 1n) : null
  },
  private: (v, _t, value) => (isPrivate(v) ? value : null),
  public: (v, _t, value) => {
    const one = single(v)
    return !within(one, NETADDR.multicast) && !isPrivate(one) && !within(one, NETADDR.loopback) && !isNetmask(one) && !isHostmask(one) ? value : null
  },
  range_usable: (v, vtype) => {
    needNetwork(vtype)
    const range = usable(v)
    return range ? `${addr(v, range[0])}-${addr(v, range[1])}` : null
  },
  revdns,
  size: (v) => Number(size(v)),
  size_usable: (v) => (size(v) === 1n ? 0 : size(v) === 2n ? 2 : Number(size(v) - 2n)),
  subnet: (v) => `${addr(v, first(v))}/${v.prefix}`,
  type: (v) => (size(v) === 1n || v.ip !== first(v) ? 'address' : 'network'),
  unicast: (v, _t, value) => (within(v, NETADDR.multicast) ? null : value),
  version: (v) => v.version,
  wrap: (v, vtype, value) => (v.version === 6 ? (vtype === 'address' ? `[${ipText(v)}]` : `[${ipText(v)}]/${v.prefix}`) : value),
}
for (const alias of ['gateway', 'gw', 'host/prefix', 'hostnet', 'router']) QUERIES[alias] = addressPrefix
Object.assign(QUERIES, { ip: QUERIES.address, lo: QUERIES.loopback, network_id: QUERIES.network, 'network/prefix': QUERIES.subnet, v4: QUERIES.ipv4, v6: QUERIES.ipv6, wildcard: QUERIES.hostmask })

/** The value as netaddr reads it for ipaddr: a number is an address, `N/P` a numeric CIDR. */
function read(value: unknown, version?: 4 | 6): { v: Net; vtype: VType; value: unknown } | undefined {
  const text = pythonStr(value)
  const fits = (n: bigint, v: 4 | 6): boolean => n < 1n << BigInt(v === 4 ? 32 : 128)
  if (/^\d+$/.test(text)) {
    const n = BigInt(text)
    const v: 4 | 6 = version !== 6 && fits(n, 4) ? 4 : 6
    if (!fits(n, v)) return undefined
    const net = { version: v, ip: n, prefix: v === 4 ? 32 : 128 }
    return { v: net, vtype: 'address', value: cidr(net) }
  }
  const parsed = parseNet(text)
  if (parsed) return { v: parsed, vtype: parsed.network ? 'network' : 'address', value }
  const m = /^(\d+)\/(\d+)$/.exec(text)
  if (!m) return undefined
  const n = BigInt(m[1]!)
  const prefix = Number(m[2])
  const v: 4 | 6 = fits(n, 4) && prefix <= 32 ? 4 : 6
  if (!fits(n, v) || prefix > bits({ version: v })) return undefined
  const net = { version: v, ip: n, prefix }
  return { v: net, vtype: 'network', value: cidr(net) }
}

/** ansible.utils.ipaddr: `value | ipaddr(query)`; a list keeps the elements whose answer is truthy. */
export function ipaddr(value: unknown, query: unknown = '', version?: 4 | 6): unknown {
  if (Array.isArray(value)) return value.map((v) => ipaddr(v, pythonStr(query), version)).filter(pythonTruthy)
  if (!pythonTruthy(value) || value === true) return false
  const got = read(value, version)
  if (!got) return false
  const { v, vtype } = got
  let q = query === null ? '' : pythonStr(query)
  let lookup: Net | undefined
  if (q !== '' && (!(q in QUERIES) || q === 'cidr_lookup') && !/^\d+$/.test(q) && pythonTruthy(ipaddr(q, 'network'))) {
    const n = parseNet(q) ?? read(q)!.v
    lookup = { ...n, ip: first(n) }
    q = 'cidr_lookup'
  }
  if (version !== undefined && v.version !== version) return false
  if (lookup) return lookup.version === v.version && first(lookup) <= first(v) && last(v) <= last(lookup) ? got.value : null
  const handler = QUERIES[q]
  if (handler) return handler(v, vtype, got.value)
  if (!/^-?\d+(\.\d*)?$/.test(q)) throw new TemplateError(`ipaddr: unknown filter type: ${q}`)
  if (size(v) === 1n) return vtype === 'address' ? ipText(v) : cidr(v)
  if (!/^-?\d+$/.test(q)) return false
  // An integer picks the nth address of the network, counted from its end when negative.
  const n = BigInt(q)
  if (n >= size(v) || -n > size(v)) return false
  return `${addr(v, n < 0n ? last(v) + 1n + n : first(v) + n)}/${v.prefix}`
}

function ipwrap(value: unknown, query: unknown): unknown {
  const wrap = (element: unknown): unknown => {
    const answer = ipaddr(element, query)
    return answer === false || answer === null ? element : ipaddr(answer, 'wrap')
  }
  return Array.isArray(value) ? value.map(wrap) : wrap(value)
}

/** ansible.utils' ipaddr, ipv4, ipv6 and ipwrap filters. */
export const IPADDR_FILTERS: Record<string, Filter> = {
  ipaddr: (v, query) => ipaddr(v, query ?? ''),
  ipv4: (v, query) => ipaddr(v, query ?? '', 4),
  ipv6: (v, query) => ipaddr(v, query ?? '', 6),
  ipwrap: (v, query) => ipwrap(v, query ?? ''),
}
