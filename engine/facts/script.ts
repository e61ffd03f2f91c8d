import { type Command, raw, sh } from '../connection/index.js'
import { pythonProbe } from './python.js'

/** The fact groups the remote script can collect; `gather_subset` selects among them. */
export type FactGroup = 'platform' | 'python' | 'distribution' | 'user' | 'env' | 'date_time' | 'system' | 'service' | 'hardware' | 'dmi' | 'virtual' | 'network'

/**
 * Raw text per section name: a file's path (`/etc/os-release`) or a probe name (`uname`). A file that does
 * not exist has no section, an empty one has an empty section.
 */
export type Sections = ReadonlyMap<string, string>

const MARK = '@@tsplay-facts '

// An exec costs a host about ten times a fork, so the script execs as little as it can: `s NAME` opens a section
// for a command's output, `f PATH…` only notes readable regular files (builtins), and one `head -v` at the end
// prints them all (section `head`, split by `splitSections` using the list in section `files`). `nl` is a newline,
// for parameter expansions that cut the first line of a command's output.
const PRELUDE = `s() { printf '\\n${MARK}%s\\n' "$1"; }
f() { for p in "$@"; do [ -r "$p" ] && [ -f "$p" ] && F="$F$p
"; done; return 0; }
has() { command -v "$1" >/dev/null 2>&1; }`

// Set after \`env\` ran, so that a variable of the same name in the environment is reported as it was.
const VARIABLES = `F=
nl='
'`

// Last: the files noted by `f`, in one exec. Their names are tsplay's own fixed paths, split on newlines only.
const FILES = `if [ -n "$F" ]; then s files; printf '%s' "$F"; s head; set -f; IFS=$nl; head -v -c 1000000000 -- $F 2>/dev/null; fi`

