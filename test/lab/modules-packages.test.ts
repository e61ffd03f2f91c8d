// Package modules on a real lab host: apt installs and removes Debian packages through the lab's apt proxy;
// dnf/yum install and remove an RPM built here (rpmbuild + createrepo_c) from a file:// repository on the host,
// after apt has installed Debian's dnf and rpm there. Each step runs in check mode first (host untouched,
// same prediction), then for real, then again with no change.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Connection, sh } from '../../engine/connection/index.js'
import { BRIDGE_ADDRESS } from '../../engine/lab/index.js'
import { type AnyModule, type ModuleOutcome, runModule } from '../../engine/module.js'
import { apt } from '../../modules/apt.js'
import { apt_key } from '../../modules/apt_key.js'
import { apt_repository } from '../../modules/apt_repository.js'
import { deb822_repository } from '../../modules/deb822_repository.js'
import { dnf } from '../../modules/dnf.js'
import { packageModule } from '../../modules/package.js'
import { yum } from '../../modules/yum.js'
import { yum_repository } from '../../modules/yum_repository.js'
import { converge as convergeOn } from '../helpers/converge.js'
import { runBothEngines } from '../helpers/lab-differential.js'
import { makeContext } from '../helpers/module-context.js'
import { type LabHost, labHostNamed } from './helpers.js'
import { connectLabHost } from './lab-connection.js'
import { buildRpmRepo } from './rpm-repo.js'

let lab: LabHost
let conn: Connection
const work = mkdtempSync(join(tmpdir(), 'tsplay-pkg-lab-'))

beforeAll(async () => {
  // lab5 exists whenever the lab's global setup passed and no other suite reboots or stops it.
  lab = labHostNamed('TSPLAY_PACKAGES_LAB_HOST', 'lab5')
  conn = await connectLabHost(lab)
  // Sources an interrupted earlier run may have left would make every apt-get update fail.
  await conn.exec(sh`rm -f /etc/apt/sources.list.d/tsdiff.list /etc/apt/sources.list.d/tsplay-local.list /etc/apt/sources.list.d/tsplay-local.sources`)
})
afterAll(async () => {
  await conn?.close()
  rmSync(work, { recursive: true, force: true })
})

const run = (mod: AnyModule, args: Record<string, unknown>, check = false, vars: Record<string, unknown> = {}): Promise<ModuleOutcome> =>
  runModule(mod, makeContext({ conn, check, diff: true, vars }), mod.args.parse(args))
const shell = async (command: ReturnType<typeof sh>): Promise<string> => (await conn.exec(command, { allowFailure: true })).stdout.trim()
const dpkgStatus = (name: string): Promise<string> => shell(sh`dpkg-query -W -f=${'${db:Status-Abbrev}'} ${name} 2>/dev/null`)

// What check mode must leave alone: dpkg's and rpm's databases, the source and repository files, the keyrings.
const HOST_STATE = sh`md5sum /var/lib/dpkg/status; rpm -qa 2>/dev/null | sort; cat /etc/apt/sources.list.d/* /etc/yum.repos.d/* 2>/dev/null; ls -l /etc/apt/keyrings 2>/dev/null`

/** Check mode predicts without touching the host, the real run does exactly that, a second run changes nothing. */
const converge = (mod: AnyModule, args: Record<string, unknown>, vars: Record<string, unknown> = {}): Promise<ModuleOutcome> =>
  convergeOn(() => conn, (m, a, check) => run(m, a, check ?? false, vars), mod, args, HOST_STATE)

