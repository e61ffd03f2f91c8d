// The npm registry reachable here serves only some platform builds of packages such as rollup, so `npm install`
// leaves the other platforms' optional dependencies out of package-lock.json, and `npm ci` then refuses the lock
// as out of sync. This adds those entries back (version, os, cpu, libc from the package name; optional), which
// npm ci skips on this platform without fetching them. Run it after any `npm install` that rewrote the lock.
import { readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const OS = ['android', 'darwin', 'freebsd', 'linux', 'openbsd', 'openharmony', 'win32', 'sunos', 'netbsd', 'aix']
const CPU = ['arm64', 'arm', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el', 'wasm32']
let added = 0
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const where = `${path ? `${path}/` : ''}node_modules/${name}`
    if (lock.packages[where] || lock.packages[`node_modules/${name}`]) continue
    const words = name.split('/').pop().split('-')
    const os = words.find((w) => OS.includes(w))
    const cpu = words.find((w) => CPU.includes(w))
    if (!os || !cpu) continue
    const libc = words.includes('musl') || words.includes('musleabihf') ? ['musl'] : os === 'linux' ? ['glibc'] : undefined
    lock.packages[`node_modules/${name}`] = {
      version, cpu: [cpu], ...(entry.dev ? { dev: true } : {}), ...(libc ? { libc } : {}), optional: true, os: [os],
    }
    added++
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)))
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`fill-lock-platforms: added ${added} optional platform entries`)
