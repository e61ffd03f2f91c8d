import { raw, sh } from '../connection/shell.js'
import type { Command } from '../connection/types.js'

/** The fact groups the remote script can collect; `gather_subset` selects among them. */
export type FactGroup = 'platform' | 'distribution' | 'user' | 'env' | 'date_time' | 'system' | 'service' | 'hardware' | 'dmi' | 'virtual' | 'network'

/**
 * Raw text per section name: a file's path (`/etc/os-release`) or a probe name (`uname`). A file that does
 * not exist has no section, an empty one has an empty section.
 */
export type Sections = ReadonlyMap<string, string>

const MARK = '@@tsplay-facts '

// `f PATH` prints a section holding the file, `s NAME` opens a section for a command's output. Only builtins
// and cat are used per file, so a whole gathering is one short-lived sh with a few dozen forks.
const PRELUDE = `s() { printf '\\n${MARK}%s\\n' "$1"; }
f() { for p in "$@"; do [ -r "$p" ] && [ -f "$p" ] && { s "$p"; cat -- "$p" 2>/dev/null; }; done; return 0; }
has() { command -v "$1" >/dev/null 2>&1; }`

const GROUPS: Readonly<Record<FactGroup, string>> = {
  platform: `s uname; uname -s; uname -r; uname -v; uname -m; uname -n
s long_bit; getconf LONG_BIT 2>/dev/null
n=$(uname -n); s fqdn; getent hosts "$n" 2>/dev/null | head -n 1
a=$(getent hosts "$n" 2>/dev/null | head -n 1 | cut -d ' ' -f 1); [ -n "$a" ] && { s fqdn_reverse; getent hosts "$a" 2>/dev/null | head -n 1; }
f /var/lib/dbus/machine-id /etc/machine-id`,
  distribution: `f /etc/os-release /usr/lib/os-release /etc/debian_version /etc/redhat-release /etc/centos-release /etc/oracle-release /etc/system-release /etc/alpine-release /etc/arch-release /etc/SuSE-release /etc/lsb-release
has lsb_release && { s lsb_release; lsb_release -a 2>/dev/null; }`,
  user: `s id; id -un; id -u; id -g; id -ru; id -rg
s passwd; getent passwd "$(id -un)" 2>/dev/null || getent passwd "$(id -u)" 2>/dev/null`,
  env: `s env; env -0 2>/dev/null || env`,
  date_time: `s date; date '+%Y|%m|%A|%w|%W|%d|%H|%M|%S|%s|%Z|%z|%N'; date -u '+%Y-%m-%dT%H:%M:%S'
y=$(date +%Y); s tz_seasons; date -d "$y-01-01 12:00" '+%Z %z' 2>/dev/null; date -d "$y-07-01 12:00" '+%Z %z' 2>/dev/null`,
  system: `f /proc/cmdline /proc/sys/crypto/fips_enabled /etc/resolv.conf /etc/ssh/ssh_host_dsa_key.pub /etc/ssh/ssh_host_rsa_key.pub /etc/ssh/ssh_host_ecdsa_key.pub /etc/ssh/ssh_host_ed25519_key.pub
s chroot; [ -n "\${debian_chroot:-}" ] && echo debian_chroot; stat -c '%d %i' / 2>/dev/null; stat -c '%d %i' /proc/1/root/. 2>/dev/null || stat -f -c 'fs %T' / 2>/dev/null
s apparmor; [ -d /sys/kernel/security/apparmor ] && echo enabled
s selinux; if [ -d /sys/fs/selinux ] && has getenforce; then getenforce; f /etc/selinux/config /sys/fs/selinux/policyvers; fi`,
  service: `f /proc/1/comm
s init_link; [ -L /sbin/init ] && readlink /sbin/init
s exists; for p in /run/systemd/system/ /dev/.run/systemd/ /dev/.systemd/ /etc/init/ /sbin/openrc /etc/init.d/ /run/ostree-booted \\
  /usr/bin/rpm-ostree /usr/bin/yum /usr/bin/dnf /usr/bin/apt-get /usr/bin/zypper /usr/sbin/urpmi /usr/bin/pacman /bin/opkg /sbin/apk /usr/bin/emerge /usr/bin/xbps-install /usr/bin/rpm; do
  [ -e "$p" ] && echo "$p"; done
has systemctl && echo cmd:systemctl; has initctl && echo cmd:initctl
[ -e /usr/bin/rpm ] && /usr/bin/rpm -q --whatprovides /usr/bin/apt-get >/dev/null 2>&1 && echo apt-rpm`,
  hardware: `f /proc/cpuinfo /proc/meminfo /proc/mounts /proc/uptime /proc/loadavg
s nproc; nproc 2>/dev/null
s findmnt; findmnt --list --noheadings --notruncate 2>/dev/null
s lsblk; lsblk --list --noheadings --paths --output NAME,UUID --exclude 2 2>/dev/null
s statfs; while read -r dev mnt fs rest; do case $dev in /*|*:/*) m=$(printf '%b' "$mnt"); stat -f -c "$mnt|%S|%s|%b|%f|%a|%c|%d" -- "$m" 2>/dev/null;; esac; done 2>/dev/null < /proc/mounts`,
  dmi: `s dmi; for k in bios_date bios_vendor bios_version board_asset_tag board_name board_serial board_vendor board_version chassis_asset_tag chassis_serial chassis_vendor chassis_version product_name product_serial product_uuid product_version sys_vendor product_family; do
  v=; [ -r /sys/devices/virtual/dmi/id/$k ] && IFS= read -r v 2>/dev/null < /sys/devices/virtual/dmi/id/$k; printf '%s=%s\\n' "$k" "$v"; done`,
  virtual: `f /proc/1/cgroup /run/systemd/container /proc/xen/capabilities /sys/hypervisor/type
[ -r /proc/1/environ ] && { s /proc/1/environ; tr '\\000' '\\n' 2>/dev/null < /proc/1/environ; }
s vexists; for p in /proc/vz /proc/lve /proc/bc /.dockerenv /.dockerinit /proc/xen /dev/kvm; do [ -e "$p" ] && echo "$p"; done
s vxid; grep '^VxID:' /proc/self/status 2>/dev/null
s modules; cut -d ' ' -f 1 /proc/modules 2>/dev/null`,
  network: `if has ip; then
s route4; ip -4 route get 8.8.8.8 2>/dev/null
s route6; ip -6 route get 2404:6800:400a:800::1012 2>/dev/null
s addr_primary; ip addr show primary 2>/dev/null
s addr_secondary; ip addr show secondary 2>/dev/null
fi
for d in /sys/class/net/*; do [ -d "$d" ] || continue; n=\${d##*/}; s "net $n"
  for k in address mtu operstate type flags speed; do v=; [ -r "$d/$k" ] && IFS= read -r v 2>/dev/null < "$d/$k" && printf '%s=%s\\n' "$k" "$v"; done
  [ -d "$d/bridge" ] && printf 'bridge=%s\\nbridge_id=%s\\nstp=%s\\n' "$(ls "$d/brif" 2>/dev/null | tr '\\n' ' ')" "$(cat "$d/bridge/bridge_id" 2>/dev/null)" "$(cat "$d/bridge/stp_state" 2>/dev/null)"
  [ -d "$d/bonding" ] && printf 'bonding=%s\\n' "$(cat "$d/bonding/slaves" 2>/dev/null)"
  [ -e "$d/device" ] && printf 'pciid=%s\\n' "$(basename "$(readlink "$d/device")")"
  [ -e "$d/device/driver/module" ] && printf 'module=%s\\n' "$(basename "$(readlink -f "$d/device/driver/module")")"
done`,
}

/** The one remote script for the given groups: POSIX sh, no Python, prints sections parsed by `splitSections`. */
export function factScript(groups: ReadonlySet<FactGroup>): Command {
  const parts = (Object.keys(GROUPS) as FactGroup[]).filter((g) => groups.has(g)).map((g) => GROUPS[g])
  // Everything here is tsplay's own text; no value from a playbook or host reaches it.
  return sh`${raw([PRELUDE, ...parts, 'exit 0'].join('\n'))}`
}

/** Split the script's output into its sections. */
export function splitSections(output: string): Sections {
  const sections = new Map<string, string>()
  const pieces = `\n${output}`.split(new RegExp(`\\n${MARK}([^\\n]*)\\n`))
  for (let i = 1; i + 1 < pieces.length; i += 2) sections.set(pieces[i]!, pieces[i + 1]!)
  return sections
}
