#!/usr/bin/env node
// The CLI is built into dist/ (by `npm ci` through the prepare script, or `npm run build`): tsc's output, then one
// bundled file of it, because one file starts in half the time of the ~250 modules it is made of. After a bare
// `tsc` the bundle is older than what tsc wrote, so the unbundled output runs rather than stale code.
import { statSync } from 'node:fs'

const dist = new URL('../dist/', import.meta.url)
const modified = (file) => {
  try {
    return statSync(new URL(file, dist)).mtimeMs
  } catch {
    return undefined
  }
}
const bundle = modified('tsplay.mjs')
const compiled = modified('engine/cli.js')
if (compiled === undefined) {
  console.error('tsplay: not built yet; run `npm run build` (or `npm ci`) first')
  process.exit(70)
}
await import(new URL(bundle !== undefined && bundle >= compiled ? 'tsplay.mjs' : 'engine/cli.js', dist).href)
