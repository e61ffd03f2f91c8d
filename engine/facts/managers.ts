import type { Sections } from './script.js'
import { lines, type Facts } from './system.js'

const PROC_1_NAMES: Readonly<Record<string, string>> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' }

/** `service_mgr` by Ansible's Linux rules: PID 1's name unless it is `init` or a shell, then systemd/upstart/openrc/sysvinit markers. */
export function serviceManagerFacts(s: Sections): Facts {
  const present = new Set((s.get('exists') ?? '').split('\n'))
  let proc1 = s.get('/proc/1/comm')?.trim()
  if (!proc1) proc1 = (s.get('init_link') ?? '').trim() || undefined
  if (proc1 !== undefined) proc1 = proc1.split('/').pop()!.trim()
  if (proc1 === 'init' || proc1?.endsWith('sh')) proc1 = undefined
  if (proc1) return { service_mgr: PROC_1_NAMES[proc1] ?? proc1 }
  const systemctl = present.has('cmd:systemctl')
  const initLink = (s.get('init_link') ?? '').trim()
  let manager = 'service'
  if (systemctl && ['/run/systemd/system/', '/dev/.run/systemd/', '/dev/.systemd/'].some((p) => present.has(p))) manager = 'systemd'
  else if (present.has('cmd:initctl') && present.has('/etc/init/')) manager = 'upstart'
  else if (present.has('/sbin/openrc')) manager = 'openrc'
  else if (systemctl && initLink.split('/').pop() === 'systemd') manager = 'systemd'
  else if (present.has('/etc/init.d/')) manager = 'sysvinit'
  return { service_mgr: manager }
}

// Ansible's PKG_MGRS order, for the paths a Linux host can have; the last one present wins before family defaults.
const PKG_MGRS: readonly (readonly [string, string])[] = [
  ['/usr/bin/rpm-ostree', 'atomic_container'], ['/usr/bin/yum', 'yum'], ['/usr/bin/dnf', 'dnf'], ['/usr/bin/apt-get', 'apt'],
  ['/usr/bin/zypper', 'zypper'], ['/usr/sbin/urpmi', 'urpmi'], ['/usr/bin/pacman', 'pacman'], ['/bin/opkg', 'opkg'],
  ['/sbin/apk', 'apk'], ['/usr/bin/emerge', 'portage'], ['/usr/bin/xbps-install', 'xbps'],
]

/** `pkg_mgr` as Ansible picks it, including the RedHat (yum/dnf by version) and Debian (always apt) defaults. */
export function packageManagerFacts(s: Sections, distribution: Facts): Facts {
  const present = new Set((s.get('exists') ?? '').split('\n'))
  let manager = 'unknown'
  for (const [path, name] of PKG_MGRS) if (present.has(path)) manager = name
  const family = distribution.os_family
  const major = Number.parseInt(String(distribution.distribution_major_version), 10)
  if (family === 'RedHat') {
    if (present.has('/run/ostree-booted')) manager = 'atomic_container'
    else if (distribution.distribution === 'Fedora') manager = !(major < 23) ? (present.has('/usr/bin/dnf') ? 'dnf' : manager) : (present.has('/usr/bin/yum') ? 'yum' : manager)
    else if (distribution.distribution === 'Amazon') manager = !(major < 2022) ? (present.has('/usr/bin/dnf') ? 'dnf' : manager) : (present.has('/usr/bin/yum') ? 'yum' : manager)
    else manager = major < 8 ? 'yum' : 'dnf'
  } else if (family === 'Debian') manager = 'apt'
  else if (family === 'Altlinux' && manager === 'apt') manager = 'apt_rpm'
  if (manager === 'apt' && present.has('apt-rpm')) manager = 'apt_rpm'
  return { pkg_mgr: manager }
}


/**
 * virtualization_type / virtualization_role / virtualization_tech_guest / _host, following Ansible's Linux
 * order: cgroups, PID 1's `container=`, OpenVZ, systemd's container file, docker markers, Xen, DMI, cpuinfo, modules.
 */
