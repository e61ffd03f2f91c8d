// The roles' RedHat/CentOS branches cannot run here (no RPM distribution boots in the lab), so they are
// planned in check mode on a Debian lab host that is given CentOS 7 facts, with Debian's dnf and rpm and a
// local RPM repository offering the packages by name (empty stand-ins built with rpmbuild: check mode only
// plans their installation). Asserted: the planned packages, repositories and files.
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { sshCheck, sshRun } from '../lab/helpers.js'
import { buildRpmRepo, repoFile } from '../lab/rpm-repo.js'
import { changedTasks, parseRunOutput } from './run-output.js'
import { labInventoryFor, ROOT, tsplayRun } from './tsplay-run.js'

const HOST = 'lab6'
const HOSTS = ['lab1', 'lab2', 'lab3', 'lab4', 'lab5', 'lab6']
const REMOTE_REPO = '/srv/tsplay-rhel-stand-ins'
// What the RedHat branches install, by name; kubelet/kubeadm/kubectl at the roles' kube_version.
const RPMS = [
  ...['ca-certificates', 'curl', 'conntrack-tools', 'socat', 'ebtables', 'ethtool', 'iproute', 'iptables', 'kmod', 'procps-ng', 'yum-utils'],
  ...['ipvsadm', 'ipset', 'containerd.io', 'nginx', 'nginx-mod-stream'],
].map((name) => ({ name, version: '1.0' })).concat(['kubelet', 'kubeadm', 'kubectl'].map((name) => ({ name, version: '1.27.0' })))

describe('the RedHat branches of the roles, planned in check mode with CentOS 7 facts', () => {
  let output = ''
  let code = -1

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'tsplay-rhel-'))
    const repo = buildRpmRepo(join(work, 'build'), RPMS)
    const tarball = (await promisify(execFile)('tar', ['-C', repo, '-czf', '-', '.'], { encoding: 'buffer', maxBuffer: 64 << 20 })).stdout
    await sshCheck(HOST, 'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends dnf rpm >/dev/null')
    // a directory every RHEL host has (the kubelet's environment file goes there)
    await sshCheck(HOST, 'mkdir -p /etc/sysconfig')
    const copied = await sshRun(HOST, `rm -rf ${REMOTE_REPO} && mkdir -p ${REMOTE_REPO} /etc/yum.repos.d && base64 -d | tar -xz -C ${REMOTE_REPO}`,
      { stdin: tarball.toString('base64') })
    expect(copied.exitCode, copied.stderr).toBe(0)
    await sshCheck(HOST, `cat > /etc/yum.repos.d/tsplay-stand-ins.repo <<'EOF'\n${repoFile('tsplay-stand-ins', REMOTE_REPO)}EOF`)
    const run = await tsplayRun('test/e2e/fixtures/rhel-plan.yaml', labInventoryFor(HOSTS), [
      '--check', '--diff', '-v', '-e', `@${join(ROOT, 'test/e2e/fixtures/rhel-facts.yml')}`, '-e', `rhel_host=${HOST}`], 15 * 60_000)
    output = run.output
    code = run.code
  }, 15 * 60_000)

  it('plans without failing', () => {
    expect(code, output.slice(-4000)).toBe(0)
    expect(parseRunOutput(output).recap.get(HOST)).toMatchObject({ failed: 0, unreachable: 0 })
  })

  it('plans the RedHat package, repository and file tasks, and no Debian one', () => {
    const changed = changedTasks(parseRunOutput(output), HOST)
    for (const task of ['install base packages (RedHat)', 'install ipvs tools (RedHat)', 'add the docker-ce repository for containerd.io (RedHat)',
      'install containerd (RedHat)', 'install nginx with the stream module (RedHat)', 'add the Kubernetes yum repository',
      'install kubelet, kubeadm and kubectl (RedHat)', "set the kubelet's extra arguments"]) {
      expect(changed.some((t) => t.includes(task)), `${task} in ${JSON.stringify(changed, null, 1)}`).toBe(true)
    }
    expect(changed.filter((t) => t.includes('(Debian)'))).toEqual([])
  })

  it('plans the RedHat packages by name and version', () => {
    for (const pkg of ['conntrack-tools', 'procps-ng', 'ipvsadm', 'containerd.io', 'nginx-mod-stream']) expect(output).toMatch(new RegExp(`^\\+${pkg} 1\\.0`, 'm'))
    for (const pkg of ['kubelet', 'kubeadm', 'kubectl']) expect(output).toMatch(new RegExp(`^\\+${pkg} 1\\.27\\.0`, 'm'))
  })

  it('marks what needs the packages installed first: skipped in check mode, not guessed', () => {
    const skipped = [...(parseRunOutput(output).skipped.get(HOST) ?? [])]
    for (const task of ['configure containerd', 'configure nginx']) expect(skipped.some((t) => t.includes(task)), task).toBe(true)
  })

  it('plans the repositories and the RedHat paths in the files', () => {
    expect(output).toMatch(/^\+baseurl = https:\/\/pkgs\.k8s\.io\/core:\/stable:\/v1\.27\/rpm\/$/m)
    expect(output).toMatch(/^\+\[docker-ce-stable\]$/m)
    expect(output).toMatch(/^\+baseurl = https:\/\/download\.docker\.com\/linux\/centos\/\$releasever\/\$basearch\/stable$/m)
    expect(output).toContain('"dest": "/etc/sysconfig/kubelet"')
    expect(output).toMatch(/^\+\+\+ after: \/etc\/yum\.repos\.d\/kubernetes\.repo$/m)
    expect(output).toMatch(/^\+\+\+ after: \/etc\/yum\.repos\.d\/docker-ce-stable\.repo$/m)
    expect(output).toMatch(/^\+KUBELET_EXTRA_ARGS=--node-ip=10\.231\.0\.16$/m)
    expect(output).not.toContain('/etc/default/kubelet')
  })
})
