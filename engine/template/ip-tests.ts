import { pythonStr } from '../python/index.js'
import { PYTHON, first, last, parseAddress, parseNet, within, type Net } from './filters/net.js'

// ansible.utils' IP tests (`x is ansible.utils.ipv4`, `ip is ansible.utils.in_network(net)`). Unlike the
// ipaddr filter they use Python's ipaddress module: a network with host bits set is no network, and
// private/public follow Python 3.11's tables.

/** ipaddress.ip_network(text) in strict mode. */
function network(value: unknown): Net | undefined {
  const v = parseNet(pythonStr(value))
  return v && v.ip === first(v) ? v : undefined
}

/** ipaddress.ip_address(text): a lone address. */
function address(value: unknown): Net | undefined {
  const a = parseAddress(pythonStr(value).trim())
  return a && { ...a, prefix: a.version === 4 ? 32 : 128 }
}

const subnetOf = (a: Net | undefined, b: Net | undefined): boolean => a !== undefined && b !== undefined && a.version === b.version && first(b) <= first(a) && last(a) <= last(b)
const inNetwork = (ip: unknown, net: unknown): boolean => subnetOf(network(ip), network(net))
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const addressIs = (check: (a: Net) => boolean) => (v: unknown): boolean => {
  const a = address(v)
  return a !== undefined && check(a)
}

/** Whether `mask` is the netmask (or, `host`, the hostmask) of some prefix length, as ansible.utils checks it. */
function isMask(value: unknown, host: boolean): boolean {
  const a = address(value)
  if (!a || a.version !== 4) return false
  const ones = a.ip.toString(2).padStart(32, '0')
  return host ? /^0*1*$/.test(ones) : /^1*0*$/.test(ones)
}

/** The ansible.utils IP tests, by short name. */
export const IP_TESTS: Record<string, (value: unknown, ...args: unknown[]) => boolean> = {
  ip: (v) => network(v) !== undefined,
  ipv4: (v) => network(v)?.version === 4,
  ipv6: (v) => network(v)?.version === 6,
  ip_address: (v) => address(v) !== undefined,
  ipv4_address: (v) => address(v)?.version === 4,
  ipv6_address: (v) => address(v)?.version === 6,
  in_network: (v, net) => inNetwork(v, net),
  in_any_network: (v, nets) => list(nets).some((n) => inNetwork(v, n)),
  in_one_network: (v, nets) => list(nets).filter((n) => inNetwork(v, n)).length === 1,
  subnet_of: (a, b) => subnetOf(network(a), network(b)),
  supernet_of: (a, b) => subnetOf(network(b), network(a)),
  private: addressIs((a) => within(a, PYTHON.private)),
  public: addressIs((a) => !within(a, PYTHON.private) && !within(a, PYTHON.shared)),
  loopback: addressIs((a) => within(a, PYTHON.loopback)),
  multicast: addressIs((a) => within(a, PYTHON.multicast)),
  reserved: addressIs((a) => within(a, PYTHON.reserved)),
  unspecified: addressIs((a) => a.ip === 0n),
  ipv4_netmask: (v) => isMask(v, false),
  ipv4_hostmask: (v) => isMask(v, true),
  ipv6_ipv4_mapped: addressIs((a) => a.version === 6 && a.ip >> 32n === 0xffffn),
  ipv6_sixtofour: addressIs((a) => a.version === 6 && a.ip >> 112n === 0x2002n),
  ipv6_teredo: addressIs((a) => a.version === 6 && a.ip >> 96n === 0x20010000n),
}