const GROUPS: Readonly<Record<Exclude<FactGroup, 'python'>, string>> = {
  platform: `s uname_snrvm; uname -snrvm
s long_bit; getconf LONG_BIT 2>/dev/null
n=; IFS= read -r n </proc/sys/kernel/hostname
s fqdn; h=$(getent hosts "$n" 2>/dev/null); h=\${h%%"$nl"*}; [ -n "$h" ] && printf '%s\\n' "$h"
a=\${h%%[ \t]*}; [ -n "$a" ] && { s fqdn_reverse; h=$(getent hosts "$a" 2>/dev/null); h=\${h%%"$nl"*}; [ -n "$h" ] && printf '%s\\n' "$h"; }
f /var/lib/dbus/machine-id /etc/machine-id`,
  distribution: `f /etc/os-release /usr/lib/os-release /etc/debian_version /etc/redhat-release /etc/centos-release /etc/oracle-release /etc/system-release /etc/alpine-release /etc/arch-release /etc/SuSE-release /etc/lsb-release
has lsb_release && { s lsb_release; lsb_release -a 2>/dev/null; }`,
  // real and effective uid and gid from the shell's own status (builtins only); passwd is the effective user's
  user: `s ids; u=; while IFS=' 	' read -r k r e x; do case $k in Uid:) u=$e; echo "uid $r $e";; Gid:) echo "gid $r $e";; esac; done </proc/self/status
s passwd; getent passwd "$u" 2>/dev/null`,
  env: `s env; env -0 2>/dev/null || env`,
  // GNU date reads several dates from stdin in one exec: now, and noon on 1 January and 1 July of this year
  // (the zone's two seasons); elsewhere (busybox) the old separate calls.
  date_time: `d=$(date -f - '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%Z|%z|%N' 2>/dev/null <<'EOD'
now
jan 1 12:00
jul 1 12:00
EOD
) && [ "\${d#*"$nl"*"$nl"}" != "$d" ] && { s dates; printf '%s\\n' "$d"; } || {
s date; date '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%Z|%z|%N'; date -u '+%Y-%m-%dT%H:%M:%S'
y=$(date +%Y); s tz_seasons; date -d "$y-01-01 12:00" '+%Z %z' 2>/dev/null; date -d "$y-07-01 12:00" '+%Z %z' 2>/dev/null; }`,
  system: `f /proc/cmdline /proc/sys/crypto/fips_enabled /etc/resolv.conf /etc/ssh/ssh_host_dsa_key.pub /etc/ssh/ssh_host_rsa_key.pub /etc/ssh/ssh_host_ecdsa_key.pub /etc/ssh/ssh_host_ed25519_key.pub
s chroot; [ -n "\${debian_chroot:-}" ] && echo debian_chroot
if [ -e /proc/1/root/. ]; then if [ / -ef /proc/1/root/. ]; then echo root-same; else echo root-differs; fi
else stat -c '%d %i' / 2>/dev/null; stat -f -c 'fs %T' / 2>/dev/null; fi
s apparmor; [ -d /sys/kernel/security/apparmor ] && echo enabled
s selinux; if [ -d /sys/fs/selinux ] && has getenforce; then getenforce; f /etc/selinux/config /sys/fs/selinux/policyvers; fi`,
  // /sbin/init's target matters only when PID 1's name does not tell (see serviceManagerFacts): no exec otherwise
  service: `f /proc/1/comm
c=; [ -r /proc/1/comm ] && IFS= read -r c </proc/1/comm
s init_link; case \${c##*/} in ''|init|*sh) [ -L /sbin/init ] && readlink /sbin/init;; esac
s exists; for p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ /run/ostree-booted \\
  /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge /usr/bin/xbps-install /usr/bin/rpm; do
  [ -e "$p" ] && echo "$p"; done
has systemctl && echo cmd:systemctl; has initctl && echo cmd:initctl
[ -e /usr/bin/rpm ] && /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1 && echo apt-rpm`,
  // statfs: one stat for all mount points without an escape in /proc/mounts (their name is their path), one
  // each for the others, keyed by the escaped name as before.
  hardware: `f /proc/cpuinfo /proc/meminfo /proc/mounts /proc/uptime /proc/loadavg /proc/self/status
s findmnt; findmnt --list --noheadings --notruncate 2>/dev/null
s lsblk; lsblk --list --noheadings --paths --output NAME,UUID --exclude 2 2>/dev/null
s statfs; M=; while read -r dev mnt fs rest; do case $dev in /*|*:/*) case $mnt in *\\\\*) stat -f -c "$mnt|%S|%s|%b|%f|%a|%c|%d" -- "$(printf '%b' "$mnt")" 2>/dev/null;; *) M="$M$mnt$nl";; esac;; esac; done 2>/dev/null < /proc/mounts
[ -n "$M" ] && (set -f; IFS=$nl; exec stat -f -c '%n|%S|%s|%b|%f|%a|%c|%d' -- $M 2>/dev/null)`,
  dmi: `s dmi; for k in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version product_name product_serial product_uuid product_version sys_vendor product_family; do
  v=; [ -r /sys/devices/virtual/dmi/id/$k ] && IFS= read -r v 2>/dev/null < /sys/devices/virtual/dmi/id/$k; printf '%s=%s\\n' "$k" "$v"; done`,
  virtual: `f /proc/1/cgroup /run/systemd/container /proc/xen/capabilities /sys/hypervisor/type /proc/1/environ /proc/self/status /proc/modules
s vexists; for p in /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /proc/xen /dev/kvm; do [ -e "$p" ] && echo "$p"; done`,
  // one \`ip\` for both default routes and every address (splitIpBatch makes Ansible's four listings of it)
  network: `has ip && { s ip_batch; printf 'route get 8.8.8.8\\nroute get 2404:6800:400a:800::1012\\naddr show\\n' | ip -force -batch - 2>/dev/null; }
r() { v=; [ -r "$1" ] && IFS= read -r v 2>/dev/null < "$1"; }
for d in /sys/class/net/*; do [ -d "$d" ] || continue; n=\${d##*/}; s "net $n"
  for k in address mtu operstate type flags speed; do r "$d/$k" && printf '%s=%s\\n' "$k" "$v"; done
  if [ -d "$d/bridge" ]; then b=; for p in "$d"/brif/*; do [ -e "$p" ] && b="$b\${p##*/} "; done
    r "$d/bridge/bridge_id"; printf 'bridge=%s\\nbridge_id=%s\\n' "$b" "$v"; r "$d/bridge/stp_state"; printf 'stp=%s\\n' "$v"; fi
  [ -d "$d/bonding" ] && { r "$d/bonding/slaves"; printf 'bonding=%s\\n' "$v"; }
  [ -e "$d/device" ] && { l=$(readlink "$d/device"); printf 'pciid=%s\\n' "\${l##*/}"; }
  [ -e "$d/device/driver/module" ] && { l=$(readlink -f "$d/device/driver/module"); printf 'module=%s\\n' "\${l##*/}"; }
done`,
}

