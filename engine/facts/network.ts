import { ROUTE_TARGETS, type Sections } from './script.js'
import type { Facts } from './system.js'

type Iface = Record<string, unknown>
interface Ipv4 { address: string; broadcast: string; netmask: string; network: string; prefix: string }

const INTERFACE_TYPE: Readonly<Record<string, string>> = { '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel' }

/**
 * interfaces, per-interface facts, default_ipv4/default_ipv6, all_ipv4_addresses/all_ipv6_addresses, from
 * /sys/class/net and `ip` as Ansible's Linux network collector reads them. Interface keys have `-` and `:` as `_`.
 */
export function networkFacts(s: Sections): Facts {
  const defaults = { v4: defaultRoute(s.get('route4'), ROUTE_TARGETS.v4), v6: defaultRoute(s.get('route6'), ROUTE_TARGETS.v6) }
  const interfaces = new Map<string, Iface>()
  for (const [name, text] of s) {
    if (!name.startsWith('net ')) continue
    interfaces.set(name.slice(4), sysfsInterface(name.slice(4), text))
  }
  const all4: string[] = []
  const all6: string[] = []
  const perDevice = (text: string | undefined): Map<string, string[]> => {
    const blocks = new Map<string, string[]>()
    let current: string[] | undefined
    for (const line of (text ?? '').split('\n')) {
      const header = /^\d+:\s+([^:@\s]+)(@\S+)?:/.exec(line)
      if (header) blocks.set(header[1]!, (current = []))
      else if (current && line.trim() !== '') current.push(line.trim())
    }
    return blocks
  }
  const primary = perDevice(s.get('addr_primary'))
  const secondary = perDevice(s.get('addr_secondary'))
  for (const [device, iface] of interfaces) {
    const parse = (lines: readonly string[], isSecondary: boolean): void => {
      for (const line of lines) {
        const words = line.split(/\s+/)
        if (words[0] === 'inet') {
          const [address, prefix = '32'] = words[1]!.split('/') as [string, string?]
          const v4: Ipv4 = { address, broadcast: words[2] === 'brd' && words.length > 3 ? words[3]! : '', ...maskOf(address, Number(prefix)), prefix }
          const label = words.at(-1)!
          const target = label === device ? iface : (interfaces.get(label) ?? newAlias(interfaces, label))
          if (!isSecondary && target.ipv4 === undefined) target.ipv4 = v4
          else target.ipv4_secondaries = [...((target.ipv4_secondaries as Ipv4[] | undefined) ?? []), v4]
          if (isSecondary && label !== device) iface.ipv4_secondaries = [...((iface.ipv4_secondaries as Ipv4[] | undefined) ?? []), v4]
          if (defaults.v4.address === address) {
            Object.assign(defaults.v4, { broadcast: v4.broadcast, netmask: v4.netmask, network: v4.network, prefix, macaddress: iface.macaddress, mtu: iface.mtu, type: iface.type ?? 'unknown', alias: label })
          }
          if (!address.startsWith('127.')) all4.push(address)
        } else if (words[0] === 'inet6') {
          const peer = words[2] === 'peer'
          const address = peer ? words[1]! : words[1]!.split('/')[0]!
          const prefix = (peer ? words[3]! : words[1]!).split('/')[1] ?? ''
          const scope = peer ? words[5]! : words[3]!
          iface.ipv6 = [...((iface.ipv6 as object[] | undefined) ?? []), { address, prefix, scope }]
          if (defaults.v6.address === address) Object.assign(defaults.v6, { prefix, scope, macaddress: iface.macaddress, mtu: iface.mtu, type: iface.type ?? 'unknown' })
          if (address !== '::1') all6.push(address)
        }
      }
    }
    parse(primary.get(device) ?? [], false)
    parse(secondary.get(device) ?? [], true)
  }
  const facts: Facts = {}
  const keyOf = (name: string): string => name.replaceAll(':', '_').replaceAll('-', '_')
  facts.interfaces = [...interfaces.keys()].map((n) => n.replaceAll(':', '_'))
  for (const [name, iface] of interfaces) facts[keyOf(name)] = iface
  facts.default_ipv4 = defaults.v4
  facts.default_ipv6 = defaults.v6
  facts.all_ipv4_addresses = all4
  facts.all_ipv6_addresses = all6
  return facts
}

function newAlias(interfaces: Map<string, Iface>, label: string): Iface {
  const alias: Iface = {}
  interfaces.set(label, alias)
  return alias
}

function defaultRoute(text: string | undefined, target: string): Record<string, unknown> {
  const words = (text ?? '').split('\n')[0]!.trim().split(/\s+/)
  const route: Record<string, unknown> = {}
  if (words[0] !== target) return route
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] === 'dev') route.interface = words[i + 1]
    else if (words[i] === 'src') route.address = words[i + 1]
    else if (words[i] === 'via' && words[i + 1] !== target) route.gateway = words[i + 1]
  }
  return route
}

function sysfsInterface(device: string, text: string): Iface {
  const values = new Map<string, string>()
  for (const line of text.split('\n')) {
    const at = line.indexOf('=')
    if (at > 0) values.set(line.slice(0, at), line.slice(at + 1).trim())
  }
  const iface: Iface = { device }
  const mac = values.get('address')
  if (mac && mac !== '00:00:00:00:00:00') iface.macaddress = mac
  if (values.has('mtu')) iface.mtu = Number(values.get('mtu'))
  if (values.has('operstate')) iface.active = values.get('operstate') !== 'down'
  if (values.has('module')) iface.module = values.get('module')
  if (values.has('type')) iface.type = INTERFACE_TYPE[values.get('type')!] ?? 'unknown'
  if (values.has('bridge')) {
    iface.type = 'bridge'
    iface.interfaces = values.get('bridge')!.split(/\s+/).filter((n) => n !== '')
    if (values.has('bridge_id')) iface.id = values.get('bridge_id')
    if (values.has('stp')) iface.stp = values.get('stp') === '1'
  }
  if (values.has('bonding')) {
    iface.type = 'bonding'
    iface.slaves = values.get('bonding')!.split(/\s+/).filter((n) => n !== '')
  }
  if (values.has('pciid')) iface.pciid = values.get('pciid')
  const speed = values.get('speed')
  if (speed !== undefined && speed !== '' && !Number.isNaN(Number(speed))) iface.speed = Number(speed)
  if (values.has('flags')) iface.promisc = (Number.parseInt(values.get('flags')!, 16) & 0x100) > 0
  return iface
}

function maskOf(address: string, prefix: number): { netmask: string; network: string } {
  const toInt = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0)
  const toIp = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.')
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  return { netmask: toIp(mask), network: toIp((toInt(address) & mask) >>> 0) }
}
