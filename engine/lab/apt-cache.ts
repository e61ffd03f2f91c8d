import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { createConnection } from 'node:net'
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { APT_PROXY_PORT, BRIDGE_ADDRESS, paths } from './layout.js'
import { LabError, processAlive, signal, waitFor } from './system.js'
import { readState, writeState } from './state.js'

/** Whether something accepts TCP connections at address:port (within a second). */
export function listening(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port, timeout: 1000 })
    const done = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

/** Whether the lab's apt proxy fetches `url` (a HEAD answered 200 within `timeoutMs`), as a lab host would. */
export function reachableThroughProxy(url: string, timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: BRIDGE_ADDRESS, port: APT_PROXY_PORT, method: 'HEAD', path: url, timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.once('timeout', () => req.destroy())
    req.once('error', () => resolve(false))
    req.end()
  })
}

/** The proxy line for a lab host's /etc/apt/apt.conf.d/01proxy; the bridge itself (local repo) is reached directly. */
export const aptProxyConf = (): string =>
  `Acquire::http::Proxy "http://${BRIDGE_ADDRESS}:${APT_PROXY_PORT}";\nAcquire::http::Proxy::${BRIDGE_ADDRESS} "DIRECT";\n`

/**
 * Serve the control host's mirror to the lab through apt-cacher-ng on the bridge, with a configuration of
 * the lab's own (the system's /etc/apt-cacher-ng is left alone). Reuses one already listening there.
 */
export async function ensureAptCacher(mirror: string): Promise<void> {
  const recorded = readState().aptCacher
  if (recorded && processAlive(recorded.pid, 'apt-cacher-ng')) return
  if (await listening(BRIDGE_ADDRESS, APT_PROXY_PORT)) return
  const conf = join(paths.acng, 'conf')
  const logs = join(paths.acng, 'log')
  for (const dir of [conf, logs, paths.aptCache]) mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(conf, 'acng.conf'),
    [
      '# tsplay lab: apt-cacher-ng for lab hosts, on the lab bridge only',
      `CacheDir: ${paths.aptCache}`,
      `LogDir: ${logs}`,
      'SupportDir: /usr/lib/apt-cacher-ng',
      `Port: ${APT_PROXY_PORT}`,
      `BindAddress: ${BRIDGE_ADDRESS}`,
      'Remap-debrep: file:deb_mirror*.gz /debian ; file:backends_debian',
      'Remap-secdeb: security.debian.org security.debian.org/debian-security deb.debian.org/debian-security /debian-security ; deb.debian.org/debian-security security.debian.org',
      'ExThreshold: 4',
      '',
    ].join('\n'),
  )
  // without the control host's own mirror as backend, apt-cacher-ng picks mirrors it cannot reach (503)
  writeFileSync(join(conf, 'backends_debian'), `${mirror}/\n`)
  const log = openSync(join(logs, 'foreground.log'), 'a')
  const child = spawn('apt-cacher-ng', ['-c', conf, 'ForeGround=1'], { detached: true, stdio: ['ignore', log, log] })
  closeSync(log)
  if (child.pid === undefined) throw new LabError('cannot start apt-cacher-ng')
  child.unref()
  writeState({ ...readState(), aptCacher: { pid: child.pid } })
  const up = await waitFor(() => listening(BRIDGE_ADDRESS, APT_PROXY_PORT), 10_000, 200)
  if (!up) throw new LabError(`apt-cacher-ng did not start listening on ${BRIDGE_ADDRESS}:${APT_PROXY_PORT} (see ${logs})`)
}

/** Stop the apt-cacher-ng the lab started, if any. */
export async function stopAptCacher(): Promise<void> {
  const recorded = readState().aptCacher
  if (!recorded) return
  if (processAlive(recorded.pid, 'apt-cacher-ng')) {
    signal(recorded.pid, 'SIGTERM')
    if (!(await waitFor(() => !processAlive(recorded.pid, 'apt-cacher-ng'), 10_000))) signal(recorded.pid, 'SIGKILL')
  }
  const { aptCacher: _gone, ...rest } = readState()
  writeState(rest)
}
