import ipaddrjs from 'ipaddr.js'
import { pythonStr } from '../../python/index.js'

// IP values as netaddr's IPNetwork holds them (an address plus a prefix, the host part kept), the
// parsing and printing the ansible.utils filters rely on, and the address blocks netaddr and
// Python's ipaddress classify as private, reserved, link-local.

/** An address with a prefix, as netaddr's IPNetwork: `ip` keeps the host part. */
export interface Net {
  readonly version: 4 | 6
  readonly ip: bigint
  readonly prefix: number
}

/** Address width in bits. */
export const bits = (n: { version: 4 | 6 }): number => (n.version === 4 ? 32 : 128)
/** Number of addresses in the network. */
export const size = (n: Net): bigint => 1n << BigInt(bits(n) - n.prefix)
/** The netmask as a number. */
export const mask = (n: Net): bigint => ((1n << BigInt(bits(n))) - 1n) ^ (size(n) - 1n)
/** The network's first address. */
export const first = (n: Net): bigint => n.ip & mask(n)
/** The network's last address. */
export const last = (n: Net): bigint => first(n) + size(n) - 1n
/** netaddr's broadcast: the last address, except that a /31, /32 (or /127, /128) has none. */
export const broadcast = (n: Net): bigint | undefined => (size(n) > 2n ? last(n) : undefined)

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined
  return parts.reduce((acc, p) => (acc << 8n) + BigInt(p), 0n)
}

function parseV6(text: string): bigint | undefined {
  if (text.includes('%') || !ipaddrjs.IPv6.isValid(text)) return undefined
  return ipaddrjs.IPv6.parse(text).toByteArray().reduce((acc, b) => (acc << 8n) + BigInt(b), 0n)
}

/** The address in `text` (dotted IPv4 or any IPv6 form), undefined when it is neither. */
export function parseAddress(text: string): { version: 4 | 6; ip: bigint } | undefined {
  const version = text.includes(':') ? 6 : 4
  const ip = version === 4 ? parseV4(text) : parseV6(text)
  return ip === undefined ? undefined : { version, ip }
}

/** A prefix length, or a dotted netmask or hostmask as netaddr accepts them after the slash. */
function parsePrefix(text: string, version: 4 | 6): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) <= (version === 4 ? 32 : 128) ? Number(text) : undefined
  const m = version === 4 ? parseV4(text) : undefined
  if (m === undefined) return undefined
  const ones = m.toString(2).padStart(32, '0')
  if (/^1*0*$/.test(ones)) return ones.indexOf('0') < 0 ? 32 : ones.indexOf('0')
  if (/^0*1*$/.test(ones)) return ones.indexOf('1') < 0 ? 32 : ones.indexOf('1')
  return undefined
}

/** Parse `address[/prefix]` as netaddr's IPNetwork does; `network` tells whether a prefix was written. */
export function parseNet(value: unknown): (Net & { network: boolean }) | undefined {
  const text = pythonStr(value).trim()
  const [address = '', prefixText, extra] = text.split('/')
  if (extra !== undefined) return undefined
  const parsed = parseAddress(address)
  if (!parsed) return undefined
  const prefix = prefixText === undefined ? bits(parsed) : parsePrefix(prefixText, parsed.version)
  if (prefix === undefined) return undefined
  return { ...parsed, prefix, network: prefixText !== undefined }
}

/** An address as netaddr prints it: IPv6 compressed as inet_ntop does, with an embedded IPv4 where it would. */
export function format(version: 4 | 6, ip: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip >> s) & 255n)).join('.')
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
  if (best.start === 0 && (best.length === 6 || (best.length === 5 && groups[5] === 0xffff))) {
    return `::${best.length === 5 ? 'ffff:' : ''}${format(4, ip & 0xffffffffn)}`
  }
  const hex = groups.map((g) => g.toString(16))
  if (best.start < 0) return hex.join(':')
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`
}

/** `ip/prefix`, as str(IPNetwork). */
export const cidr = (n: Net): string => `${format(n.version, n.ip)}/${n.prefix}`

/** A block of addresses written as CIDR text. */
interface Block {
  readonly version: 4 | 6
  readonly from: bigint
  readonly to: bigint
}

function blocks(...texts: string[]): Block[] {
  return texts.map((t) => {
    const [a, b] = t.split('-')
    const n = parseNet(a)!
    return b === undefined ? { version: n.version, from: first(n), to: last(n) } : { version: n.version, from: n.ip, to: parseNet(b)!.ip }
  })
}

/** Whether the whole of `n` lies inside one of `list`. */
export const within = (n: Net, list: readonly Block[]): boolean => list.some((b) => b.version === n.version && b.from <= first(n) && last(n) <= b.to)

/** netaddr 0.8's address classes (`is_private()` and friends), which the ipaddr filter's queries use. */
export const NETADDR = {
  private: blocks('10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '239.0.0.0-239.255.255.255', 'fc00::/7', 'fec0::/10'),
  linkLocal: blocks('169.254.0.0/16', 'fe80::/10'),
  multicast: blocks('224.0.0.0/4', 'ff00::/8'),
  loopback: blocks('127.0.0.0/8', '::1/128'),
}

/** Python 3.11's ipaddress classes, which the ansible.utils tests use. */
export const PYTHON = {
  private: blocks('0.0.0.0/8', '10.0.0.0/8', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.0.170/31', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4', '255.255.255.255/32', '::1/128', '::/128', '::ffff:0:0/96', '64:ff9b:1::/48', '100::/64', '2001::/23', '2001:db8::/32', '2002::/16', 'fc00::/7', 'fe80::/10'),
  shared: blocks('100.64.0.0/10'),
  reserved: blocks('240.0.0.0/4', '::/8', '100::/8', '200::/7', '400::/6', '800::/5', '1000::/4', '4000::/3', '6000::/3', '8000::/3', 'a000::/3', 'c000::/3', 'e000::/4', 'f000::/5', 'f800::/6', 'fe00::/9'),
  multicast: blocks('224.0.0.0/4', 'ff00::/8'),
  loopback: blocks('127.0.0.0/8', '::1/128'),
  linkLocal: blocks('169.254.0.0/16', 'fe80::/10'),
}
