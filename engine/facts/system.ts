import type { Sections } from './script.js'

/** Facts as Ansible names them, without the `ansible_` prefix. */
export type Facts = Record<string, unknown>

/** Non-empty lines of a section. */
export const lines = (text: string | undefined): string[] => (text ?? '').split('\n').filter((l) => l !== '')
const firstLine = (text: string | undefined): string | undefined => lines(text)[0]?.trim()

/** `KEY=value` lines (os-release, lsb-release) with quotes removed. */
export function keyValues(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>()
  for (const line of lines(text)) {
    const match = /^\s*([A-Za-z0-9_]+)=(.*)$/.exec(line)
    if (match) map.set(match[1]!, match[2]!.trim().replace(/^(["'])(.*)\1$/, '$2'))
  }
  return map
}

/** system, kernel, machine, architecture, hostname, fqdn, domain, userspace bits, machine_id. */
export function platformFacts(s: Sections): Facts {
  const [system = '', kernel = '', kernelVersion = '', machine = '', nodename = ''] = unameFields(s)
  const bits = firstLine(s.get('long_bit')) ?? ''
  const fqdn = fqdnOf(nodename, s.get('fqdn'), s.get('fqdn_reverse'))
  const facts: Facts = {
    system,
    kernel,
    kernel_version: kernelVersion,
    machine,
    nodename,
    hostname: nodename.split('.')[0],
    fqdn,
    domain: fqdn.split('.').slice(1).join('.'),
    userspace_bits: bits,
    architecture: /^i[3-6]86$/.test(machine) ? 'i386' : machine,
  }
  if (machine === 'x86_64' && (bits === '64' || bits === '32')) facts.userspace_architecture = bits === '64' ? 'x86_64' : 'i386'
  const machineId = firstLine(s.get('/var/lib/dbus/machine-id')) ?? firstLine(s.get('/etc/machine-id'))
  if (machineId) facts.machine_id = machineId
  return facts
}

// `uname -snrvm` prints s n r v m on one line (the version has spaces); older scripts printed one per line, s r v m n.
function unameFields(s: Sections): string[] {
  const all = /^(\S+) (\S+) (\S+) (.*) (\S+)$/.exec(firstLine(s.get('uname_snrvm')) ?? '')
  if (all) return [all[1]!, all[3]!, all[4]!, all[5]!, all[2]!]
  return (s.get('uname') ?? '').split('\n')
}

// Python's socket.getfqdn: the first name with a dot among the reverse lookup's name and aliases, else that name.
function fqdnOf(nodename: string, forward: string | undefined, reverse: string | undefined): string {
  const names = firstLine(reverse ?? forward)?.split(/\s+/).slice(1) ?? []
  if (names.length === 0) return nodename
  return names.find((n) => n.includes('.')) ?? names[0]!
}

const OS_FAMILY: Readonly<Record<string, readonly string[]>> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux', 'OVS', 'OEL', 'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux', 'Kylin Linux Advanced Server'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali', 'Cumulus Linux', 'Pop!_OS', 'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  Altlinux: ['Altlinux'],
  Slackware: ['Slackware'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
}
const FAMILY_OF = new Map(Object.entries(OS_FAMILY).flatMap(([family, names]) => names.map((n) => [n, family] as const)))

// distro.id() values Ansible renames (ansible.module_utils.common.sys_info.get_distribution).
const ID_NAMES: Readonly<Record<string, string>> = { amzn: 'Amazon', rhel: 'RedHat', ol: 'OracleLinux', almalinux: 'AlmaLinux', opensuse: 'openSUSE', 'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed', sles: 'SLES', arch: 'Archlinux', linuxmint: 'Linux Mint', openeuler: 'openEuler' }

/** distribution, its version/major/minor/release, os_family and which file told us, as Ansible's Linux rules. */
export function distributionFacts(s: Sections): Facts {
  const osRelease = s.get('/etc/os-release') ?? s.get('/usr/lib/os-release')
  const os = keyValues(osRelease)
  const id = (os.get('ID') ?? '').toLowerCase()
  let name = ID_NAMES[id] ?? (id ? id[0]!.toUpperCase() + id.slice(1) : 'NA')
  let version = os.get('VERSION_ID') ?? 'NA'
  let release = os.get('VERSION_CODENAME') ?? os.get('UBUNTU_CODENAME') ?? 'NA'
  let variety = 'NA'
  let path = '/etc/os-release'
  const facts: Facts = {}
  const redhat = ['/etc/oracle-release', '/etc/centos-release', '/etc/redhat-release'].find((p) => s.get(p)?.trim())
  if (redhat) {
    // A Red Hat style release file names the distribution by its first word unless it says Red Hat / Oracle Linux.
    const text = s.get(redhat)!.trim()
    name = text.includes('Oracle Linux') ? 'OracleLinux' : text.includes('Red Hat') ? 'RedHat' : text.split(/\s+/)[0]!
    if (name === 'Rocky' || name === 'AlmaLinux' || os.get('ID') === undefined) version = /release (\d+(\.\d+)*)/.exec(text)?.[1] ?? version
    variety = redhat === '/etc/oracle-release' ? 'OracleLinux' : redhat === '/etc/centos-release' ? 'CentOS' : 'RedHat'
    path = redhat
    if (release === 'NA') release = /\(([^)]+)\)/.exec(text)?.[1] ?? 'NA'
  } else if (s.get('/etc/alpine-release') !== undefined) {
    name = 'Alpine'
    version = s.get('/etc/alpine-release')!.trim()
    variety = 'Alpine'
    path = '/etc/alpine-release'
  } else if (osRelease !== undefined && /Debian|Raspbian|Ubuntu|SteamOS|Kali|Parrot|Devuan|Cumulus|Mint|Pop!_OS/.test(osRelease)) {
    variety = 'Debian'
    if (/Debian|Raspbian/.test(osRelease)) {
      name = 'Debian'
      const pretty = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(osRelease)
      if (pretty) release = pretty[1]!
      // distro's "best" version for Debian is the precise one in /etc/debian_version.
      const debian = firstLine(s.get('/etc/debian_version')) ?? ''
      const precise = /^(\d+)\.(\d+)/.exec(debian)
      if (precise) {
        version = precise[0]
        facts.distribution_minor_version = precise[2]
      } else if (version === 'NA' && /^\d+$/.test(debian)) version = debian
    }
  } else if (osRelease !== undefined && /SUSE/i.test(osRelease)) {
    variety = 'SUSE'
  }
  facts.distribution = name
  facts.distribution_version = version
  facts.distribution_major_version = version.split('.')[0] || 'NA'
  if (facts.distribution_minor_version === undefined && /^\d+\.\d+/.test(version)) facts.distribution_minor_version = version.split('.')[1]
  facts.distribution_release = release
  facts.distribution_file_variety = variety
  if (variety !== 'NA') {
    facts.distribution_file_path = path
    facts.distribution_file_parsed = true
  }
  facts.os_family = FAMILY_OF.get(name) ?? name
  facts.lsb = lsbFacts(s)
  return facts
}

function lsbFacts(s: Sections): Facts {
  const lsb: Record<string, string> = {}
  const bin = s.get('lsb_release')
  if (bin !== undefined) {
    const keys: Record<string, string> = { 'LSB Version': 'release', 'Distributor ID': 'id', Description: 'description', Release: 'release', Codename: 'codename' }
    for (const line of lines(bin)) {
      const at = line.indexOf(':')
      const key = keys[line.slice(0, at).trim()]
      if (at > 0 && key) lsb[key] = line.slice(at + 1).trim()
    }
  }
  if (Object.keys(lsb).length === 0) {
    const file = keyValues(s.get('/etc/lsb-release'))
    const map: Record<string, string> = { DISTRIB_ID: 'id', DISTRIB_RELEASE: 'release', DISTRIB_DESCRIPTION: 'description', DISTRIB_CODENAME: 'codename' }
    for (const [k, v] of file) if (map[k]) lsb[map[k]] = v
  }
  if (lsb.release) lsb.major_release = lsb.release.split('.')[0]!
  return lsb
}

/** user_id, user_uid, user_gid, user_gecos, user_dir, user_shell and the real/effective ids. */
export function userFacts(s: Sections): Facts {
  const [name = '', uid = '', gid = '', ruid = '', rgid = ''] = idFields(s)
  const [, , pwUid, pwGid, gecos = '', dir = '', shell = ''] = (firstLine(s.get('passwd')) ?? '').split(':')
  return {
    user_id: name,
    user_uid: Number(pwUid ?? uid),
    user_gid: Number(pwGid ?? gid),
    user_gecos: gecos,
    user_dir: dir,
    user_shell: shell,
    real_user_id: Number(ruid),
    effective_user_id: Number(uid),
    real_group_id: Number(rgid),
    effective_group_id: Number(rgid),
  }
}

// `id` says uid=R(name) gid=R(name) [euid=E(name)] [egid=E(name)] groups=…; older scripts printed `id -un`, `-u`, `-g`,
// `-ru`, `-rg` one per line. Either way: effective name, effective uid and gid, real uid and gid.
function idFields(s: Sections): string[] {
  const ids = s.get('ids')
  if (ids !== undefined) {
    // `uid R E` and `gid R E` from /proc/self/status; the name is the passwd entry's, else the number (as `id -un`)
    const [[, ruid = '', euid = ''] = [], [, rgid = '', egid = ''] = []] = ['uid', 'gid'].map((k) => lines(ids).find((l) => l.startsWith(`${k} `))?.split(' ') ?? [])
    const [pwName, , pwUid] = (firstLine(s.get('passwd')) ?? '').split(':')
    return [pwName !== undefined && pwUid === euid ? pwName : euid, euid, egid, ruid, rgid]
  }
  const all = firstLine(s.get('id_all'))
  if (all === undefined) return (s.get('id') ?? '').split('\n')
  const field = (key: string): RegExpExecArray | null => new RegExp(`(?:^| )${key}=(\\d+)(?:\\(([^)]*)\\))?`).exec(all)
  const [uid, gid] = [field('uid'), field('gid')]
  const [euid, egid] = [field('euid') ?? uid, field('egid') ?? gid]
  // like `id -un`, the number when the uid has no name
  return [euid?.[2] ?? euid?.[1] ?? '', euid?.[1] ?? '', egid?.[1] ?? '', uid?.[1] ?? '', gid?.[1] ?? '']
}

/** `env`: the environment the remote commands see. */
export function envFacts(s: Sections): Facts {
  const text = s.get('env') ?? ''
  const entries = text.includes('\0') ? text.split('\0') : text.split('\n')
  const env: Record<string, string> = {}
  for (const entry of entries) {
    const at = entry.indexOf('=')
    if (at > 0) env[entry.slice(0, at)] = entry.slice(at + 1)
  }
  return { env }
}

// `dates`: one GNU `date -f -` for now, 1 January and 1 July noon (zone name and offset of each season), the UTC
// time derived from the same epoch second; else (busybox, older scripts) `date` (local, UTC) and `tz_seasons`.
function dateLines(s: Sections): { local: string; utc: string; seasons: string[][] } {
  const dates = lines(s.get('dates'))
  if (dates.length === 3) {
    const utc = new Date(Number(dates[0]!.split('|')[9]) * 1000).toISOString().slice(0, 19)
    return { local: dates[0]!, utc, seasons: dates.slice(1).map((l) => l.split('|').slice(10, 12)) }
  }
  const [local = '', utc = ''] = lines(s.get('date'))
  return { local, utc, seasons: lines(s.get('tz_seasons')).map((l) => l.split(' ')) }
}

/** `date_time` with Ansible's keys, from one `date` call on the host. */
export function dateTimeFacts(s: Sections): Facts {
  const { local, utc, seasons } = dateLines(s)
  const [year, month, weekday, weekdayNumber, weeknumber, day, hour, minute, second, epoch, tz, tzOffset, nanos = '000000000'] = local.split('|')
  const micro = nanos.padEnd(9, '0').slice(0, 6)
  // time.tzname[1]: the daylight-saving name where the zone has one (the season with the larger offset), else the same.
  const dst = seasons.length === 2 ? [...seasons].sort((a, b) => Number(b[1]) - Number(a[1]))[0]![0] : tz
  return {
    date_time: {
      year, month, weekday, weekday_number: weekdayNumber, weeknumber, day, hour, minute, second, epoch, epoch_int: epoch,
      date: `${year}-${month}-${day}`,
      time: `${hour}:${minute}:${second}`,
      iso8601_micro: `${utc}.${micro}Z`,
      iso8601: `${utc}Z`,
      iso8601_basic: `${year}${month}${day}T${hour}${minute}${second}${micro}`,
      iso8601_basic_short: `${year}${month}${day}T${hour}${minute}${second}`,
      tz, tz_dst: dst, tz_offset: tzOffset,
    },
  }
}

/** cmdline, proc_cmdline, fips, dns, apparmor and selinux. */
export function systemFacts(s: Sections): Facts {
  const facts: Facts = {}
  const cmdline = s.get('/proc/cmdline')
  if (cmdline !== undefined) {
    const words = cmdline.trim().split(/\s+/).filter((w) => w !== '')
    const single: Record<string, unknown> = {}
    const multi: Record<string, unknown> = {}
    for (const word of words) {
      const at = word.indexOf('=')
      const [key, value] = at < 0 ? [word, true] : [word.slice(0, at), word.slice(at + 1)]
      single[key] = value
      const previous = multi[key]
      multi[key] = value === true || previous === undefined || previous === true ? value : [...(Array.isArray(previous) ? previous : [previous]), value]
    }
    facts.cmdline = single
    facts.proc_cmdline = multi
  }
  facts.fips = firstLine(s.get('/proc/sys/crypto/fips_enabled')) === '1'
  const resolv = s.get('/etc/resolv.conf')
  if (resolv !== undefined) facts.dns = dnsFacts(resolv)
  facts.apparmor = { status: (s.get('apparmor') ?? '').trim() === 'enabled' ? 'enabled' : 'disabled' }
  for (const algo of ['dsa', 'rsa', 'ecdsa', 'ed25519']) {
    const [keytype, key] = (s.get(`/etc/ssh/ssh_host_${algo}_key.pub`) ?? '').trim().split(/\s+/)
    if (keytype && key) Object.assign(facts, { [`ssh_host_key_${algo}_public`]: key, [`ssh_host_key_${algo}_public_keytype`]: keytype })
  }
  const chroot = isChroot(s.get('chroot'))
  if (chroot !== undefined) facts.is_chroot = chroot
  const mode = firstLine(s.get('selinux'))?.toLowerCase()
  if (mode === undefined || mode === 'disabled') facts.selinux = { status: 'disabled' }
  else {
    const config = keyValues(s.get('/etc/selinux/config'))
    facts.selinux = { status: 'enabled', mode, config_mode: config.get('SELINUX') ?? 'unknown', type: config.get('SELINUXTYPE') ?? 'unknown', policyvers: Number(firstLine(s.get('/sys/fs/selinux/policyvers'))) }
  }
  return facts
}

// Ansible's test: a debian_chroot variable, else / differs from PID 1's root, else (unprivileged) / is not
// the file system's root inode (2; 256 on btrfs, 128 on xfs).
function isChroot(text: string | undefined): boolean | undefined {
  const [first, second] = lines(text)
  if (first === 'debian_chroot') return true
  if (first === 'root-same' || first === 'root-differs') return first === 'root-differs'
  if (first === undefined) return undefined
  if (second === undefined || second.startsWith('fs ')) {
    const rootInode = second?.includes('btrfs') ? '256' : second?.includes('xfs') ? '128' : '2'
    return first.split(' ')[1] !== rootInode
  }
  return first !== second
}

function dnsFacts(text: string): Facts {
  const dns: Record<string, unknown> = {}
  for (const line of lines(text)) {
    if (/^\s*[#;]/.test(line)) continue
    const [key, ...values] = line.trim().split(/\s+/)
    if (key === 'nameserver' && values[0]) dns.nameservers = [...((dns.nameservers as string[] | undefined) ?? []), values[0]]
    else if (key === 'domain' && values[0]) dns.domain = values[0]
    else if (key === 'search') dns.search = values
    else if (key === 'sortlist') dns.sortlist = values
    else if (key === 'options') {
      const options = (dns.options as Record<string, unknown> | undefined) ?? {}
      for (const option of values) {
        const at = option.indexOf(':')
        options[at < 0 ? option : option.slice(0, at)] = at < 0 ? true : option.slice(at + 1)
      }
      dns.options = options
    }
  }
  return dns
}
