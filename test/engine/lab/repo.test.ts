import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { debNames, repoAction } from '../../../engine/lab/repo.js'

describe('serving a repository to the lab', () => {
  const folders: Record<string, string[]> = {
    '/a/debs': ['kubeadm_1.27.0_amd64.deb', 'kubelet_1.27.0_amd64.deb'],
    '/b/debs': ['kubelet_1.27.0_amd64.deb', 'kubeadm_1.27.0_amd64.deb'],
    '/c/debs': ['kubeadm_1.28.0_amd64.deb', 'kubelet_1.27.0_amd64.deb'],
  }
  const names = (dir: string): string[] => [...(folders[dir] ?? [])].sort()
  const served = { dir: '/a/debs', port: 8231, pid: 42 }

  it('keeps a running server that serves the same packages from another folder', () => {
    expect(repoAction(served, true, '/b/debs', 8231, names)).toBe('keep')
  })

  it('re-reads the index of the folder it serves already, and (re)starts it otherwise', () => {
    expect(repoAction(served, true, '/a/debs', 8231, names)).toBe('index')
    expect(repoAction(served, true, '/c/debs', 8231, names)).toBe('serve')
    expect(repoAction(served, true, '/empty', 8231, names)).toBe('serve')
    expect(repoAction(served, false, '/b/debs', 8231, names)).toBe('serve')
    expect(repoAction(served, true, '/b/debs', 8232, names)).toBe('serve')
    expect(repoAction(undefined, false, '/b/debs', 8231, names)).toBe('serve')
  })

  it('lists the .deb files of a folder, none when it is gone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsplay-repo-'))
    for (const name of ['b_1_all.deb', 'a_1_all.deb', 'Packages']) writeFileSync(join(dir, name), '')
    mkdirSync(join(dir, 'sub.deb.d'))
    expect(debNames(dir)).toEqual(['a_1_all.deb', 'b_1_all.deb'])
    expect(debNames(join(dir, 'missing'))).toEqual([])
  })
})
