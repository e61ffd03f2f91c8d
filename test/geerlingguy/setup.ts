/**
 * What the geerlingguy comparison needs before any run: the roles at their mirrored commit, the variables that
 * point them at sources the lab can reach (the same for both engines), a signed apt repository of the
 * Kubernetes test doubles, and the reference ansible-core.
 */
import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { join, normalize } from 'node:path'
import { gzipSync } from 'node:zlib'
import { stringify } from 'yaml'
import { BRIDGE_ADDRESS } from '../../engine/lab/index.js'

/** The roles compared, by their short name (`geerlingguy.<name>`, mirrored as `geerlingguy+ansible-role-<name>`). */
export const ROLES = ['containerd', 'docker', 'kubernetes'] as const
export type RoleName = (typeof ROLES)[number]

/** Where the test's own signed repository of Kubernetes doubles listens (beside the lab's unsigned one). */
export const K8S_REPO_PORT = 8261

const gitDir = (mirror: string, repo: string): string => join(mirror, repo, 'repo')

/** Extract `geerlingguy.<role>` at the mirror's HEAD into `rolesDir`; returns the commit. */
export function extractRole(mirror: string, role: RoleName, rolesDir: string): string {
  const git = gitDir(mirror, `geerlingguy+ansible-role-${role}`)
  if (!existsSync(git)) throw new Error(`${git}: no mirror of geerlingguy/ansible-role-${role} (pass --mirror DIR)`)
  const commit = execFileSync('git', ['--git-dir', git, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()
  const dest = join(rolesDir, `geerlingguy.${role}`)
  mkdirSync(dest, { recursive: true })
  execFileSync('tar', ['-x', '-C', dest], { input: execFileSync('git', ['--git-dir', git, 'archive', commit], { maxBuffer: 64 << 20 }) })
  return commit
}

/**
 * ansible-core at `ref` from the mirror of ansible/ansible, extracted under `dir`: the roles' current releases use
 * `deb822_repository` (ansible-core 2.15+), which the installed 2.14 lacks. Returns the ansible-playbook command
 * and the environment it needs; `system` uses the installed ansible-playbook.
 */
export function referenceAnsible(mirror: string, ref: string, dir: string): { command: string[]; env: Record<string, string>; version: string } {
  if (ref === 'system') return { command: ['ansible-playbook'], env: {}, version: ansibleVersion(['ansible-playbook'], {}) }
  const git = gitDir(mirror, 'ansible+ansible')
  mkdirSync(dir, { recursive: true })
  execFileSync('tar', ['-x', '-C', dir], { input: execFileSync('git', ['--git-dir', git, 'archive', ref, 'lib', 'bin'], { maxBuffer: 256 << 20 }) })
  const command = ['python3', join(dir, 'bin/ansible-playbook')]
  // the installed ansible package's collections (community.general's modprobe, which `modprobe` redirects to)
  const collections = execFileSync('/usr/bin/python3', ['-c', 'import ansible_collections, os; print(os.path.dirname(list(ansible_collections.__path__)[0]))'], { encoding: 'utf8' }).trim()
  const env = { PYTHONPATH: join(dir, 'lib'), ANSIBLE_COLLECTIONS_PATH: collections }
  return { command, env, version: ansibleVersion(command, env) }
}

function ansibleVersion(command: string[], env: Record<string, string>): string {
  const text = execFileSync(command[0]!, [...command.slice(1), '--version'], { encoding: 'utf8', env: { ...process.env, ...env } })
  return /\[core ([^\]]+)\]/.exec(text)?.[1] ?? text.split('\n')[0]!
}

/** The control host's Debian mirror (the lab hosts use the same one through the lab's apt proxy). */
export function debianMirror(): string {
  const deb822 = '/etc/apt/sources.list.d/debian.sources'
  const text = existsSync(deb822) ? readFileSync(deb822, 'utf8') : readFileSync('/etc/apt/sources.list', 'utf8')
  const url = /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/m.exec(text)?.[1]
  if (!url) throw new Error('cannot find the Debian mirror in /etc/apt')
  return url.replace(/\/+$/, '')
}

const DEBIAN_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'

/**
 * The variables both engines get (`-e @FILE`), by role: Docker's repository becomes Debian's own archive
 * (download.docker.com is out of reach), its packages Debian's, and Kubernetes' repository the signed repo of
 * test doubles this script serves.
 */
export function roleVars(role: RoleName, mirror: string): Record<string, unknown> {
  const containerd = {
    containerd_package: 'containerd',
    docker_apt_repository: mirror,
    docker_apt_release_channel: 'main',
    docker_apt_gpg_key: DEBIAN_KEYRING,
  }
  if (role === 'containerd') return containerd
  if (role === 'docker') {
    if (!mirror.endsWith('/debian')) throw new Error(`${mirror}: the docker role appends /debian to docker_repo_url; this mirror does not end so`)
    return {
      docker_repo_url: mirror.slice(0, -'/debian'.length),
      docker_apt_release_channel: 'main',
      docker_apt_gpg_key: DEBIAN_KEYRING,
      docker_packages: ['docker.io'],
      // the role's Debian list removes docker.io, containerd and runc: the very packages Debian's Docker is
      docker_obsolete_packages: ['docker-engine', 'podman-docker'],
      docker_install_compose_plugin: false,
    }
  }
  return {
    ...containerd,
    kubernetes_apt_repository: `http://${BRIDGE_ADDRESS}:${K8S_REPO_PORT}/`,
    kubernetes_version: '1.27',
    kubernetes_version_kubeadm: 'v1.27.0',
    // the doubles have no kubernetes-cni; kubelet, kubectl and kubeadm are the role's own package names
    kubernetes_packages: [{ name: 'kubelet', state: 'present' }, { name: 'kubectl', state: 'present' }, { name: 'kubeadm', state: 'present' }],
    // the lab host is a container (systemd-nspawn), where modprobe cannot load br_netfilter; the role's own
    // guard for containers tests this fact against "docker"
    ansible_virtualization_type: 'docker',
  }
}

/** Write the vars file of `role` into `dir`; returns its path. */
export function writeVars(dir: string, role: RoleName, mirror: string): string {
  const file = join(dir, `${role}-vars.yml`)
  writeFileSync(file, stringify(roleVars(role, mirror)))
  return file
}

/**
 * A flat apt repository of the Kubernetes test doubles signed with a throwaway key, served on the lab bridge:
 * the kubernetes role adds its repository with `signed_by: <repo>/Release.key`, so an unsigned one cannot do.
 */
export async function serveSignedDoubles(debs: string, dir: string): Promise<Server> {
  mkdirSync(dir, { recursive: true })
  const found = existsSync(debs) ? readdirSync(debs).filter((f) => f.endsWith('.deb')) : []
  if (found.length === 0) throw new Error(`${debs}: no test double packages (run test/doubles/build-debs.sh)`)
  for (const f of found) copyFileSync(join(debs, f), join(dir, f))
  const packages = execFileSync('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] })
  const files: [string, Buffer][] = [['Packages', packages], ['Packages.gz', gzipSync(packages)]]
  for (const [name, data] of files) writeFileSync(join(dir, name), data)
  const sums = files.map(([name, data]) => ` ${createHash('sha256').update(data).digest('hex')} ${data.length} ${name}`)
  writeFileSync(join(dir, 'Release'), `Origin: tsplay-doubles\nLabel: tsplay-doubles\nDate: ${new Date().toUTCString()}\nSHA256:\n${sums.join('\n')}\n`)
  const home = join(dir, '.gnupg')
  mkdirSync(home, { mode: 0o700 })
  const gpg = (...args: string[]): Buffer => execFileSync('gpg', ['--homedir', home, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  gpg('--quick-gen-key', 'tsplay test doubles repository (throwaway)', 'rsa3072', 'sign', 'never')
  gpg('--clearsign', '-o', join(dir, 'InRelease'), join(dir, 'Release'))
  gpg('--armor', '--detach-sign', '-o', join(dir, 'Release.gpg'), join(dir, 'Release'))
  writeFileSync(join(dir, 'Release.key'), gpg('--armor', '--export'))
  // signing started a gpg-agent for this throwaway home: end it rather than leave it running
  execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'])
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^\/+/, '')
    const file = join(dir, path)
    try {
      if (path.startsWith('.') || !file.startsWith(dir)) throw new Error('outside')
      const body = readFileSync(file)
      res.writeHead(200).end(body)
    } catch {
      res.writeHead(404).end()
    }
  })
  await new Promise<void>((done, fail) => server.once('error', fail).listen(K8S_REPO_PORT, BRIDGE_ADDRESS, done))
  return server
}