describe('apt on a lab host', () => {
  it('refreshes the package lists once, then not while they are fresh', async () => {
    await run(apt, { update_cache: true })
    expect(await run(apt, { update_cache: true, cache_valid_time: 3600 })).toMatchObject({ status: 'ok', values: { cache_updated: false } })
  })

  it('installs hello and cowsay (with dependencies), predicted in check mode, then removes them', async () => {
    await run(apt, { name: ['hello', 'cowsay'], state: 'absent', purge: true, autoremove: true })
    const installed = await converge(apt, { name: ['hello', 'cowsay'], install_recommends: false })
    expect(installed.changes).toEqual(expect.arrayContaining([expect.stringMatching(/^install hello \S+$/), expect.stringMatching(/^install cowsay \S+$/)]))
    expect(await dpkgStatus('hello')).toBe('ii')
    expect(await dpkgStatus('cowsay')).toBe('ii')
    expect(await shell(sh`apt-mark showmanual hello cowsay`)).toBe('cowsay\nhello')

    const removed = await converge(apt, { name: ['hello', 'cowsay'], state: 'absent' })
    expect(removed.changes).toEqual([expect.stringMatching(/^remove hello /), expect.stringMatching(/^remove cowsay /)])
    expect(await dpkgStatus('hello')).toBe('')
    expect(await dpkgStatus('cowsay')).toMatch(/^(rc|)$/)
  })

  it('installs a pinned version and fails clearly on one that does not exist', async () => {
    const version = (await shell(sh`apt-cache policy hello | sed -n 's/^  Candidate: //p'`))
    await converge(apt, { name: `hello=${version}` })
    expect(await run(apt, { name: 'hello=0.0-nonexistent' })).toMatchObject({ status: 'failed', msg: 'no available installation candidate for hello=0.0-nonexistent' })
    await converge(apt, { name: 'hello', state: 'absent', purge: true })
  })

  it('waits for the dpkg lock another process holds instead of failing', async () => {
    await run(apt, { name: 'hello', state: 'absent' })
    await conn.exec(sh`nohup python3 -c 'import fcntl, time; f = open("/var/lib/dpkg/lock-frontend", "w"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(8)' >/dev/null 2>&1 &
sleep 1`)
    const result = await run(apt, { name: 'hello' })
    expect(result.status, result.msg).toBe('changed')
    expect(result.values.stderr).toContain('package manager lock is held by another process, waiting')
    await run(apt, { name: 'hello', state: 'absent' })
  })

  it('package picks apt from the facts', async () => {
    await converge(packageModule, { name: 'hello', state: 'present' }, { ansible_pkg_mgr: 'apt' })
    await converge(packageModule, { name: 'hello', state: 'absent' }, { ansible_pkg_mgr: 'apt' })
  })
})

