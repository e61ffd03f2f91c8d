#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm ci` through the prepare script, or `npm run build`).
import('../dist/engine/cli.js').catch((error) => {
  if (error?.code === 'ERR_MODULE_NOT_FOUND') {
    console.error('tsplay: not built yet; run `npm run build` (or `npm ci`) first')
    process.exit(70)
  }
  throw error
})
