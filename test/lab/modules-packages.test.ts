// Package modules on a real lab host: apt installs and removes Debian packages through the lab's apt proxy;
// dnf/yum install and remove an RPM built here (rpmbuild + createrepo_c) from a file:// repository on the host,
// after apt has installed Debian's dnf and rpm there. Each step runs in check mode first (host untouched,
// same prediction), then for real, then again with no change.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openConnection } from '../../engine/connection/index.js'
import { sh } from '../../engine/connection/shell.js'
import type { Connection } from '../../engine/connection/types.js'
import { runModule, type AnyModule, type ModuleOutcome } from '../../engine/module.js'
import { apt } from '../../modules/apt.js'
import { dnf } from '../../modules/dnf.js'
import { packageModule } from '../../modules/package.js'
import { yum } from '../../modules/yum.js'
import { yum_repository } from '../../modules/yum_repository.js'
import { makeContext } from '../helpers/module-context.js'
import { labHosts, labKeyFile, labKnownHosts } from './helpers.js'
import { buildRpmRepo } from './rpm-repo.js'

let conn: Connection
const work = mkdtempSync(join(tmpdir(), 'tsplay-pkg-lab-'))

beforeAll(async () => {
  // lab5 exists whenever the lab's global setup passed and no other suite reboots or stops it.
  const wanted = process.env.TSPLAY_PACKAGES_LAB_HOST ?? 'lab5'
  const host = labHosts().find((h) => h.name === wanted)
  if (!host) throw new Error(`lab host ${wanted} is not running`)
  conn = await openConnection(host.name, {
    ansible_host: host.address, ansible_user: 'root', ansible_ssh_private_key_file: labKeyFile(),
    ansible_ssh_common_args: `-o UserKnownHostsFile=${labKnownHosts()} -o StrictHostKeyChecking=yes`,
  }, { acceptNewHostKeys: false, timeoutSeconds: 10 })
})
afterAll(async () => {
  await conn?.close()
  rmSync(work, { recursive: true, force: true })
})

const run = (mod: AnyModule, args: Record<string, unknown>, check = false, vars: Record<string, unknown> = {}): Promise<ModuleOutcome> =>
  runModule(mod, makeContext({ conn, check, diff: true, vars }), mod.args.parse(args))
const shell = async (command: ReturnType<typeof sh>): Promise<string> => (await conn.exec(command, { allowFailure: true })).stdout.trim()
const dpkgStatus = (name: string): Promise<string> => shell(sh`dpkg-query -W -f=${'${db:Status-Abbrev}'} ${name} 2>/dev/null`)

/** Check mode predicts, the real run does exactly that, and a second real run changes nothing. */
async function converge(mod: AnyModule, args: Record<string, unknown>, vars: Record<string, unknown> = {}): Promise<ModuleOutcome> {
  const predicted = await run(mod, args, true, vars)
  expect(predicted.status).toBe('changed')
  const applied = await run(mod, args, false, vars)
  expect(applied.status, applied.msg).toBe('changed')
  expect(applied.changes).toEqual(predicted.changes)
  expect(await run(mod, args, false, vars)).toMatchObject({ status: 'ok', changed: false })
  expect(await run(mod, args, true, vars)).toMatchObject({ status: 'ok', changed: false })
  return applied
}

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

  it('package picks apt from the facts', async () => {
    await converge(packageModule, { name: 'hello', state: 'present' }, { ansible_pkg_mgr: 'apt' })
    await converge(packageModule, { name: 'hello', state: 'absent' }, { ansible_pkg_mgr: 'apt' })
  })
})

describe('dnf and yum on a lab host with Debian dnf and rpm', () => {
  const remoteRepo = '/srv/tsplay-rpm-repo'

  beforeAll(async () => {
    const prepared = await run(apt, { name: ['dnf', 'rpm'], install_recommends: false, update_cache: true, cache_valid_time: 3600 })
    expect(prepared.status, prepared.msg).not.toBe('failed')
    const repo = buildRpmRepo(join(work, 'build'), [{ name: 'tsplay-lab-rpm', version: '1.0' }, { name: 'tsplay-lab-rpm', version: '1.1' }])
    await conn.exec(sh`rm -rf ${remoteRepo} && mkdir -p ${remoteRepo}/repodata /etc/yum.repos.d`)
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

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}
