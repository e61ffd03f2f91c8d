import { execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** One package to build: a noarch RPM holding `/usr/share/NAME/version` with the version in it. */
export interface TestRpm {
  readonly name: string
  readonly version: string
}

/** Whether this machine can build RPM repositories (Debian packages `rpm` and `createrepo-c`). */
export const canBuildRpms = (): boolean => ['/usr/bin/rpmbuild', '/usr/bin/createrepo_c'].every((p) => existsSync(p))

/**
 * Build the given packages with rpmbuild and index them with createrepo_c into `dir/repo`, a directory
 * usable as `baseurl=file://…`. Returns the repo directory; the .rpm files are in it too.
 */
export function buildRpmRepo(dir: string, packages: readonly TestRpm[]): string {
  const top = join(dir, 'rpmbuild')
  const repo = join(dir, 'repo')
  mkdirSync(repo, { recursive: true })
  for (const p of packages) {
    const spec = join(dir, `${p.name}-${p.version}.spec`)
    writeFileSync(spec, [
      `Name: ${p.name}`, `Version: ${p.version}`, 'Release: 1', 'Summary: package built by the tsplay tests', 'License: MIT', 'BuildArch: noarch',
      '%description', 'Built by the tsplay test suite for the yum/dnf module tests.',
      '%install', `mkdir -p %{buildroot}/usr/share/${p.name}`, `echo ${p.version} > %{buildroot}/usr/share/${p.name}/version`,
      '%files', `/usr/share/${p.name}/version`, '',
    ].join('\n'))
    execFileSync('rpmbuild', ['--define', `_topdir ${top}`, '-bb', spec], { stdio: 'pipe' })
  }
  const built = join(top, 'RPMS', 'noarch')
  for (const file of readdirSync(built)) copyFileSync(join(built, file), join(repo, file))
  execFileSync('createrepo_c', ['-q', repo], { stdio: 'pipe' })
  return repo
}

/** The .repo file content pointing dnf at a local repository, without signature checks. */
export const repoFile = (id: string, repo: string): string => `[${id}]\nname=${id}\nbaseurl=file://${repo}\ngpgcheck=0\nenabled=1\n`
