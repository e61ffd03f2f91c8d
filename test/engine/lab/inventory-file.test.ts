import { describe, expect, it } from 'vitest'
import { inventoryText } from '../../../engine/lab/inventory-file.js'
import { paths } from '../../../engine/lab/layout.js'

describe('lab inventory', () => {
  it('puts the first three hosts in control plane and etcd, the rest in kube_node', () => {
    const text = inventoryText(['lab1', 'lab2', 'lab3', 'lab4', 'lab5'], 'http://10.231.0.1:8231/')
    expect(text).toContain('[lab]\nlab1 ansible_host=10.231.0.11\nlab2 ansible_host=10.231.0.12\n')
    expect(text).toContain('[kube_control_plane]\nlab1\nlab2\nlab3\n\n[etcd]\nlab1\nlab2\nlab3\n\n[kube_node]\nlab4\nlab5\n')
    expect(text).toContain('[k8s_cluster:children]\nkube_control_plane\nkube_node\n')
    expect(text).toContain(`ansible_ssh_private_key_file=${paths.key}\n`)
    expect(text).toContain('tsplay_lab=true\nlab_repo_url=http://10.231.0.1:8231/\n')
  })

  it('has an empty kube_node group and no repo url for a small lab without a repo', () => {
    const text = inventoryText(['lab1', 'lab2'])
    expect(text).toContain('[etcd]\nlab1\nlab2\n\n[kube_node]\n\n')
    expect(text).not.toContain('lab_repo_url')
  })
})