export function virtualizationFacts(s: Sections, dmi: Readonly<Record<string, string>>): Facts {
  const guest = new Set<string>()
  const host = new Set<string>()
  const present = new Set(lines(s.get('vexists')))
  let type: string | undefined
  let role: string | undefined
  const found = (tech: string, r: string | undefined, set: Set<string> = guest): void => {
    set.add(tech)
    if (type === undefined) {
      type = tech
      role = r
    }
  }
  for (const line of lines(s.get('/proc/1/cgroup'))) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) found('docker', 'guest')
    if (/\/lxc\//.test(line) || /\/machine\.slice\/machine-lxc/.test(line)) found('lxc', 'guest')
    if (/\/system\.slice\/containerd\.service/.test(line)) found('containerd', 'guest')
  }
  // older scripts turned the NULs into newlines on the host
  for (const line of lines(s.get('/proc/1/environ')?.replaceAll('\0', '\n'))) {
    if (line.includes('container=lxc')) found('lxc', 'guest')
    if (line.includes('container=podman')) found('podman', 'guest')
    if (/^container=./.test(line)) found('container', 'guest')
  }
  if (present.has('/proc/vz') && !present.has('/proc/lve')) found('openvz', present.has('/proc/bc') ? 'host' : 'guest', present.has('/proc/bc') ? host : guest)
  const systemdContainer = s.get('/run/systemd/container')?.trim()
  if (systemdContainer) found(systemdContainer, 'guest')
  if (present.has('/.dockerenv') || present.has('/.dockerinit')) found('docker', 'guest')
  if (systemdContainer || ['docker', 'lxc', 'podman', 'openvz', 'containerd'].some((t) => guest.has(t))) guest.add('container')
  if (present.has('/proc/xen')) {
    const xenHost = (s.get('/proc/xen/capabilities') ?? '').includes('control_d')
    found('xen', xenHost ? 'host' : 'guest', xenHost ? host : guest)
  }
  const product = dmi.product_name ?? ''
  const vendor = dmi.sys_vendor ?? ''
  const bios = dmi.bios_vendor ?? ''
  if (['KVM', 'KVM Server', 'Bochs', 'AHV'].includes(product)) found('kvm', 'guest')
  if (vendor === 'oVirt') found('oVirt', 'guest')
  if (vendor === 'Red Hat' && dmi.product_family === 'RHV') found('RHV', 'guest')
  else if (vendor === 'Red Hat' && product === 'RHEV Hypervisor') found('RHEV', 'guest')
  if (['VMware Virtual Platform', 'VMware7,1'].includes(product)) found('VMware', 'guest')
  if (['OpenStack Compute', 'OpenStack Nova'].includes(product)) found('openstack', 'guest')
  if (bios === 'Xen') found('xen', 'guest')
  if (bios === 'innotek GmbH') found('virtualbox', 'guest')
  if (['Amazon EC2', 'DigitalOcean', 'Hetzner'].includes(bios)) found('kvm', 'guest')
  if (['QEMU', 'Amazon EC2', 'DigitalOcean', 'Google', 'Scaleway', 'Nutanix'].includes(vendor)) found('kvm', 'guest')
  if (vendor === 'KubeVirt') found('KubeVirt', 'guest')
  if (vendor === 'Microsoft Corporation') found('VirtualPC', 'guest')
  if (vendor === 'Parallels Software International Inc.') found('parallels', 'guest')
  if (vendor === 'OpenStack Foundation') found('openstack', 'guest')
  const vxid = /^VxID:\s+(\d+)/m.exec(s.get('vxid') ?? s.get('/proc/self/status') ?? '')
  if (vxid) found('linux_vserver', vxid[1] === '0' ? 'host' : 'guest', vxid[1] === '0' ? host : guest)
  for (const line of lines(s.get('/proc/cpuinfo'))) {
    if (/^model name.*QEMU Virtual CPU/.test(line)) found('kvm', 'guest')
    else if (/^vendor_id.*User Mode Linux/.test(line) || /^model name.*UML/.test(line)) found('uml', 'guest')
  }
  const modules = new Set(s.has('modules') ? lines(s.get('modules')) : lines(s.get('/proc/modules')).map((l) => l.split(' ')[0]!))
  if (modules.has('kvm')) found('kvm', 'host', host)
  if (modules.has('vboxdrv')) found('virtualbox', 'host', host)
  if (modules.has('virtio')) found('kvm', 'guest', host)
  if (present.has('/dev/kvm')) found('kvm', 'host', host)
  return {
    virtualization_type: type ?? 'NA',
    virtualization_role: role ?? 'NA',
    virtualization_tech_guest: [...guest],
    virtualization_tech_host: [...host],
  }
}
