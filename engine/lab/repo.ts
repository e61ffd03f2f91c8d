import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'
import { listening } from './apt-cache.js'
import { BRIDGE_ADDRESS, paths, projectRoot, REPO_PORT } from './layout.js'
import { withLabLock } from './lock.js'
import { readState, writeState, type LabState } from './state.js'
import { LabError, processAlive, run, signal, waitFor } from './system.js'

/** The apt source line lab hosts get for the local repository. */
export const repoSourceLine = (port: number): string => `deb [trusted=yes] http://${BRIDGE_ADDRESS}:${port}/ ./\n`

/** The URL of the local repository (the inventory's `lab_repo_url`). */
export const repoUrl = (port: number): string => `http://${BRIDGE_ADDRESS}:${port}/`

/** Index every .deb under `dir` as a flat repository: Packages, Packages.gz and an unsigned Release. */
export function indexRepo(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LabError(`--repo ${dir}: not a directory`)
  const packages = run('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: dir })
  mkdirSync(paths.repoIndex, { recursive: true })
  const files: [string, Buffer][] = [
    ['Packages', Buffer.from(packages)],
    ['Packages.gz', gzipSync(packages)],
  ]
  for (const [name, data] of files) writeFileSync(join(paths.repoIndex, name), data)
  // a Release file lets apt accept the repository as [trusted=yes] without complaining about its absence
  const sums = files.map(([name, data]) => ` ${createHash('sha256').update(data).digest('hex')} ${data.length} ${name}`)
  writeFileSync(
    join(paths.repoIndex, 'Release'),
    `Origin: tsplay-lab\nLabel: tsplay-lab\nDate: ${new Date().toUTCString()}\nSHA256:\n${sums.join('\n')}\n`,
  )
}

/** Stop the recorded repository server, if it runs. */
export async function stopRepoServer(): Promise<void> {
  const { repo, ...rest } = readState()
  if (!repo) return
  if (processAlive(repo.pid, 'repo-server')) {
    signal(repo.pid, 'SIGTERM')
    if (!(await waitFor(() => !processAlive(repo.pid, 'repo-server'), 5_000))) signal(repo.pid, 'SIGKILL')
  }
  writeState(rest)
}

/** (Re)index `dir` and (re)start the detached HTTP server that serves it on the bridge at `port`. */
export async function serveRepo(dir: string, port: number): Promise<void> {
  const absolute = resolve(dir)
  indexRepo(absolute)
  await stopRepoServer()
  const log = openSync(join(paths.run, 'repo-server.log'), 'a')
  const script = join(projectRoot(), 'engine', 'lab', 'repo-server.mjs')
  const args = [script, BRIDGE_ADDRESS, String(port), paths.repoIndex, absolute]
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', log, log] })
  closeSync(log)
  if (child.pid === undefined) throw new LabError('cannot start the local repository server')
  child.unref()
  writeState({ ...readState(), repo: { dir: absolute, port, pid: child.pid } })
  if (!(await waitFor(() => listening(BRIDGE_ADDRESS, port), 10_000, 100))) {
    throw new LabError(`the local repository server did not listen on ${BRIDGE_ADDRESS}:${port} (see ${paths.run}/repo-server.log)`)
  }
}

/** The .deb files of `dir` by name (package, version and architecture), sorted; none when it is gone. */
export function debNames(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => name.endsWith('.deb')).sort()
  } catch {
    return []
  }
}

/**
 * What serving `dir` on `port` takes, given the recorded server and whether it runs: re-reading the index of the
 * folder it serves already (its files may have been rebuilt), nothing when it serves the same .deb names from
 * another folder (another checkout's test doubles), else a (re)start.
 */
export function repoAction(repo: LabState['repo'], running: boolean, dir: string, port: number, names: (dir: string) => string[] = debNames): 'index' | 'keep' | 'serve' {
  if (repo === undefined || !running || repo.port !== port) return 'serve'
  if (repo.dir === dir) return 'index'
  const wanted = names(dir)
  return wanted.length > 0 && names(repo.dir).join('\n') === wanted.join('\n') ? 'keep' : 'serve'
}

/**
 * Make the lab's repository serve the packages of `dir` and return its URL; a server that already serves them
 * is left running, so hosts installing from it meanwhile are not cut off (see repoAction).
 */
export async function ensureRepo(dir: string, port = REPO_PORT): Promise<string> {
  const absolute = resolve(dir)
  await withLabLock(async () => {
    const { repo } = readState()
    const action = repoAction(repo, repo !== undefined && processAlive(repo.pid, 'repo-server'), absolute, port)
    if (action === 'index') indexRepo(absolute)
    if (action === 'serve') await serveRepo(absolute, port)
  })
  return repoUrl(port)
}

/** The .deb repository index as served, for tests and `lab status`. */
export const servedPackages = (): string => readFileSync(join(paths.repoIndex, 'Packages'), 'utf8')