describe('apt sources and keys on a lab host', () => {
  const remoteRepo = '/srv/tsplay-deb-repo'
  const deb = `${remoteRepo}/tsplay-deb-test_1.0_all.deb`

  beforeAll(async () => {
    // A flat repository with one package built here, read by apt through file: URIs.
    const root = join(work, 'deb')
    mkdirSync(join(root, 'pkg/DEBIAN'), { recursive: true })
    mkdirSync(join(root, 'pkg/usr/share/tsplay-deb-test'), { recursive: true })
    mkdirSync(join(root, 'repo'))
    writeFileSync(join(root, 'pkg/DEBIAN/control'), 'Package: tsplay-deb-test\nVersion: 1.0\nArchitecture: all\nMaintainer: tsplay tests <t@example.invalid>\nDescription: package built by the tsplay tests\n')
    writeFileSync(join(root, 'pkg/usr/share/tsplay-deb-test/version'), '1.0\n')
    execFileSync('dpkg-deb', ['-b', join(root, 'pkg'), join(root, 'repo/tsplay-deb-test_1.0_all.deb')], { stdio: 'pipe' })
    writeFileSync(join(root, 'repo/Packages'), execFileSync('dpkg-scanpackages', ['.', '/dev/null'], { cwd: join(root, 'repo'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
    await conn.exec(sh`rm -rf ${remoteRepo} && mkdir -p ${remoteRepo}`)
    for (const file of walk(join(root, 'repo'))) await conn.writeFile(`${remoteRepo}/${relative(join(root, 'repo'), file)}`, readFileSync(file))
    await run(apt, { name: 'tsplay-deb-test', state: 'absent', purge: true })
  })

  it('deb822_repository adds a .sources file apt installs from, and removes it', async () => {
    const source = { name: 'tsplay local', uris: `file:${remoteRepo}`, suites: './', trusted: true }
    await converge(deb822_repository, source)
    expect(await shell(sh`cat /etc/apt/sources.list.d/tsplay-local.sources`)).toBe(`X-Repolib-Name: tsplay local\nSuites: ./\nTrusted: yes\nTypes: deb\nURIs: file:${remoteRepo}`)
    const installed = await converge(apt, { name: 'tsplay-deb-test', update_cache: true })
    expect(installed.changes).toEqual(['update the apt package lists', 'install tsplay-deb-test'])
    expect(await shell(sh`cat /usr/share/tsplay-deb-test/version`)).toBe('1.0')
    await converge(apt, { name: 'tsplay-deb-test', state: 'absent', purge: true })
    await converge(deb822_repository, { name: 'tsplay local', state: 'absent' })
    expect(await shell(sh`ls /etc/apt/sources.list.d/`)).not.toContain('tsplay-local')
  })

  it('apt_repository adds the same repository as a one-line source and refreshes the lists', async () => {
    const line = `deb [trusted=yes] file:${remoteRepo} ./`
    await converge(apt_repository, { repo: line, filename: 'tsplay-local' })
    expect(await shell(sh`cat /etc/apt/sources.list.d/tsplay-local.list`)).toBe(line)
    expect(await shell(sh`apt-cache policy tsplay-deb-test | sed -n 's/^  Candidate: //p'`)).toBe('1.0')
    await converge(apt_repository, { repo: line, state: 'absent' })
    expect(await shell(sh`ls /etc/apt/sources.list.d/`)).not.toContain('tsplay-local.list')
  })

  it('apt installs a .deb from a URL, and deb822_repository stores a key from a URL in /etc/apt/keyrings', async () => {
    const files: Record<string, Buffer> = {
      '/tsplay-deb-test_1.0_all.deb': readFileSync(join(work, 'deb/repo/tsplay-deb-test_1.0_all.deb')),
      '/key.asc': Buffer.from('-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmDMEZtsplay\n-----END PGP PUBLIC KEY BLOCK-----\n'),
    }
    const server: Server = createServer((req, res) => (files[req.url ?? ''] ? res.end(files[req.url!]) : res.writeHead(404).end()))
    await new Promise<void>((resolve) => server.listen(0, BRIDGE_ADDRESS, resolve))
    const base = `http://${BRIDGE_ADDRESS}:${(server.address() as AddressInfo).port}`
    try {
      expect((await converge(apt, { deb: `${base}/tsplay-deb-test_1.0_all.deb` })).changes).toEqual(['install tsplay-deb-test 1.0'])
      await converge(apt, { name: 'tsplay-deb-test', state: 'absent', purge: true })
      const keyed = await converge(deb822_repository, { name: 'tsplay keyed', uris: `file:${remoteRepo}`, suites: './', signed_by: `${base}/key.asc`, enabled: false })
      expect(keyed.changes).toEqual(['write the signing key /etc/apt/keyrings/tsplay-keyed.asc', 'create /etc/apt/sources.list.d/tsplay-keyed.sources'])
      expect(await shell(sh`cat /etc/apt/keyrings/tsplay-keyed.asc`)).toBe(files['/key.asc']!.toString().trim())
      await converge(deb822_repository, { name: 'tsplay keyed', state: 'absent' })
      expect(await shell(sh`ls /etc/apt/keyrings /etc/apt/sources.list.d`)).not.toContain('tsplay-keyed')
    } finally {
      server.close()
    }
  })

  it('apt installs a .deb file from the host, then removes the package', async () => {
    expect((await converge(apt, { deb })).changes).toEqual(['install tsplay-deb-test 1.0'])
    expect(await dpkgStatus('tsplay-deb-test')).toBe('ii')
    await converge(apt, { name: 'tsplay-deb-test', state: 'absent', purge: true })
  })

  it('apt_key adds a key to a keyring under /etc/apt/keyrings and removes it', async () => {
    await run(apt, { name: 'gnupg', install_recommends: false })
    const env = { ...process.env, GNUPGHOME: join(work, 'gnupg') }
    mkdirSync(env.GNUPGHOME, { mode: 0o700 })
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'tsplay lab test <t@example.invalid>', 'ed25519', 'sign', 'never'], { env, stdio: 'pipe' })
    const data = execFileSync('gpg', ['--armor', '--export', 't@example.invalid'], { env, encoding: 'utf8' })
    const keyring = '/etc/apt/keyrings/tsplay-test.gpg'
    await conn.exec(sh`mkdir -p /etc/apt/keyrings && rm -f ${keyring}`)
    const added = await converge(apt_key, { data, keyring })
    await converge(apt_key, { id: String(added.values.key_id), keyring, state: 'absent' })
  })
})

describe('dnf and yum on a lab host with Debian dnf and rpm', () => {
  const remoteRepo = '/srv/tsplay-rpm-repo'

  beforeAll(async () => {
    const prepared = await run(apt, { name: ['dnf', 'rpm'], install_recommends: false, update_cache: true, cache_valid_time: 3600 })
    expect(prepared.status, prepared.msg).not.toBe('failed')
    const repo = buildRpmRepo(join(work, 'build'), [{ name: 'tsplay-lab-rpm', version: '1.0' }, { name: 'tsplay-lab-rpm', version: '1.1' }])
    await conn.exec(sh`rm -rf ${remoteRepo} /etc/yum.repos.d/tsplay-test.repo && mkdir -p ${remoteRepo}/repodata /etc/yum.repos.d`)
    for (const file of walk(repo)) await conn.writeFile(`${remoteRepo}/${relative(repo, file)}`, readFileSync(file))
  })

  it('yum_repository writes the .repo file dnf reads', async () => {
    await converge(yum_repository, { name: 'tsplay-test', description: 'tsplay test repository', baseurl: `file://${remoteRepo}`, gpgcheck: false })
    expect(await shell(sh`cat /etc/yum.repos.d/tsplay-test.repo`)).toBe(`[tsplay-test]\nbaseurl = file://${remoteRepo}\ngpgcheck = 0\nname = tsplay test repository`)
  })

  it('installs a version, upgrades to latest, removes; each predicted and idempotent', async () => {
    await run(dnf, { name: 'tsplay-lab-rpm', state: 'absent' })
    const installed = await converge(dnf, { name: 'tsplay-lab-rpm-1.0', update_cache: true })
    expect(installed).toMatchObject({ changes: ['install tsplay-lab-rpm 1.0-1'], values: { results: ['Installed: tsplay-lab-rpm-1.0-1.noarch'] } })
    expect(await shell(sh`rpm -q tsplay-lab-rpm; cat /usr/share/tsplay-lab-rpm/version`)).toBe('tsplay-lab-rpm-1.0-1.noarch\n1.0')
    expect((await converge(yum, { name: 'tsplay-lab-rpm', state: 'latest' })).changes).toEqual(['upgrade tsplay-lab-rpm 1.0-1 → 1.1-1'])
    expect(await shell(sh`cat /usr/share/tsplay-lab-rpm/version`)).toBe('1.1')
    expect((await converge(dnf, { name: 'tsplay-lab-rpm', state: 'removed' })).changes).toEqual(['remove tsplay-lab-rpm 1.1-1'])
    expect(await shell(sh`rpm -q tsplay-lab-rpm`)).toBe('package tsplay-lab-rpm is not installed')
  })

  it('fails as Ansible does for a package no repository offers', async () => {
    expect(await run(dnf, { name: 'tsplay-no-such-rpm' })).toMatchObject({ status: 'failed', msg: 'Failed to install some of the specified packages', values: { failures: ['No package tsplay-no-such-rpm available.'] } })
  })
})

// The same playbook through ansible-playbook and through tsplay on the same host from the same starting state:
// the verdicts of a check run, a first and a second run, and the packages and files after each.
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - {name: lists, apt: {update_cache: true, cache_valid_time: 3600}}
    - {name: install, apt: {name: [hello, cowsay], install_recommends: false}}
    - {name: at least, apt: {name: 'hello>=2.0'}}
    - {name: remove, apt: {name: cowsay, state: absent, purge: true}}
    - {name: missing, apt: {name: tsdiff-not-installed, state: absent}}
    - {name: package, package: {name: hello, state: present}}
    - {name: source line, apt_repository: {repo: 'deb [trusted=yes] file:/srv/tsdiff-repo ./', filename: tsdiff, update_cache: false}}
    - {name: repo dir, file: {path: /etc/tsdiff.repos.d, state: directory}}
    - {name: yum repo, yum_repository: {name: tsdiff, description: tsdiff test, baseurl: 'file:///srv/tsdiff-rpm', gpgcheck: false, reposdir: /etc/tsdiff.repos.d}}
`
const RESET = sh`DEBIAN_FRONTEND=noninteractive apt-get -y -q purge hello cowsay >/dev/null 2>&1
rm -rf /etc/apt/sources.list.d/tsdiff.list /etc/tsdiff.repos.d /var/lib/apt/periodic/update-success-stamp
touch -d '2 hours ago' /var/lib/apt/lists; true`
const STATE = sh`dpkg-query -W -f='\${Package} \${db:Status-Abbrev}\n' hello cowsay 2>&1; cat /etc/apt/sources.list.d/tsdiff.list /etc/tsdiff.repos.d/tsdiff.repo 2>&1; true`

/** Both engines on this host from `reset`; the host is reset afterwards whatever happened. */
async function bothEngines(playbook: string, reset: ReturnType<typeof sh>, state: ReturnType<typeof sh>): Promise<{ ansible: string[][]; tsplay: string[][] }> {
  try {
    return await runBothEngines({ host: lab, conn, playbook, reset, state })
  } finally {
    await conn.exec(reset)
  }
}

describe('differential: ansible-playbook and tsplay on the same lab host', () => {
  it('agree on apt, package, apt_repository and yum_repository: verdicts, packages and files, in check mode and over two runs', async () => {
    const { ansible, tsplay } = await bothEngines(PLAYBOOK, RESET, STATE)
    expect(tsplay).toEqual(ansible)
    expect(ansible[0]!.length).toBeGreaterThan(9)
  })

  it('agree on dnf against the local RPM repository, including the returned results', async () => {
    const playbook = `- hosts: all
  gather_facts: false
  tasks:
    - {name: install, dnf: {name: tsplay-lab-rpm-1.0, releasever: '1'}, register: r1}
    - {name: latest, dnf: {name: tsplay-lab-rpm, state: latest, releasever: '1'}, register: r2}
    - {name: missing, dnf: {name: tsplay-no-such-rpm, releasever: '1'}, ignore_errors: true, register: r3}
    - {name: results, copy: {dest: /tmp/tsdiff-dnf, content: "{{ r1.results }} {{ r2.results }} {{ r3.failures }} {{ r1.msg }}"}}
    - {name: remove, dnf: {name: tsplay-lab-rpm, state: absent, releasever: '1'}}
`
    const reset = sh`rpm -e tsplay-lab-rpm >/dev/null 2>&1; rm -f /tmp/tsdiff-dnf; true`
    const { ansible, tsplay } = await bothEngines(playbook, reset, sh`rpm -q tsplay-lab-rpm; cat /tmp/tsdiff-dnf 2>&1; true`)
    expect(tsplay).toEqual(ansible)
    expect(ansible[3]![0]).toContain("['Installed: tsplay-lab-rpm-1.0-1.noarch'] ['Installed: tsplay-lab-rpm-1.1-1.noarch', 'Removed: tsplay-lab-rpm-1.0-1.noarch']")
  })
})

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}
