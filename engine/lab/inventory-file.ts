import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { hostAddress, hostIndex, paths } from './layout.js'

/**
 * The ansible-compatible inventory of the lab: every host in `[lab]`, the Kubernetes topology groups
 * (first three hosts are control plane and etcd, the rest nodes) and the connection variables.
 */
export function inventoryText(hosts: readonly string[], repoUrl?: string): string {
  const control = hosts.slice(0, 3)
  const nodes = hosts.slice(3)
  const section = (title: string, lines: readonly string[]): string => `[${title}]\n${lines.map((l) => `${l}\n`).join('')}`
  return [
    '# Written by `tsplay lab up`; rewritten on every run, removed by `tsplay lab down`.\n',
    section('lab', hosts.map((h) => `${h} ansible_host=${hostAddress(hostIndex(h)!)}`)),
    section('kube_control_plane', control),
    section('etcd', control),
    section('kube_node', nodes),
    section('k8s_cluster:children', ['kube_control_plane', 'kube_node']),
    section('all:vars', [
      'ansible_user=root',
      `ansible_ssh_private_key_file=${paths.key}`,
      `ansible_ssh_common_args='-o UserKnownHostsFile=${paths.knownHosts} -o StrictHostKeyChecking=yes'`,
      'ansible_python_interpreter=/usr/bin/python3',
      'tsplay_lab=true',
      ...(repoUrl ? [`lab_repo_url=${repoUrl}`] : []),
    ]),
  ].join('\n')
}

/** Write the lab inventory to `file`. */
export function writeInventory(file: string, hosts: readonly string[], repoUrl?: string): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, inventoryText(hosts, repoUrl))
}
