#!/usr/bin/env node
// The CLI is built into dist/ (by `npm ci` through the prepare script, or `npm run build`): tsc's output, then one
// bundled file of it, because one file starts in half the time of the ~250 modules it is made of. After a bare
// `tsc` the bundle is older than what tsc wrote, so the unbundled output runs rather than stale code.
//
// The bundle is compiled with V8's code cache: the first `run` after a build leaves dist/tsplay.cjs.cache with the
// machine code of every function that run compiled, and later runs start from it instead of compiling again
// (about 0.1 s of CPU less per run of the HA playbook). A cache is used only for the bundle it was made from (its
// size and modification time head the file); V8 itself refuses one from another Node version or other V8 flags.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Script } from 'node:vm'

const dist = new URL('../dist/', import.meta.url)
const stat = (file) => {
  try {
    return statSync(new URL(file, dist))
  } catch {
    return undefined
  }
}
const bundle = stat('tsplay.cjs')
const compiled = stat('engine/cli/main.js')
if (compiled === undefined) {
  console.error('tsplay: not built yet; run `npm run build` (or `npm ci`) first')
  process.exit(70)
}
if (bundle !== undefined && bundle.mtimeMs >= compiled.mtimeMs) runBundle(fileURLToPath(new URL('tsplay.cjs', dist)), bundle)
else await import(new URL('engine/cli/main.js', dist).href)

/** Run the CommonJS bundle as Node would, but compiled from (and, when worth it, into) the code cache. */
function runBundle(file, { size, mtimeMs }) {
  const cacheFile = `${file}.cache`
  // `run` compiles far more than `--help` or `lab`; a cache made by anything else is replaced by a run's
  const kind = process.argv[2] === 'run' ? 'run' : 'other'
  const stamp = `tsplay-code-cache ${size} ${mtimeMs} `
  const cached = readCache(cacheFile, stamp)
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`
  const script = new Script(wrapped, { filename: file, cachedData: cached?.data })
  if (cached === undefined || script.cachedDataRejected || (kind === 'run' && cached.kind !== 'run')) {
    process.once('exit', () => writeCache(cacheFile, `${stamp}${kind}\n`, script))
  }
  const module = { exports: {} }
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file))
}

function readCache(cacheFile, stamp) {
  let bytes
  try {
    bytes = readFileSync(cacheFile)
  } catch {
    return undefined
  }
  const eol = bytes.indexOf(0x0a)
  const head = bytes.subarray(0, eol).toString('latin1')
  if (eol < 0 || !head.startsWith(stamp)) return undefined
  return { kind: head.slice(stamp.length), data: bytes.subarray(eol + 1) }
}

/** Written to a temporary file and renamed, so a run never reads half a cache; a read-only dist/ goes without. */
function writeCache(cacheFile, head, script) {
  const temp = `${cacheFile}.${process.pid}.tmp`
  try {
    writeFileSync(temp, Buffer.concat([Buffer.from(head, 'latin1'), script.createCachedData()]))
    renameSync(temp, cacheFile)
  } catch {
    // no cache this time; the next run tries again
    rmSync(temp, { force: true })
  }
}
