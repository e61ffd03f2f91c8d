import { TemplateError } from '../../errors.js'
import { pythonStr } from '../../python/index.js'
import type { Filter } from './types.js'

// ansible.utils' ipaddr family (netaddr-based in Ansible) for the queries roles use: the first
// service IP of a CIDR (`'10.233.0.0/18' | ipaddr('net') | ipaddr(1) | ipaddr('address')`),
// address, prefix, netmask, network, broadcast, size, wrap.

/** An address with a prefix, as netaddr's IPNetwork: `ip` keeps the host part. */
interface Net {
  readonly version: 4 | 6
  readonly ip: bigint
  readonly prefix: number
  /** Whether the text had a `/prefix` (netaddr's "network" type) or was a bare address. */
  readonly network: boolean
}

const bits = (n: Net): number => (n.version === 4 ? 32 : 128)
const mask = (n: Net): bigint => ((1n << BigInt(bits(n))) - 1n) ^ ((1n << BigInt(bits(n) - n.prefix)) - 1n)
const first = (n: Net): bigint => n.ip & mask(n)
const size = (n: Net): bigint => 1n << BigInt(bits(n) - n.prefix)

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined
  return parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n)
}

function parseV6(text: string): bigint | undefined {
  let head = text
  let tail4: bigint | undefined
  const v4 = /:(\d+\.\d+\.\d+\.\d+)$/.exec(text)
  if (v4) {
    tail4 = parseV4(v4[1]!)
    if (tail4 === undefined) return undefined
    head = `${text.slice(0, v4.index)}:0:0`
  }
  const halves = head.split('::')
  if (halves.length > 2) return undefined
  const groups = (s: string): string[] => (s === '' ? [] : s.split(':'))
  const left = groups(halves[0]!)
  const right = halves.length === 2 ? groups(halves[1]!) : []
  const missing = 8 - left.length - right.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right]
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined
  const value = all.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g, 16)), 0n)
  return tail4 === undefined ? value : (value & ~0xffffffffn) | tail4
}

/** Parse `a.b.c.d[/p]` or an IPv6 address `[/p]`; undefined when it is neither. */
export function parseNet(value: unknown): Net | undefined {
  const text = pythonStr(value).trim()
  const [address = '', prefixText, extra] = text.split('/')
  if (extra !== undefined) return undefined
  const version = address.includes(':') ? 6 : 4
  const ip = version === 4 ? parseV4(address) : parseV6(address)
  if (ip === undefined) return undefined
  const max = version === 4 ? 32 : 128
  if (prefixText !== undefined && !/^\d+$/.test(prefixText)) return undefined
  const prefix = prefixText === undefined ? max : Number(prefixText)
  if (prefix > max) return undefined
  return { version, ip, prefix, network: prefixText !== undefined }
}

/** An address as netaddr prints it (IPv6 in RFC 5952 form). */
function format(version: 4 | 6, ip: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip >> s) & 255n)).join('.')
  if (ip >> 32n === 0xffffn) return `::ffff:${format(4, ip & 0xffffffffn)}`
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip >> BigInt(112 - 16 * i)) & 0xffffn))
  let best = { start: -1, length: 1 }
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.length) best = { start: i, length: j - i }
    i = j
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.start < 0) return hex.join(':')
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`
}

const cidr = (n: Net): string => `${format(n.version, n.ip)}/${n.prefix}`

const QUERIES: Record<string, (n: Net, value: unknown) => unknown> = {
  '': (n) => (n.network ? cidr(n) : format(n.version, n.ip)),
  // netaddr: a /31 has no broadcast, and the first address of an IPv6 network is a host too.
  address: (n) => (size(n) <= 2n || n.ip !== first(n) || n.version === 6 ? format(n.version, n.ip) : null),
  broadcast: (n) => (size(n) > 2n ? format(n.version, first(n) + size(n) - 1n) : null),
  bool: () => true,
  cidr,
  host: (n) => (size(n) <= 2n || n.ip !== first(n) ? cidr(n) : null),
  'host/prefix': (n) => (size(n) > 2n && (n.ip === first(n) || n.ip === first(n) + size(n) - 1n) ? false : cidr(n)),
  'ip/prefix': (n) => (size(n) === 2n || (size(n) > 1n && n.ip !== first(n)) ? cidr(n) : null),
  net: (n) => (size(n) > 1n && n.ip === first(n) ? cidr(n) : null),
  netmask: (n) => format(n.version, mask(n)),
  hostmask: (n) => format(n.version, size(n) - 1n),
  network: (n) => format(n.version, first(n)),
  'network/prefix': (n) => `${format(n.version, first(n))}/${n.prefix}`,
  subnet: (n) => `${format(n.version, first(n))}/${n.prefix}`,
  prefix: (n) => n.prefix,
  size: (n) => Number(size(n)),
  type: (n) => (size(n) === 1n || n.ip !== first(n) ? 'address' : 'network'),
  version: (n) => n.version,
  wrap: (n, value) => (n.version === 6 ? (n.network ? `[${format(6, n.ip)}]/${n.prefix}` : `[${format(6, n.ip)}]`) : value),
  ipv4: (n, value) => (n.version === 4 ? value : false),
  ipv6: (n, value) => (n.version === 6 ? value : false),
}
QUERIES.ip = QUERIES.address!
QUERIES.v4 = QUERIES.ipv4!
QUERIES.v6 = QUERIES.ipv6!

/** ansible.utils.ipaddr: `value | ipaddr(query)`; lists keep the elements whose result is truthy. */
export function ipaddr(value: unknown, query: unknown = '', version?: 4 | 6): unknown {
  if (Array.isArray(value)) return value.map((v) => ipaddr(v, query, version)).filter((r) => r !== false && r !== null && r !== '')
  const net = parseNet(value)
  if (!net || (version !== undefined && net.version !== version)) return false
  const q = String(query)
  const handler = QUERIES[q]
  if (handler) return handler(net, value)
  if (!/^-?\d+$/.test(q)) throw new TemplateError(`ipaddr: unknown filter type: ${q}`)
  // An integer picks the nth address of the network (negative counts from the end).
  if (size(net) === 1n) return format(net.version, net.ip)
  const n = BigInt(q)
  if (n >= size(net) || -n > size(net)) return false
  return `${format(net.version, first(net) + (n < 0n ? size(net) + n : n))}/${net.prefix}`
}

function ipwrap(value: unknown, query: unknown = ''): unknown {
  const wrap = (v: unknown): unknown => {
    const result = ipaddr(v, query)
    return result === false || result === null ? v : ipaddr(result, 'wrap')
  }
  return Array.isArray(value) ? value.map(wrap) : wrap(value)
}

/** ansible.utils' ipaddr, ipv4, ipv6 and ipwrap filters. */
export const NET_FILTERS: Record<string, Filter> = {
  ipaddr: (v, query) => ipaddr(v, query ?? ''),
  ipv4: (v, query) => ipaddr(v, query ?? '', 4),
  ipv6: (v, query) => ipaddr(v, query ?? '', 6),
  ipwrap: (v, query) => ipwrap(v, query ?? ''),
}