/**
 * The one remote script for the given groups: POSIX sh, prints sections parsed by `splitSections`. Python runs
 * only for the `python` group (`ansible_python`) and `platform` (`ansible_python_version`), as `interpreter`
 * (`ansible_python_interpreter`) or as discovered.
 */
export function factScript(groups: ReadonlySet<FactGroup>, interpreter?: string): Command {
  const parts = (Object.keys(GROUPS) as Array<keyof typeof GROUPS>).filter((g) => g !== 'env' && groups.has(g)).map((g) => GROUPS[g])
  if (groups.has('python') || groups.has('platform')) parts.push(pythonProbe(interpreter))
  // Everything here is tsplay's own text; no value from a playbook or host reaches it.
  return sh`${raw([PRELUDE, ...(groups.has('env') ? [GROUPS.env] : []), VARIABLES, ...parts, FILES, 'exit 0'].join('\n'))}`
}

/** Split the script's output into its sections; each file `head` printed becomes a section named by its path. */
export function splitSections(output: string): Sections {
  const sections = new Map<string, string>()
  const pieces = `\n${output}`.split(new RegExp(`\\n${MARK}([^\\n]*)\\n`))
  for (let i = 1; i + 1 < pieces.length; i += 2) sections.set(pieces[i]!, pieces[i + 1]!)
  const head = sections.get('head')
  if (head !== undefined) {
    sections.delete('head')
    for (const [path, text] of splitHead(head, (sections.get('files') ?? '').split('\n'))) sections.set(path, text)
    sections.delete('files')
  }
  const ip = sections.get('ip_batch')
  if (ip !== undefined) {
    sections.delete('ip_batch')
    splitIpBatch(sections, ip)
  }
  return sections
}

// `route get` of the IPv4 and of the IPv6 target, then `addr show`, from one `ip -batch`: split into the sections of
// Ansible's four commands. A route starts on an unindented line that names its target; `addr show primary` is the
// listing without the addresses flagged secondary (IPv4) or temporary (IPv6, the same flag), `addr show secondary`
// the interface lines with only those.
function splitIpBatch(sections: Map<string, string>, output: string): void {
  const routes = { route4: [] as string[], route6: [] as string[] }
  const primary: string[] = []
  const secondary: string[] = []
  let route: string[] | undefined
  let header: string | undefined
  for (const line of output.split('\n')) {
    if (/^\d+: /.test(line)) {
      header = line
      primary.push(line)
    } else if (header === undefined) {
      if (!line.startsWith(' ')) route = line.includes(ROUTE_TARGETS.v6) ? routes.route6 : line.includes(ROUTE_TARGETS.v4) ? routes.route4 : undefined
      route?.push(line)
    } else if (/^\s+inet6? /.test(line) && line.trim().split(/\s+/).slice(2).some((w) => w === 'secondary' || w === 'temporary')) {
      if (!secondary.includes(header)) secondary.push(header)
      secondary.push(line)
    } else {
      primary.push(line)
    }
  }
  sections.set('route4', routes.route4.join('\n'))
  sections.set('route6', routes.route6.join('\n'))
  sections.set('addr_primary', primary.join('\n'))
  sections.set('addr_secondary', secondary.join('\n'))
}

/** The addresses `ip route get` is asked about, as Ansible asks: where the default routes lead. */
export const ROUTE_TARGETS = { v4: '8.8.8.8', v6: '2404:6800:400a:800::1012' } as const

// `head -v` puts `==> PATH <==` before each file and a blank line between files, in the order of its arguments,
// and no header for a file it could not open: a file is the text between its header and the next asked-for one.
function splitHead(output: string, paths: readonly string[]): Map<string, string> {
  const files = new Map<string, string>()
  const text = `\n${output}`
  let open: { path: string; start: number } | undefined
  let at = 0
  for (const path of paths) {
    if (path === '') continue
    const header = `\n==> ${path} <==\n`
    const found = text.indexOf(header, at)
    if (found < 0) continue
    if (open) files.set(open.path, text.slice(open.start, found))
    open = { path, start: found + header.length }
    at = open.start
  }
  if (open) files.set(open.path, text.slice(open.start))
  return files
}
